/** @module Unit tests of the season table. */
import { describe, expect, it } from 'vitest';
import { formatSeasonTable, type SeasonTableInput } from './season-table.ts';

const report: SeasonTableInput = {
  show_id: 'fotb',
  season: 1,
  total_duration_s: 200,
  episodes: [
    { ep_id: 'fotb-s01e01', episode: 1, unassigned_s: 5, run_id: 'run-20261204-000000-aaaa' },
    { ep_id: 'fotb-s01e02', episode: 2, unassigned_s: 0, run_id: null },
    { ep_id: 'fotb-s01e03', episode: 3, unassigned_s: 2.5, run_id: 'run-20261204-000000-bbbb' },
  ],
  cast: [
    {
      name: 'Jessica',
      seconds_by_episode: { 'fotb-s01e01': 40, 'fotb-s01e03': 20.25 },
      total_s: 60.25,
      share: 0.30125,
    },
    { name: 'Eddie', seconds_by_episode: { 'fotb-s01e03': 10 }, total_s: 10, share: 0.05 },
  ],
};

describe('formatSeasonTable', () => {
  it('prints a row per cast member with per-episode seconds, season total and share', () => {
    const lines = formatSeasonTable(report).split('\n');
    expect(lines[0]).toBe('fotb season 1: 3 episodes, 200.0 s');
    const text = lines.join('\n');
    expect(text).toMatch(/cast member\s*│\s*E01\s*│\s*E02\s*│\s*E03\s*│\s*season s\s*│\s*share/);
    expect(text).toMatch(/Jessica\s*│\s*40\.0\s*│\s*-\s*│\s*20\.3\s*│\s*60\.3\s*│\s*30\.1%/);
    expect(text).toMatch(/Eddie\s*│\s*0\.0\s*│\s*-\s*│\s*10\.0\s*│\s*10\.0\s*│\s*5\.0%/);
    expect(text).toMatch(/\(unassigned\)\s*│\s*5\.0\s*│\s*-\s*│\s*2\.5\s*│\s*7\.5\s*│\s*3\.8%/);
  });

  it('still prints the unassigned seconds, with a note, when no cast member is named', () => {
    const text = formatSeasonTable({ ...report, cast: [] });
    expect(text).toMatch(/\(unassigned\)/);
    expect(text).toMatch(/No cast member named yet/);
  });
});
