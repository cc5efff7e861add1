/**
 * @module End-to-end on the sitcom clip (issue 11, "Turned heads": time in profile counts when the track is one
 * person's). The clip opens on a wide shot of the family at the dinner table (0-4.92 s), in which the father,
 * Louis, is seen only in profile or 3/4 at the right of the table, and the grandmother in profile at its left.
 * Their profile tracks embed so poorly (0.10-0.16 similar to any gallery face) that clustering made each an
 * identity of its own, matching nobody: Louis and Grandma had 0 s in the shot. The cluster stage now moves such a
 * track into the identity whose tracks of the scene wear the same clothes (pipeline/cluster/attach-turned.ts).
 *
 * Truth, by eye on frames from ffmpeg (`-ss T -frames:v 1`, with the run's boxes drawn): Louis's face is in view
 * at the right of the table (box centre x over 900 px of 1280) from 1.0 s (cut off at 0.9 s, in view at 1.1 s) to
 * the cut at 4.92 s, about 3.9 s; Grandma's at its left (centre x under 400 px) from about 1.2 s (at the frame's
 * edge until 1.3 s). Characters are named as test/e2e/fotb-gallery.test.ts names them: each gallery face goes to
 * the identity whose centroid is most similar. Skips with a message where the clip is absent.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import type { EmbeddedTrackRow } from '../../src/pipeline/faces-embed/index.ts';
import { embedFaceImages, type ScreentimeFile } from '../../src/pipeline/index.ts';
import { readIdentities, runPaths } from '../../src/store/index.ts';
import type { Detection } from '../../src/types.ts';
import { readJsonLines, REPO_ROOT, runCli, screentimeOf } from '../helpers/cli.ts';
import { makeTempDir, removeTempDir } from '../helpers/temp-dir.ts';

const FOTB = join(REPO_ROOT, '..', 'shared', 'data', 'fotb');
const CLIP = join(FOTB, 'fresh_off_the_boat_clip.mp4');
const GALLERY = join(FOTB, 'gallery');
const GALLERY_FILE = /^\d+_(.+)\.png$/;
const present = existsSync(CLIP) && existsSync(GALLERY);
if (!present) {
  console.info(
    `turned-heads-wide: skipped, ${CLIP} or ${GALLERY} is absent (not in the repository)`,
  );
}

/** The wide shot, seconds (its cut by eye). */
const WIDE: [number, number] = [0, 4.92];
/** Louis in view in the wide shot, seconds (by eye, see the module comment). */
const LOUIS: [number, number] = [1.0, 4.92];
/**
 * Seats in the wide shot: median box centre of a track, source pixels of the 1280 x 720 frame. Grandma's face is
 * in the upper half (a face printed on a mug lower at the left of the table is found too, 0.6-0.75 s).
 */
const LOUIS_MIN_X = 900;
const GRANDMA_MAX_X = 400;
const GRANDMA_MAX_Y = 220;

/** Seconds of `intervals` inside `[a, b]`. */
const overlap = (intervals: [number, number][], [a, b]: [number, number]): number =>
  intervals.reduce((s, [x, y]) => s + Math.max(0, Math.min(y, b) - Math.max(x, a)), 0);

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]! * b[i]!;
  }
  return s;
};

describe("turned heads in the sitcom clip's wide table shot", () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await makeTempDir('sa-e2e-wide-');
  });
  afterAll(() => removeTempDir(dataDir));

  it.skipIf(!present)(
    "counts Louis's and Grandma's profile tracks for the identities the gallery names louis and grandma",
    async () => {
      const files = readdirSync(GALLERY)
        .filter((f) => GALLERY_FILE.test(f))
        .sort();
      const names = files.map((f) => GALLERY_FILE.exec(f)![1]!);
      const gallery = (
        await embedFaceImages(
          loadConfig({}, {}),
          files.map((f) => join(GALLERY, f)),
        )
      ).map((g) => g.embedding!);

      const st: ScreentimeFile = screentimeOf(
        await runCli(['run', CLIP, '--show', 'fotb', '--season', '1', '--episode', '1', '--json'], {
          dataDir,
        }),
      );
      const paths = runPaths(dataDir, st.ep_id, st.run_id);
      const tracks = new Map(
        readJsonLines<EmbeddedTrackRow>(paths.tracks).map((t) => [t.track_id, t]),
      );
      const identities = readIdentities(paths.identities)!.identities;
      // Each identity's centroid from its own tracks (attached ones are left out, as the review's centroids do).
      const centroid = (trackIds: number[], attached: Set<number>): number[] => {
        const protos = trackIds
          .filter((id) => !attached.has(id))
          .map((id) => tracks.get(id)?.prototype)
          .filter((p): p is number[] => Array.isArray(p));
        const sum = protos[0]!.map((_, d) => protos.reduce((s, p) => s + p[d]!, 0));
        const norm = Math.hypot(...sum);
        return sum.map((v) => v / norm);
      };
      const centroids = identities.map((idn) =>
        centroid(idn.track_ids, new Set((idn.attached ?? []).map((a) => a.track_id))),
      );
      const named = (name: string): string => {
        const g = gallery[names.indexOf(name)]!;
        const sims = centroids.map((c) => dot(c, g));
        return identities[sims.indexOf(Math.max(...sims))]!.identity_id;
      };

      // Tracks of the wide shot by seat: median box centre of their detections.
      const boxes = new Map<number, Detection['bbox_xyxy'][]>();
      for (const d of readJsonLines<Detection>(paths.detections)) {
        if (d.track_id !== null && d.ts < WIDE[1]) {
          boxes.set(d.track_id, [...(boxes.get(d.track_id) ?? []), d.bbox_xyxy]);
        }
      }
      const median = (values: number[]): number =>
        values.sort((a, b) => a - b)[values.length >> 1]!;
      const seat = (id: number): { x: number; y: number } => ({
        x: median(boxes.get(id)!.map((b) => (b[0] + b[2]) / 2)),
        y: median(boxes.get(id)!.map((b) => (b[1] + b[3]) / 2)),
      });
      const identityOf = (id: number): string | undefined =>
        identities.find((idn) => idn.track_ids.includes(id))?.identity_id;
      const louisTracks = [...boxes.keys()].filter((id) => seat(id).x > LOUIS_MIN_X);
      const grandmaTracks = [...boxes.keys()].filter(
        (id) => seat(id).x < GRANDMA_MAX_X && seat(id).y < GRANDMA_MAX_Y,
      );
      const louis = named('louis');
      const grandma = named('grandma');
      const seconds = (id: string): number =>
        overlap(st.identities.find((i) => i.identity_id === id)!.intervals, WIDE);
      const attached = identities.flatMap((idn) =>
        (idn.attached ?? []).map(
          (a) => `${a.track_id}->${idn.identity_id} (${a.clothing_distance})`,
        ),
      );
      const summary =
        `louis=${louis} tracks ${louisTracks.map((id) => `${id}:${identityOf(id)}`).join(' ')}, ` +
        `grandma=${grandma} tracks ${grandmaTracks.map((id) => `${id}:${identityOf(id)}`).join(' ')}; ` +
        `in the wide shot Louis ${seconds(louis).toFixed(2)} s, Grandma ${seconds(grandma).toFixed(2)} s; ` +
        `attached ${attached.join(', ')}`;
      console.info(`turned-heads-wide: ${summary}`);

      expect(louisTracks.length, summary).toBeGreaterThanOrEqual(1);
      expect(grandmaTracks.length, summary).toBeGreaterThanOrEqual(1);
      expect(louisTracks.map(identityOf), summary).toEqual(louisTracks.map(() => louis));
      expect(grandmaTracks.map(identityOf), summary).toEqual(grandmaTracks.map(() => grandma));
      const inView = LOUIS[1] - LOUIS[0];
      expect(seconds(louis), summary).toBeGreaterThanOrEqual(0.75 * inView);
      expect(seconds(louis), summary).toBeLessThanOrEqual(inView + 0.3);
    },
  );
});
