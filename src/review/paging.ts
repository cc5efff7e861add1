/**
 * @module Pages of review listings: `page` (1-based) and `page_size` (default and cap from `config.review`).
 */
import type { Config } from '../config/index.ts';
import { InputError } from '../errors.ts';

/** A page request. */
export interface PageRequest {
  /** 1-based page number (default 1). */
  page?: number;
  /** Items per page (default `config.review.page_size`, at most `config.review.max_page_size`). */
  page_size?: number;
}

/** One page of a listing. */
export interface Page<T> {
  /** The items of the page. */
  items: T[];
  /** 1-based page number. */
  page: number;
  /** Items per page. */
  page_size: number;
  /** Items in all pages. */
  total: number;
}

/**
 * @param review - `config.review`
 * @param req - page and page size asked for
 * @returns the page, its size, and the SQL-style `limit` / `offset`
 * @throws InputError (`INPUT_INVALID`) for a page below 1 or a page size out of range
 */
export function resolvePage(
  review: Config['review'],
  req: PageRequest,
): { page: number; pageSize: number; limit: number; offset: number } {
  const page = req.page ?? 1;
  const pageSize = req.page_size ?? review.page_size;
  if (!Number.isInteger(page) || page < 1) {
    throw new InputError(`Invalid page ${page}: pages start at 1`);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > review.max_page_size) {
    throw new InputError(`Invalid page_size ${pageSize}: expected 1..${review.max_page_size}`);
  }
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/**
 * @param items - the whole listing
 * @param review - `config.review`
 * @param req - page request
 * @returns the requested page of `items`
 * @throws InputError for a bad page or page size
 */
export function pageOf<T>(
  items: readonly T[],
  review: Config['review'],
  req: PageRequest,
): Page<T> {
  const { page, pageSize, offset } = resolvePage(review, req);
  return {
    items: items.slice(offset, offset + pageSize),
    page,
    page_size: pageSize,
    total: items.length,
  };
}
