/**
 * @module Stage status through `inject()` after a real CLI run: every stage `success`; then detect_track re-run in
 * the same run through a local job (profile `performance`, downgraded on this CPU-only machine) makes every later
 * stage `stale`, with the reason; the logs of CLI runs and of jobs are both served.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import { loadConfig } from '../../src/config/index.ts';
import { listAvailableAccelerators } from '../../src/models/index.ts';
import { readMarker, runPaths, writeMarker } from '../../src/store/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CLIPS, JobsWorld } from '../jobs/harness.ts';

type App = Awaited<ReturnType<typeof buildServer>>;
type Status = {
  run_id: string;
  stages: Record<
    string,
    {
      status: string;
      stale_reason: string | null;
      last_run_at: string | null;
      zero_rows: boolean;
      counts: Record<string, number>;
    }
  >;
};

const EP_ID = 'cap13-edit2-s01e01';
let world: JobsWorld;
let app: App;

beforeAll(async () => {
  world = await JobsWorld.create();
  const cli = await runCli(['run', CLIPS.cap13, '--json'], { dataDir: world.dataDir });
  expect(cli.code).toBe(0);
  app = await buildServer({ config: loadConfig(world.configInput()) });
});

afterAll(async () => {
  await app?.close();
  await world?.close();
});

async function status(): Promise<Status> {
  return (await app.inject({ method: 'GET', url: `/episodes/${EP_ID}/status` })).json<Status>();
}

describe('GET /episodes/{ep_id}/status', () => {
  it('shows every stage success with its marker time and counts after a CLI run', async () => {
    const { stages } = await status();
    for (const stage of ['detect_track', 'faces_embed', 'cluster', 'screentime']) {
      expect(stages[stage]).toMatchObject({
        status: 'success',
        zero_rows: false,
        stale_reason: null,
      });
      expect(stages[stage]!.last_run_at).not.toBeNull();
    }
    expect(stages.detect_track!.counts.tracks).toBeGreaterThan(0);
  });

  it('shows every stage below a stale one stale when an upstream output was replaced', async () => {
    // Fault injection: the run's detect_track marker is replaced by another one (same times, new id), as when
    // detect_track is being re-run; faces_embed read the old one, and cluster and screentime depend on it.
    const { run_id } = await status();
    const path = runPaths(world.dataDir, EP_ID, run_id).marker('detect_track');
    const original = readMarker(path)!;
    writeMarker(path, { ...original, marker_id: randomUUID() });
    try {
      const { stages } = await status();
      expect(stages.faces_embed!.stale_reason).toMatch(/read another detect_track output/);
      expect(stages.cluster!.status).toBe('stale');
      expect(stages.cluster!.stale_reason).toMatch(/^faces_embed is stale/);
      expect(stages.screentime!.status).toBe('stale');
      expect(stages.screentime!.stale_reason).toMatch(/^cluster is stale/);
    } finally {
      writeMarker(path, original);
    }
    expect((await status()).stages.screentime!.status).toBe('success');
  });

  it('shows faces_embed and later stages stale after detect_track is re-run', async () => {
    const before = await status();
    const res = await app.inject({
      method: 'POST',
      url: '/jobs/detect_track',
      payload: { ep_id: EP_ID, execution_mode: 'local', profile: 'performance' },
    });
    expect(res.json()).toMatchObject({ status: 'completed', run_id: before.run_id });
    if (listAvailableAccelerators().length === 0) {
      expect(res.json<{ logs: string[] }>().logs).toEqual(
        expect.arrayContaining([expect.stringMatching(/performance downgraded to balanced/)]),
      );
    }
    const { stages } = await status();
    expect(stages.detect_track!.status).toBe('success');
    for (const stage of ['faces_embed', 'cluster', 'screentime']) {
      expect(stages[stage]!.status).toBe('stale');
      expect(stages[stage]!.stale_reason).toMatch(/^detect_track finished at .* after /);
    }
  });
});

describe('GET /episodes/{ep_id}/logs/{stage}', () => {
  it('serves the job log of detect_track and the CLI log of faces_embed, noisy lines marked', async () => {
    const detect = (
      await app.inject({ method: 'GET', url: `/episodes/${EP_ID}/logs/detect_track` })
    ).json<{
      jobs: { execution_mode: string; state: string; lines: { msg: string; noisy: boolean }[] }[];
    }>();
    expect(detect.jobs.map((j) => [j.execution_mode, j.state])).toEqual([['local', 'success']]);
    expect(detect.jobs[0]!.lines.every((l) => typeof l.noisy === 'boolean')).toBe(true);
    const faces = (
      await app.inject({ method: 'GET', url: `/episodes/${EP_ID}/logs/faces_embed` })
    ).json<{
      jobs: { execution_mode: string; lines: { msg: string }[] }[];
    }>();
    expect(faces.jobs[0]).toMatchObject({ execution_mode: 'cli' });
    expect(faces.jobs[0]!.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['stage.started', 'stage.finished']),
    );
  });
});
