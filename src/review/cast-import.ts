/**
 * @module CSV import of a show's cast: header `name,aliases,role,status` (any order, `cast_id` optional, aliases
 * separated by `;`), quoted fields as in RFC 4180. A row whose cast id (given, or the slug of its name) exists
 * updates that cast member; others are created. All rows or none.
 */
import { InputError } from '../errors.ts';
import {
  CAST_ROLES,
  CAST_STATUSES,
  createCastMember,
  getCastMember,
  slugify,
  transact,
  updateCastMember,
  type CastInput,
  type CastMember,
  type Db,
} from '../store/index.ts';

/** Columns a cast CSV may have. */
const COLUMNS = ['cast_id', 'name', 'aliases', 'role', 'status'] as const;

/**
 * Splits CSV text into rows of fields (RFC 4180: `"` quotes, `""` inside quotes, CRLF or LF).
 * @param text - CSV text
 * @returns rows of fields; blank lines dropped
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  row.push(field);
  rows.push(row);
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

function pick<T extends string>(
  value: string,
  allowed: readonly T[],
  what: string,
  line: number,
): T | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') {
    return undefined;
  }
  if (!allowed.includes(v as T)) {
    throw new InputError(
      `Line ${line}: ${what} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`,
    );
  }
  return v as T;
}

/**
 * Imports cast members from CSV.
 *
 * Effects (one transaction): creates or updates the cast member of each row; a bad row rolls every row back.
 * @param db - open database
 * @param showId - show id (created when absent)
 * @param csv - CSV text with a header line
 * @returns created and updated counts, and the cast members of the file in order
 * @throws InputError naming the line for a missing `name` column or value, an unknown column, role or status
 */
export async function importCastCsv(
  db: Db,
  showId: string,
  csv: string,
): Promise<{ created: number; updated: number; items: CastMember[] }> {
  const [header, ...rows] = parseCsv(csv);
  const cols = (header ?? []).map((h) => h.trim().toLowerCase());
  const unknown = cols.filter((c) => !(COLUMNS as readonly string[]).includes(c));
  if (!cols.includes('name') || unknown.length > 0) {
    throw new InputError(
      `The cast CSV needs a header with name and optionally ${COLUMNS.filter((c) => c !== 'name').join(', ')}${unknown.length > 0 ? `; unknown column ${unknown.join(', ')}` : ''}`,
    );
  }
  return transact(db, async (tx) => {
    let created = 0;
    let updated = 0;
    const items: CastMember[] = [];
    for (const [k, row] of rows.entries()) {
      const line = k + 2;
      const get = (c: string): string => row[cols.indexOf(c)]?.trim() ?? '';
      const name = get('name');
      if (name === '') {
        throw new InputError(`Line ${line}: the name is empty`);
      }
      const input: CastInput = {
        name,
        aliases: get('aliases')
          .split(';')
          .map((a) => a.trim())
          .filter((a) => a !== ''),
        role: pick(get('role'), CAST_ROLES, 'role', line),
        status: pick(get('status'), CAST_STATUSES, 'status', line),
      };
      const castId = get('cast_id') || slugify(name).slice(0, 64).replace(/-+$/, '');
      if (castId !== '' && (await getCastMember(tx, showId, castId))) {
        updated++;
        items.push(await updateCastMember(tx, showId, castId, input));
      } else {
        created++;
        items.push(await createCastMember(tx, showId, { ...input, cast_id: castId || undefined }));
      }
    }
    return { created, updated, items };
  });
}
