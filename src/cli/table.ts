/**
 * @module The screen-time table printed by `screenalytics run`.
 */
import Table from 'cli-table3';
import type { ScreentimeFile } from '../pipeline/index.ts';

/**
 * Formats the per-identity screen time as a text table.
 * @param file - contents of `screentime.json`
 * @returns the table (identity, name, seconds, share, tracks, faces), or a sentence when there is no identity
 */
export function formatScreentimeTable(file: ScreentimeFile): string {
  if (file.identities.length === 0) {
    return `No face found in ${file.ep_id} (${file.duration_s.toFixed(1)} s): 0 identities, no screen time.`;
  }
  const table = new Table({
    head: ['identity', 'name', 'seconds', 'share', 'tracks', 'faces'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right'],
    style: { head: [], border: [] },
  });
  for (const r of file.identities) {
    table.push([
      r.identity_id,
      r.name ?? '-',
      r.seconds.toFixed(1),
      `${(r.share * 100).toFixed(1)}%`,
      r.track_ids.length,
      r.faces,
    ]);
  }
  const n = file.identities.length;
  const count = `${n} ${n === 1 ? 'identity' : 'identities'}`;
  return `${file.ep_id}: ${count}, ${file.duration_s.toFixed(1)} s\n${table.toString()}`;
}
