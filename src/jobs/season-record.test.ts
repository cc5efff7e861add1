/** @module seasonChainAfter: which stages a resumed stage of a season run chains to. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../test/helpers/temp-dir.ts';
import { seasonChainAfter, writeSeasonRun, type SeasonRunRecord } from './season-record.ts';

const record = (mode: 'local' | 'redis'): SeasonRunRecord => ({
  schema_version: 1,
  season_job_id: 'season-1',
  show_id: 'mit',
  season: 1,
  execution_mode: mode,
  profile: null,
  created_at: '2026-12-05T00:00:00.000Z',
  episodes: [{ ep_id: 'mit-s01e02', run_id: 'run-20261205-000000-abcd' }],
  ended_at: null,
});

describe('seasonChainAfter', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await makeTempDir('sa-season-record-');
  });
  afterEach(() => removeTempDir(dir));

  it('gives the stages after the resumed one when its run belongs to a redis season run', () => {
    writeSeasonRun(dir, record('redis'));
    expect(seasonChainAfter(dir, 'mit-s01e02', 'run-20261205-000000-abcd', 'faces_embed')).toEqual([
      'cluster',
      'screentime',
    ]);
    expect(seasonChainAfter(dir, 'mit-s01e02', 'run-20261205-000000-abcd', 'screentime')).toEqual(
      [],
    );
  });

  it('gives no chain for another run, another episode, a local season run or no season run', () => {
    expect(seasonChainAfter(dir, 'mit-s01e02', 'run-20261205-000000-abcd', 'cluster')).toEqual([]);
    writeSeasonRun(dir, record('redis'));
    expect(seasonChainAfter(dir, 'mit-s01e02', 'run-20261205-000000-zzzz', 'cluster')).toEqual([]);
    expect(seasonChainAfter(dir, 'mit-s01e01', 'run-20261205-000000-abcd', 'cluster')).toEqual([]);
    writeSeasonRun(dir, record('local'));
    expect(seasonChainAfter(dir, 'mit-s01e02', 'run-20261205-000000-abcd', 'cluster')).toEqual([]);
  });
});
