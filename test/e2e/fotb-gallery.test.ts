/**
 * @module End-to-end on the sitcom clip (issue 2, "Tests on real input"): `screenalytics run` at the default profile
 * must give the six recurring characters of `../shared/data/fotb/gallery/` as the six identities with the most
 * screen time, no two of them merged. Characters are named by embedding the labelled gallery images and comparing
 * them with each identity's centroid. Skips with a message where the clip is absent (it is not in the repository).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { embedFaceImages, type ScreentimeFile } from '../../src/pipeline/index.ts';
import { runPaths } from '../../src/store/index.ts';
import { readJsonLines, REPO_ROOT, runCli, screentimeOf } from '../helpers/cli.ts';
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
      return `${r.identityId} ${r.seconds.toFixed(1).padStart(5)} s  best ${names[best]} ${r.sims[best]!.toFixed(2)}`;
    })
    .join('\n');
}

describe('screenalytics run on the Fresh Off the Boat clip', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await makeTempDir('sa-e2e-fotb-');
  });
  afterAll(() => removeTempDir(dataDir));

  it.skipIf(!present)(
    'gives the six gallery characters as the six identities with most screen time, none merged, when run at the default profile',
    async () => {
      const files = readdirSync(GALLERY)
        .filter((f) => GALLERY_FILE.test(f))
        .sort();
      const names = files.map((f) => GALLERY_FILE.exec(f)![1]!);
      expect(names).toHaveLength(6);
      const gallery = await embedFaceImages(
        loadConfig({}, {}),
        files.map((f) => join(GALLERY, f)),
      );
      expect(gallery.map((g) => g.reason)).toEqual(names.map(() => null));

      const st: ScreentimeFile = screentimeOf(await runCli(['run', CLIP, '--json'], { dataDir }));
      const tracks = new Map(
        readJsonLines<{ track_id: number; prototype: number[] | null }>(
          runPaths(dataDir, st.ep_id, st.run_id).tracks,
        ).map((t) => [t.track_id, t.prototype]),
      );
      const rows: IdentityMatch[] = st.identities.map((idn) => {
        const c = centroid(idn.track_ids.map((id) => tracks.get(id)).filter((p) => p != null));
        return {
          identityId: idn.identity_id,
          seconds: idn.seconds,
          sims: gallery.map((g) => dot(c, g.embedding!)),
        };
      });
      const table = report(rows, names);
      console.info(`fotb-gallery: ${rows.length} identities\n${table}`);

      // Each character's closest identity; two characters sharing one would mean they were merged.
      const matched = names.map((_, g) =>
        rows.reduce((best, r) => (r.sims[g]! > best.sims[g]! ? r : best)),
      );
      for (const [g, m] of matched.entries()) {
        expect(
          m.sims[g],
          `${names[g]} has no identity of its face\n${table}`,
        ).toBeGreaterThanOrEqual(SAME_PERSON_MIN_SIM);
      }
      const matchedIds = matched.map((m) => m.identityId);
      const mapping = names.map((n, g) => `${n}->${matchedIds[g]}`).join(' ');
      expect(new Set(matchedIds).size, `characters merged: ${mapping}\n${table}`).toBe(6);
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
});
