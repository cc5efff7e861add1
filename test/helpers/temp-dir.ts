/** @module Per-test temporary directories under the OS temp folder, removed by the caller. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Creates a fresh, empty directory.
 * @param prefix - start of the directory name, e.g. `sa-e2e-`
 * @param parent - folder to create it in (default: the OS temp folder)
 * @returns its absolute path
 */
export function makeTempDir(prefix: string, parent: string = tmpdir()): Promise<string> {
  return mkdtemp(join(parent, prefix));
}

/**
 * Removes a directory made by {@link makeTempDir} and everything in it; a missing directory is not an error.
 * @param dir - the directory; an empty string is ignored (a `beforeAll` that failed early)
 */
export async function removeTempDir(dir: string): Promise<void> {
  if (dir !== '') {
    await rm(dir, { recursive: true, force: true });
  }
}
