/**
 * @module End-to-end on the sitcom clip (issue 2, "Tests on real input"): `screenalytics run` at the default profile
 * must give the six recurring characters of `../shared/data/fotb/gallery/` as the six identities with the most
 * screen time, no two of them merged. Characters are named by embedding the labelled gallery images and comparing
 * them with each identity's centroid (and each track's prototype). Then (issue 9) the gallery is enrolled as the
 * show's facebank: auto-assignment must give the six identities with the most seconds six different names that
 * agree with that matching, and the clip's two halves, run as two more episodes, must each come out with every
 * character present named on its identity and their four longest identities named, four different names. Issue 11:
 * the six characters are never merged, whole clip and each half (the two brothers were merged in the first half
 * before the clothing and cut evidence of `cluster`). Skips with a message where the clip is absent (it is not in the repository).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.ts';
import {
  embedFaceImages,
  episodeCastScreentime,
  FaceImageEmbedder,
  type ScreentimeFile,
} from '../../src/pipeline/index.ts';
import { addFacebankUpload, autoAssignShow } from '../../src/review/index.ts';
import { createCastMember, openDatabase, runPaths } from '../../src/store/index.ts';
import { readJsonLines, REPO_ROOT, runCli, screentimeOf } from '../helpers/cli.ts';
import { testDatabase } from '../helpers/database.ts';
import { ffmpeg, H264_FAST } from '../helpers/media.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const FOTB = join(REPO_ROOT, '..', 'shared', 'data', 'fotb');
const CLIP = join(FOTB, 'fresh_off_the_boat_clip.mp4');
const GALLERY = join(FOTB, 'gallery');
const GALLERY_FILE = /^\d+_(.+)\.png$/;
/**
 * Cosine similarity above which a gallery face and an identity are one person (issue 2: still images of the same
 * and of different people separate near 0.40-0.47 with the default embedder).
 */
const SAME_PERSON_MIN_SIM = 0.4;
const present = existsSync(CLIP) && existsSync(GALLERY);

if (!present) {
  console.info(
    `fotb-gallery: skipped, ${CLIP} or ${GALLERY} is absent (the sitcom clip is not part of the repository)`,
  );
}

interface IdentityMatch {
  identityId: string;
  seconds: number;
  /** Cosine similarity of the identity's centroid to each gallery face, in gallery order. */
  sims: number[];
  /** Characters some of its tracks are most similar to (at least `SAME_PERSON_MIN_SIM`), sorted. */
  characters: string[];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
  }
  return s;
}

/** Normalised mean of an identity's track prototypes. */
function centroid(prototypes: number[][]): number[] {
  const sum = prototypes[0]!.map((_, d) => prototypes.reduce((s, p) => s + p[d]!, 0));
  const norm = Math.hypot(...sum);
  return sum.map((v) => v / norm);
}

function report(rows: IdentityMatch[], names: string[]): string {
  return rows
    .map((r) => {
      const best = r.sims.indexOf(Math.max(...r.sims));
      const held = r.characters.length > 0 ? `  tracks of ${r.characters.join('+')}` : '';
      return `${r.identityId} ${r.seconds.toFixed(1).padStart(5)} s  best ${names[best]} ${r.sims[best]!.toFixed(2)}${held}`;
    })
    .join('\n');
}

/**
 * Matches a run's identities with the gallery: each identity's centroid against each gallery face, and each of its
 * tracks against the gallery (a track is a character's when that character's face is its most similar and at least
 * `SAME_PERSON_MIN_SIM`).
 */
function matchIdentities(
  dataDir: string,
  st: ScreentimeFile,
  gallery: readonly Float32Array[],
  names: string[],
): IdentityMatch[] {
  const tracks = new Map(
    readJsonLines<{ track_id: number; prototype: number[] | null }>(
      runPaths(dataDir, st.ep_id, st.run_id).tracks,
    ).map((t) => [t.track_id, t.prototype]),
  );
  return st.identities.map((idn) => {
    const protos = idn.track_ids.map((id) => tracks.get(id)).filter((p) => p != null);
    const characters = new Set<string>();
    for (const p of protos) {
      const sims = gallery.map((g) => dot(p, g));
      const best = sims.indexOf(Math.max(...sims));
      if (sims[best]! >= SAME_PERSON_MIN_SIM) {
        characters.add(names[best]!);
      }
    }
    const c = centroid(protos);
    return {
      identityId: idn.identity_id,
      seconds: idn.seconds,
      sims: gallery.map((g) => dot(c, g)),
      characters: [...characters].sort(),
    };
  });
}

/**
 * Asserts that no two characters are merged in a run: every character present (some identity's centroid at least
 * `SAME_PERSON_MIN_SIM` to its gallery face) has an identity of its own as its closest, and no identity holds tracks
 * of two characters.
 * @returns the characters present, each with its closest identity
 */
function expectNoneMerged(
  rows: IdentityMatch[],
  names: string[],
  what: string,
): Map<string, string> {
  const table = report(rows, names);
  const closest = new Map<string, string>();
  for (const [g, name] of names.entries()) {
    const best = rows.reduce((b, r) => (r.sims[g]! > b.sims[g]! ? r : b));
    if (best.sims[g]! >= SAME_PERSON_MIN_SIM) {
      closest.set(name, best.identityId);
    }
  }
  const mapping = [...closest].map(([n, id]) => `${n}->${id}`).join(' ');
  console.info(`fotb-gallery: ${what}: ${rows.length} identities, ${mapping}\n${table}`);
  expect(new Set(closest.values()).size, `${what}: characters merged: ${mapping}\n${table}`).toBe(
    closest.size,
  );
  const mixed = rows.filter((r) => r.characters.length > 1).map((r) => r.identityId);
  expect(mixed, `${what}: identities holding two characters\n${table}`).toEqual([]);
  return closest;
}

/** Enrolls each gallery image as its own cast member of `show` (cast id = the gallery name). */
async function enrollGallery(config: Config, show: string, files: string[], names: string[]) {
  const db = await openDatabase(config.data_dir, config.database);
  const embedder = await FaceImageEmbedder.open(config);
  try {
    for (const [k, name] of names.entries()) {
      await createCastMember(db, show, { name, cast_id: name, role: 'main' });
      await addFacebankUpload(
        { config, db },
        embedder,
        show,
        name,
        { path: join(GALLERY, files[k]!), fileName: files[k]! },
        'test',
      );
    }
    return await autoAssignShow({ config, db }, show);
  } finally {
    await embedder.release();
    await db.close();
  }
}

describe('screenalytics run on the Fresh Off the Boat clip', () => {
  let dataDir = '';
  /** Gallery name to the identity of the whole clip the gallery matching picked for it. */
  let mappingOf: Map<string, string> | null = null;
  let files: string[] = [];
  let names: string[] = [];
  let gallery: Float32Array[] = [];
  beforeAll(async () => {
    dataDir = await makeTempDir('sa-e2e-fotb-');
  });
  afterAll(() => removeTempDir(dataDir));

  it.skipIf(!present)(
    'gives the six gallery characters as the six identities with most screen time, none merged, when run at the default profile',
    async () => {
      files = readdirSync(GALLERY)
        .filter((f) => GALLERY_FILE.test(f))
        .sort();
      names = files.map((f) => GALLERY_FILE.exec(f)![1]!);
      expect(names).toHaveLength(6);
      const embedded = await embedFaceImages(
        loadConfig({}, {}),
        files.map((f) => join(GALLERY, f)),
      );
      expect(embedded.map((g) => g.reason)).toEqual(names.map(() => null));
      gallery = embedded.map((g) => g.embedding!);

      const st: ScreentimeFile = screentimeOf(
        await runCli(['run', CLIP, '--show', 'fotb', '--season', '1', '--episode', '1', '--json'], {
          dataDir,
        }),
      );
      const rows = matchIdentities(dataDir, st, gallery, names);
      const table = report(rows, names);
      // Each character's closest identity; two characters sharing one would mean they were merged.
      const closest = expectNoneMerged(rows, names, 'whole clip');
      expect([...closest.keys()], `a character has no identity of its face\n${table}`).toEqual(
        names,
      );
      const matchedIds = names.map((n) => closest.get(n)!);
      const mapping = names.map((n, g) => `${n}->${matchedIds[g]}`).join(' ');
      mappingOf = closest;
      const top6 = [...rows]
        .sort((a, b) => b.seconds - a.seconds)
        .slice(0, 6)
        .map((r) => r.identityId);
      expect(
        [...matchedIds].sort(),
        `${mapping}; top 6 by seconds: ${top6.join(' ')}\n${table}`,
      ).toEqual([...top6].sort());
    },
  );

  it.skipIf(!present)(
    'names the six longest identities of the whole clip as the gallery matching does; each half: no character merged, each character present named on its identity, the four longest named, once the gallery is the facebank',
    async () => {
      expect(mappingOf, 'the gallery test above must pass first').not.toBeNull();
      const config = loadConfig({ data_dir: dataDir, database: testDatabase(dataDir) }, {});
      const results = await enrollGallery(config, 'fotb', files, names);
      console.info(
        `fotb-gallery: auto-assigned ${results.map((r) => `${r.ep_id}: ${r.assigned.map((a) => `${a.identity_id}=${a.cast_id} ${a.tier} ${a.similarity}`).join(', ')}`).join('; ')}`,
      );
      const whole = await episodeCastScreentimeOf(config, 'fotb-s01e01');
      const top6 = [...whole.identities].sort((a, b) => b.seconds - a.seconds).slice(0, 6);
      expect(
        Object.fromEntries(top6.map((i) => [i.identity_id, i.cast_id])),
        `gallery matching: ${JSON.stringify(Object.fromEntries(mappingOf!))}`,
      ).toEqual(Object.fromEntries([...mappingOf!].map(([name, id]) => [id, name])));

      const halves = [
        { episode: 2, args: ['-t', '41'] },
        { episode: 3, args: ['-ss', '41'] },
      ];
      for (const half of halves) {
        const video = join(dataDir, `half-${half.episode}.mp4`);
        await ffmpeg([...half.args, '-i', CLIP, '-an', ...H264_FAST, video]);
        const epArgs = ['--show', 'fotb', '--season', '1', '--episode', String(half.episode)];
        const run = screentimeOf(await runCli(['run', video, ...epArgs, '--json'], { dataDir }));
        const closest = expectNoneMerged(
          matchIdentities(dataDir, run, gallery, names),
          names,
          `half ${half.episode - 1}`,
        );
        const st = await episodeCastScreentimeOf(config, `fotb-s01e0${half.episode}`);
        const top4 = [...st.identities].sort((a, b) => b.seconds - a.seconds).slice(0, 4);
        const summary = top4.map((i) => `${i.identity_id} ${i.seconds}s ${i.cast_id}`).join(', ');
        console.info(`fotb-gallery: half ${half.episode - 1}: ${summary}`);
        // Auto-assignment names each character present on its closest identity (a merged look-alike pair would
        // stay unnamed, its two suggestions within `auto_margin`: issue 11), and the four longest identities are
        // named, four different names.
        const nameOf = new Map(st.identities.map((i) => [i.identity_id, i.cast_id]));
        for (const [name, id] of closest) {
          expect(nameOf.get(id), `${name} on ${id}: ${summary}`).toBe(name);
        }
        expect(
          top4.map((i) => i.cast_id),
          summary,
        ).not.toContain(null);
        expect(new Set(top4.map((i) => i.cast_id)).size, summary).toBe(4);
      }
    },
  );
});

/** The live screen time of an episode, read with its own database handle. */
async function episodeCastScreentimeOf(config: Config, epId: string): Promise<ScreentimeFile> {
  const db = await openDatabase(config.data_dir, config.database);
  try {
    return await episodeCastScreentime({ config, db }, { epId });
  } finally {
    await db.close();
  }
}
