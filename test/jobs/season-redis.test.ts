/**
 * @module A season run in `redis` mode through real `serve` and `worker` processes: the request answers 202 at
 * once with one queued chain per episode; the API process is killed right after (a closed tab, a restarted API),
 * and the workers still take every stage of both episodes to the end, two workers sharing the episodes; a new API
 * process reports the progress from the job rows until the run is done.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStageJobs } from '../../src/store/index.ts';
import { STAGES } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { ffmpeg } from '../helpers/media.ts';
import { CLIPS, http, JobsWorld, waitFor } from './harness.ts';

/** Seconds of each clip kept. */
const CUT_S = 5;

let world: JobsWorld;

beforeAll(async () => {
  world = await JobsWorld.create();
  // Default stride and checkpoints: nothing here needs a stage to run long.
  await writeFile(world.configFile, JSON.stringify({ api: { media_roots: world.mediaRoots() } }));
  await ffmpeg([
    '-i',
    CLIPS.cap12,
    '-t',
    String(CUT_S),
    '-c',
    'copy',
    join(world.dataDir, 'a S01E01.mp4'),
  ]);
  await ffmpeg([
    '-i',
    CLIPS.cap13,
    '-t',
    String(CUT_S),
    '-c',
    'copy',
    join(world.dataDir, 'b S01E02.mp4'),
  ]);
});

afterAll(async () => {
  await world?.close();
});

interface SeasonStatus {
  active: boolean;
  season_job_id: string | null;
  execution_mode: string | null;
  episodes: {
    ep_id: string;
    stage: string | null;
    state: string;
    pct: number | null;
    error: string | null;
  }[];
}

describe('season run in redis mode', () => {
  it('runs every stage of every episode server-side, on after the API process is gone', async () => {
    const api = await world.startApi();
    const registered = await http('POST', `${api.url}/shows/queued/seasons/1/episodes`, {
      video_paths: [join(world.dataDir, 'a S01E01.mp4'), join(world.dataDir, 'b S01E02.mp4')],
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);

    const started = await http<{
      season_job_id: string;
      execution_mode: string;
      episodes: { ep_id: string; job_id: string }[];
    }>('POST', `${api.url}/shows/queued/seasons/1/run`, { execution_mode: 'redis' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.execution_mode).toBe('redis');
    expect(started.body.episodes.map((e) => e.ep_id)).toEqual(['queued-s01e01', 'queued-s01e02']);

    api.proc.child.kill('SIGKILL');
    await Promise.all([world.startWorker(), world.startWorker()]);
    const api2 = await world.startApi();
    const seen = new Set<string>();
    const done = await waitFor(
      'the season run to end',
      async () => {
        const status = (await http<SeasonStatus>('GET', `${api2.url}/shows/queued/seasons/1/run`))
          .body;
        status.episodes.forEach((e) => seen.add(`${e.stage}:${e.state}`));
        return status.active ? undefined : status;
      },
      240_000,
      200,
    );
    expect(done).toMatchObject({
      season_job_id: started.body.season_job_id,
      execution_mode: 'redis',
      episodes: [
        { ep_id: 'queued-s01e01', stage: 'screentime', state: 'success', pct: 100, error: null },
        { ep_id: 'queued-s01e02', stage: 'screentime', state: 'success', pct: 100, error: null },
      ],
    });
    expect([...seen].some((s) => s.endsWith(':running') || s.endsWith(':queued'))).toBe(true);

    const db = await openTestDatabase(world.dataDir);
    try {
      const rows = [];
      for (const ep of ['queued-s01e01', 'queued-s01e02']) {
        for (const stage of STAGES) {
          rows.push(...(await listStageJobs(db, ep, stage, 10)));
        }
      }
      expect(rows).toHaveLength(8);
      expect(rows.every((r) => r.state === 'success' && r.mode === 'redis')).toBe(true);
      for (const ep of ['queued-s01e01', 'queued-s01e02']) {
        const inOrder = rows
          .filter((r) => r.ep_id === ep)
          .sort((a, b) => a.created_at.localeCompare(b.created_at));
        expect(inOrder.map((r) => r.stage)).toEqual(STAGES);
      }
      expect(new Set(rows.map((r) => r.runner_pid)).size).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('runs a season from the CLI with --queue and follows it to the season table (workers of the test above)', async () => {
    const env = Object.fromEntries(
      Object.entries(world.env()).filter(([k]) => k.startsWith('SCREENALYTICS_')),
    ) as Record<string, string>;
    const result = await runCli(
      [
        'run',
        join(world.dataDir, 'a S01E01.mp4'),
        join(world.dataDir, 'b S01E02.mp4'),
        '--show',
        'cliq',
        '--season',
        '1',
        '--queue',
      ],
      { dataDir: world.dataDir, env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/cliq-s01e01: done/);
    expect(result.stderr).toMatch(/cliq-s01e02: done/);
    expect(result.stdout).toMatch(/^cliq season 1: 2 episodes/);
    expect(result.stdout).toMatch(/E01 .*E02/);
  });
});
