/**
 * @module The screen-time table printed by `screenalytics run`: cast members (name, tier of the assignment,
 * seconds, share) with the seconds still unassigned, then the identities.
 */
import Table from 'cli-table3';
import type { ScreentimeFile } from '../pipeline/index.ts';

/** Who assigned a cast member's identities: the system's auto-assignment, a person, or both. */
export type AssignedBy = 'system' | 'person' | 'mixed';

/** A cast row as the live cast screen time gives it; `screentime.json` rows lack `tier` and `assigned_by`. */
export type TableCastRow = ScreentimeFile['cast'][number] & {
  /** Tier of the system's auto-assignment (`auto`, `high`, `medium`, `low`); null when a person assigned. */
  tier?: string | null;
  /** Who assigned it. */
  assigned_by?: AssignedBy;
};

/** What the table reads: `screentime.json`, or the live cast screen time of an episode (same shape, richer rows). */
export type ScreentimeTableInput = Omit<ScreentimeFile, 'cast'> & { cast: TableCastRow[] };

const seconds = (s: number): string => s.toFixed(1);
const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The tier cell: the system's tier, `person` for a reviewer's assignment, both when mixed, `-` when unknown. */
function tierCell(row: TableCastRow): string {
  if (row.assigned_by === 'person') {
    return 'person';
  }
  const tier = row.tier ?? '-';
  return row.assigned_by === 'mixed' ? `${tier}+person` : tier;
}

/**
 * Formats the screen time of an episode as text: a summary line; a cast table (cast_id, name, tier, seconds,
 * share, identities) ending with an `unassigned` row; then the identity table (identity, name, seconds, share,
 * tracks, faces). Seconds with one decimal, shares in percent of the video's duration.
 * @param file - `screentime.json`, or the live cast screen time (whose cast rows carry `tier` and `assigned_by`)
 * @returns the tables, or a sentence when there is no identity
 */
export function formatScreentimeTable(file: ScreentimeTableInput): string {
  if (file.identities.length === 0) {
    return `No face found in ${file.ep_id} (${file.duration_s.toFixed(1)} s): 0 identities, no screen time.`;
  }
  const named = file.identities.filter((r) => r.cast_id !== null).length;
  const summary =
    `${file.ep_id}: ${plural(file.identities.length, 'identity', 'identities')} (${named} named), ` +
    `${plural(file.cast.length, 'cast member', 'cast members')}, ${seconds(file.duration_s)} s; ` +
    `${seconds(file.unassigned.seconds)} s unassigned`;

  const cast = new Table({
    head: ['cast_id', 'name', 'tier', 'seconds', 'share', 'identities'],
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const r of file.cast) {
    cast.push([
      r.cast_id,
      r.name,
      tierCell(r),
      seconds(r.seconds),
      percent(r.share),
      r.identity_ids.length,
    ]);
  }
  const u = file.unassigned;
  cast.push(['-', 'unassigned', '-', seconds(u.seconds), percent(u.share), u.identity_ids.length]);

  const identities = new Table({
    head: ['identity', 'name', 'seconds', 'share', 'tracks', 'faces'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const r of file.identities) {
    identities.push([
      r.identity_id,
      r.name ?? '-',
      seconds(r.seconds),
      percent(r.share),
      r.track_ids.length,
      r.faces,
    ]);
  }
  return `${summary}\n${cast.toString()}\n${identities.toString()}`;
}
