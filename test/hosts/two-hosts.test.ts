/**
 * @module Proof on this machine of the README's scale-out (issue 12): two worker hosts made of network namespaces
 * (own addresses, own host names, the machine's file system shared as an NFS mount would be), a throw-away Redis
 * and PostgreSQL reachable only over the host links, the API on the machine. A four-episode season queued through
 * the API is shared by both hosts; mid-stage, one host's link goes down (its worker can reach neither Redis nor
 * PostgreSQL, but still the shared folder): its worker fences itself (kills its stage child before the job can be
 * seen stalled), the job is seen stalled within `jobs.stall_after_s`, is resumed through the API, ends on the other
 * host from its checkpoint, and the episode's artifacts equal those of the same video run without interruption (its
 * twin episode in the season); the job rows, in PostgreSQL, name both hosts. Skips with the reason where namespaces or the
 * servers cannot be made (not root, no `ip`, a container without the capability, no PostgreSQL).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EpisodeStatus,
  JobStatus,
  QueuedResult,
  SeasonRunStatus,
} from '../../src/api/contract.ts';
import { listStageJobs, openDatabase } from '../../src/store/index.ts';
import { STAGES } from '../../src/types.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { concatClips, makeTestPattern } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';
import { CLIPS, http, waitFor } from '../jobs/harness.ts';
import { WorkerHosts } from './cluster.ts';
import {
  HostLab,
  hostLabSupport,
  leftoversOf,
  sweepOrphanLabs,
  type Host,
  type LabRecord,
} from './netns.ts';
import { serviceSupport } from './services.ts';

/** Heartbeat and stall thresholds of the run, seconds. */
const HEARTBEAT_S = 1;
const STALL_S = 6;
/** Bound on the main test, ms: about 1 min on a quiet 2-core machine, 2 min under heavy load. */
const TEST_LIMIT_MS = 240_000;
/** Slack on top of `STALL_S` for noticing a stall (API polling, a heartbeat in flight). */
const STALL_SLACK_S = 2;
const SHOW = 'hosts';
/** Episodes 3 and 4 are one video: the interrupted one is compared with its uninterrupted twin. */
const TWINS = [`${SHOW}-s01e03`, `${SHOW}-s01e04`];
/** Artifacts that are byte-identical between two runs of one video. */
const STABLE_FILES = [
  'detections.jsonl',
  'tracks.jsonl',
  'shots.json',
  'track_metrics.json',
  'faces.jsonl',
  'embeddings.f32',
  'screentime.csv',
  'timeline.csv',
  'cast_screentime.csv',
  'cast_timeline.csv',
];
/** Artifacts equal between two runs once the ids of the episode, run and review are left out. */
const ID_FREE_JSON = ['identities.json', 'screentime.json'];
const RUN_IDS = new Set(['ep_id', 'run_id', 'review_id']);

const unsupported = hostLabSupport() ?? serviceSupport();
if (unsupported !== null) {
  console.warn(`test/hosts/two-hosts: skipped: ${unsupported}`);
}

/** A JSON value without the keys naming the episode, run or review (recursively). */
function withoutRunIds(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(withoutRunIds);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !RUN_IDS.has(k))
        .map(([k, v]) => [k, withoutRunIds(v)]),
    );
  }
  return value;
}

/** Relative paths of every file under `dir`. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe.skipIf(unsupported !== null)(
  `two worker hosts in network namespaces${unsupported ? ` (skipped: ${unsupported})` : ''}`,
  () => {
    let work = '';
    let dataDir = '';
    let cluster: WorkerHosts | undefined;
    let api = '';

    beforeAll(async () => {
      work = await makeTempDir('sa-hosts-');
      dataDir = join(work, 'data');
      const videos = join(work, 'videos');
      await mkdir(videos);
      // The shared folder exists before any process starts, as an NFS mount does.
      await mkdir(dataDir);
      // Episodes 3 and 4: one face, a 2 s test pattern (every track ends: a clean checkpoint at the cut after
      // it), then 200 s of another face, so the stage is well past a checkpoint and far from its end when cut.
      const gap = join(work, 'gap.mp4');
      await makeTestPattern(gap, 2);
      const twin = join(videos, `${SHOW} S01E03.mp4`);
      await concatClips(
        [CLIPS.cap13, gap, CLIPS.franck],
        twin,
        { kind: 'reencode', widthPx: 400, heightPx: 300, fps: 25 },
        work,
      );
      await copyFile(twin, join(videos, `${SHOW} S01E04.mp4`));
      await copyFile(CLIPS.cap13, join(videos, `${SHOW} S01E01.mp4`));
      await copyFile(CLIPS.cap12, join(videos, `${SHOW} S01E02.mp4`));
      const config = join(work, 'config.json');
      await writeFile(config, JSON.stringify({ detect: { checkpoint_interval_s: 0.2 } }));

      cluster = await WorkerHosts.start(2, {
        SCREENALYTICS_DATA_DIR: dataDir,
        SCREENALYTICS_CONFIG: config,
        SCREENALYTICS_MEDIA_ROOTS: videos,
        SCREENALYTICS_QUEUE_PREFIX: `hosts-${randomUUID()}`,
        SCREENALYTICS_JOB_HEARTBEAT_S: String(HEARTBEAT_S),
        SCREENALYTICS_JOB_STALL_S: String(STALL_S),
        SCREENALYTICS_WORKER_CONCURRENCY: '1',
      });
      cluster.lab.adoptDir(work);
      for (const host of cluster.hosts) {
        expect(cluster.lab.canReach(host, host.machineAddress, cluster.redisPort), host.name).toBe(
          true,
        );
        expect(
          cluster.lab.canReach(host, host.machineAddress, cluster.postgres.port),
          host.name,
        ).toBe(true);
      }
      const served = await cluster.startOnMachine(
        ['serve', '--port', '0'],
        /listening on (http:\/\/[^\s]+) /,
      );
      api = served.match[1]!;
      for (const host of cluster.hosts) {
        await cluster.startWorker(host);
      }
    });

    afterAll(async () => {
      const record = cluster?.lab.describe();
      cluster?.close();
      await removeTempDir(work);
      if (record) {
        expect(leftoversOf(record)).toEqual([]);
      }
    });

    it(
      'shares a season between the hosts; a job of a host cut off mid-stage stalls, resumes on the other host and ends with the artifacts of an uninterrupted run',
      async () => {
        const started = Date.now();
        const [hostA, hostB] = cluster!.hosts as [Host, Host];
        const videos = join(work, 'videos');
        const registered = await http<{ items: { ep_id: string }[] }>(
          'POST',
          `${api}/shows/${SHOW}/seasons/1/episodes`,
          { video_paths: [1, 2, 3, 4].map((n) => join(videos, `${SHOW} S01E0${n}.mp4`)) },
        );
        expect(registered.status, JSON.stringify(registered.body)).toBe(201);
        expect(registered.body.items).toHaveLength(4);
        const run = await http<{ episodes: { ep_id: string; run_id: string; job_id: string }[] }>(
          'POST',
          `${api}/shows/${SHOW}/seasons/1/run`,
          { execution_mode: 'redis' },
        );
        expect(run.status, JSON.stringify(run.body)).toBe(202);
        const runOf = new Map(run.body.episodes.map((e) => [e.ep_id, e.run_id]));

        // Follow the season; every job id seen, per episode and stage. Cut the host of the first twin whose
        // detect_track runs past a checkpoint.
        const jobIds = new Map<string, Set<string>>();
        let cut: { epId: string; jobId: string; host: string; atMs: number } | null = null;
        const checkpointOf = (epId: string): string =>
          join(
            dataDir,
            'episodes',
            epId,
            'runs',
            runOf.get(epId)!,
            'checkpoints',
            'detect_track.json',
          );
        const seasonStatus = async (): Promise<SeasonRunStatus> => {
          const status = (await http<SeasonRunStatus>('GET', `${api}/shows/${SHOW}/seasons/1/run`))
            .body;
          for (const e of status.episodes) {
            if (e.job_id !== null && e.stage !== null) {
              const key = `${e.ep_id} ${e.stage}`;
              jobIds.set(key, (jobIds.get(key) ?? new Set()).add(e.job_id));
            }
          }
          return status;
        };
        await waitFor(
          'a twin episode running detect_track past a checkpoint',
          async () => {
            const status = await seasonStatus();
            expect(
              status.episodes.every((e) => e.state !== 'error'),
              JSON.stringify(status),
            ).toBe(true);
            const victim = status.episodes.find(
              (e) =>
                TWINS.includes(e.ep_id) &&
                e.stage === 'detect_track' &&
                e.state === 'running' &&
                existsSync(checkpointOf(e.ep_id)),
            );
            if (!victim) {
              return undefined;
            }
            const job = (await http<JobStatus>('GET', `${api}/jobs/${victim.job_id}`)).body;
            const host = cluster!.hosts.find((h) => h.name === job.host)!;
            cluster!.lab.cutLink(host);
            cut = { epId: victim.ep_id, jobId: victim.job_id!, host: host.name, atMs: Date.now() };
            return cut;
          },
          150_000,
          50,
        );
        const { epId, jobId, host: cutHost, atMs } = cut!;
        const [cutOff, other] = cutHost === hostA.name ? [hostA, hostB] : [hostB, hostA];
        expect(cluster!.lab.canReach(cutOff, cutOff.machineAddress, cluster!.redisPort, 1)).toBe(
          false,
        );

        const stalled = await waitFor(
          `the job of ${epId} on ${cutHost} seen stalled`,
          async () => {
            const job = (await http<JobStatus>('GET', `${api}/jobs/${jobId}`)).body;
            return job.stalled ? job : undefined;
          },
          (STALL_S + 30) * 1000,
          100,
        );
        const stalledAfterS = (Date.now() - atMs) / 1000;
        expect(stalled.state).toBe('running');
        expect(stalledAfterS).toBeLessThanOrEqual(STALL_S + STALL_SLACK_S);
        const episode = (await http<EpisodeStatus>('GET', `${api}/episodes/${epId}/status`)).body;
        expect(episode.stages.detect_track.job).toMatchObject({ job_id: jobId, stalled: true });

        const resumed = await http<QueuedResult>(
          'POST',
          `${api}/episodes/${epId}/stages/detect_track/resume`,
          { execution_mode: 'redis' },
        );
        expect(resumed.status, JSON.stringify(resumed.body)).toBe(202);
        const done = await waitFor(
          'the season run to end',
          async () => {
            const status = await seasonStatus();
            return status.active ? undefined : status;
          },
          150_000,
          100,
        );
        expect(done.episodes.map((e) => [e.ep_id, e.stage, e.state])).toEqual(
          [1, 2, 3, 4].map((n) => [`${SHOW}-s01e0${n}`, 'screentime', 'success']),
        );

        // Hosts of every job seen, per episode and stage.
        const hostsOf = new Map<string, string[]>();
        for (const [key, ids] of jobIds) {
          for (const id of ids) {
            const job = (await http<JobStatus>('GET', `${api}/jobs/${id}`)).body;
            hostsOf.set(key, [...(hostsOf.get(key) ?? []), `${job.host}:${job.state}`]);
          }
        }
        const firstHosts = new Set(
          [1, 2, 3, 4].map(
            (n) => hostsOf.get(`${SHOW}-s01e0${n} detect_track`)?.[0]?.split(':')[0],
          ),
        );
        expect(firstHosts, JSON.stringify([...hostsOf])).toEqual(new Set([hostA.name, hostB.name]));

        const resumedJob = (await http<JobStatus>('GET', `${api}/jobs/${resumed.body.job_id}`))
          .body;
        expect(resumedJob).toMatchObject({
          state: 'success',
          host: other.name,
          resume: true,
          resumed_from: jobId,
        });
        for (const stage of ['faces_embed', 'cluster', 'screentime']) {
          expect(hostsOf.get(`${epId} ${stage}`), stage).toEqual([`${other.name}:success`]);
        }
        const runDir = (ep: string): string =>
          join(dataDir, 'episodes', ep, 'runs', runOf.get(ep)!);
        const log = await readFile(join(runDir(epId), 'logs', 'detect_track.jsonl'), 'utf8');
        expect(log).toContain('detect_track.resumed');
        // The cut host's worker killed its own stage child (it still wrote to the shared folder), before the resume.
        const lines = log.split('\n');
        const fenced = lines.findIndex((l) => l.includes('"job.fenced"'));
        expect(fenced, log).toBeGreaterThanOrEqual(0);
        expect(fenced).toBeLessThan(lines.findIndex((l) => l.includes('detect_track.resumed')));

        const twin = TWINS.find((t) => t !== epId)!;
        for (const name of STABLE_FILES) {
          expect(await readFile(join(runDir(epId), name)), name).toEqual(
            await readFile(join(runDir(twin), name)),
          );
        }
        for (const name of ID_FREE_JSON) {
          const read = async (ep: string): Promise<unknown> =>
            withoutRunIds(JSON.parse(await readFile(join(runDir(ep), name), 'utf8')));
          expect(await read(epId), name).toEqual(await read(twin));
        }
        for (const folder of ['crops', 'thumbs']) {
          const [mine, theirs] = [join(runDir(epId), folder), join(runDir(twin), folder)];
          const names = await filesUnder(mine);
          expect(names).toEqual(await filesUnder(theirs));
          for (const name of names) {
            expect(await readFile(join(mine, name)), name).toEqual(
              await readFile(join(theirs, name)),
            );
          }
        }
        // The state went through PostgreSQL, reached over the links: its job rows name both hosts; no SQLite file.
        expect(existsSync(join(dataDir, 'screenalytics.db'))).toBe(false);
        const db = await openDatabase(dataDir, { url: cluster!.postgres.url('127.0.0.1') });
        try {
          const rows = (
            await Promise.all(
              [...runOf.keys()].flatMap((ep) => STAGES.map((st) => listStageJobs(db, ep, st, 10))),
            )
          ).flat();
          expect(rows).toHaveLength(17);
          expect(new Set(rows.map((r) => r.host))).toEqual(new Set([hostA.name, hostB.name]));
        } finally {
          await db.close();
        }
        console.log(
          `two-hosts: ${((Date.now() - started) / 1000).toFixed(1)} s for the season; ` +
            `${epId} cut off on ${cutHost}, stalled after ${stalledAfterS.toFixed(1)} s ` +
            `(stall_after_s ${STALL_S}), resumed on ${other.name}; jobs: ${JSON.stringify(Object.fromEntries(hostsOf))}`,
        );
      },
      TEST_LIMIT_MS,
    );

    it('leaves nothing on the machine when a lab fails or its owner is killed', async () => {
      const failing = HostLab.create(1);
      failing.spawn(failing.hosts[0]!, 'sleep', ['600'], { env: process.env, cwd: REPO_ROOT });
      const failed = failing.describe();
      failing.close();
      expect(leftoversOf(failed)).toEqual([]);

      const owner = spawn(
        process.execPath,
        ['--import', 'tsx', join(REPO_ROOT, 'test', 'hosts', 'orphan-lab.ts')],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      owner.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      const record = await waitFor(
        'the owner to make its lab',
        () => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]!) as LabRecord) : undefined),
        30_000,
      );
      owner.kill('SIGKILL');
      await new Promise((done) => owner.once('exit', done));
      expect(leftoversOf(record).length).toBeGreaterThan(0);
      expect(sweepOrphanLabs()).toContain(record.id);
      expect(leftoversOf(record)).toEqual([]);
    });
  },
);
