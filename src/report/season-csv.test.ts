/** @module Tests of the long-format season CSV on a hand-made season report. */
import { describe, expect, it } from 'vitest';
import { seasonCsv } from './season-csv.ts';
import type { SeasonEpisode, SeasonReport } from './season.ts';

const episode = (n: number, runId: string | null, cast: SeasonEpisode['cast']): SeasonEpisode => ({
  ep_id: `show-s02e0${n}`,
  episode: n,
  title: null,
  run_id: runId,
  duration_s: runId ? 100 : null,
  review_version: runId ? 1 : null,
  cast,
  unassigned_s: 0,
  identities_unassigned: 0,
  conflicts: 0,
  stale_stages: [],
  error: null,
});

const report: SeasonReport = {
  show_id: 'show',
  season: 2,
  total_duration_s: 200,
  episodes: [
    episode(1, 'run-20261204-000000-aaaa', [
      { cast_id: 'ann', name: 'Ann "A", Jr', seconds: 12.5, share: 0.125 },
    ]),
    episode(2, 'run-20261204-000000-bbbb', [
      { cast_id: 'bob', name: 'Bob', seconds: 40, share: 0.4 },
      { cast_id: 'ann', name: 'Ann "A", Jr', seconds: 1, share: 0.01 },
    ]),
    episode(3, null, []),
  ],
  cast: [
    {
      cast_id: 'bob',
      name: 'Bob',
      seconds_by_episode: {},
      total_s: 40,
      share: 0.2,
    },
    {
      cast_id: 'ann',
      name: 'Ann "A", Jr',
      seconds_by_episode: {},
      total_s: 13.5,
      share: 0.0675,
    },
  ],
  co_appearance: { cast_ids: [], seconds: [] },
};

describe('seasonCsv', () => {
  it('writes one quoted row per cast member per episode with a run, 0 where absent', () => {
    expect(seasonCsv(report).split('\r\n')).toEqual([
      'show,season,episode,cast_id,name,seconds,share',
      'show,2,1,bob,Bob,0,0',
      'show,2,1,ann,"Ann ""A"", Jr",12.5,0.125',
      'show,2,2,bob,Bob,40,0.4',
      'show,2,2,ann,"Ann ""A"", Jr",1,0.01',
      '',
    ]);
  });
});
