/** @module Tests of the ByteTrack tracker on synthetic face boxes. */
import { describe, expect, it } from 'vitest';
import type { BBox } from '../../types.ts';
import { ByteTracker, type ByteTrackerOptions, type FinishedTrack } from './tracker.ts';

/** Tracker settings of the tests (chosen here, not the config defaults). */
const OPTS: ByteTrackerOptions = {
  highScore: 0.6,
  matchIouHigh: 0.2,
  matchIouLow: 0.4,
  maxGapS: 1,
  minHits: 2,
};
/** Seconds between analysed frames (stride 4 at 25 fps). */
const STEP_S = 0.16;

interface SceneDet {
  /** Which true face this is (test label). */
  face: string;
  bbox: BBox;
  score: number;
}

/** Runs frames through a tracker and returns, per face label, the track id of each of its detections (null: none). */
function runScene(
  frames: SceneDet[][],
  opts: ByteTrackerOptions = OPTS,
  cutBefore: ReadonlySet<number> = new Set(),
): { idsByFace: Map<string, (number | null)[]>; finished: FinishedTrack[] } {
  const tracker = new ByteTracker(opts);
  const all: SceneDet[] = [];
  const fromUpdates = new Map<number, number>();
  const finished: FinishedTrack[] = [];
  frames.forEach((dets, f) => {
    if (cutBefore.has(f)) {
      tracker.endAll('shot_cut');
    }
    const inputs = dets.map((d) => ({ bbox: d.bbox, score: d.score, index: all.push(d) - 1 }));
    for (const o of tracker.update({ frameIdx: f * 4, ts: f * STEP_S }, inputs)) {
      expect(fromUpdates.has(o.index)).toBe(false);
      fromUpdates.set(o.index, o.trackId);
    }
    finished.push(...tracker.drainEnded());
  });
  tracker.endAll('end');
  finished.push(...tracker.drainEnded());
  const fromFinished = new Map<number, number>();
  for (const t of finished) {
    for (const i of t.detIndices) {
      fromFinished.set(i, t.trackId);
    }
  }
  expect(fromFinished).toEqual(fromUpdates);
  const idsByFace = new Map<string, (number | null)[]>();
  all.forEach((d, i) => {
    const ids = idsByFace.get(d.face) ?? [];
    ids.push(fromUpdates.get(i) ?? null);
    idsByFace.set(d.face, ids);
  });
  return { idsByFace, finished };
}

const box = (x: number, y: number, size = 40): BBox => [x, y, x + size, y + size];
const distinct = (ids: (number | null)[] | undefined): (number | null)[] => [...new Set(ids)];

describe('ByteTracker', () => {
  it('starts a track from a small face scored under highScore when smallFaceHighScore allows it', () => {
    const frames = Array.from({ length: 6 }, () => [
      { face: 'small', bbox: box(100, 100, 18), score: 0.5 },
      { face: 'large', bbox: box(300, 100, 60), score: 0.5 },
    ]);
    const small = { ...OPTS, smallFaceHighScore: 0.45, smallFaceHeightPx: 24 };
    const { idsByFace } = runScene(frames, small);
    expect(distinct(idsByFace.get('small'))).toEqual([1]);
    expect(distinct(idsByFace.get('large'))).toEqual([null]);
    expect(distinct(runScene(frames).idsByFace.get('small'))).toEqual([null]);
  });

  it('keeps both ids when two faces cross', () => {
    const frames = Array.from({ length: 40 }, (_, f) => [
      { face: 'a', bbox: box(20 + 8 * f, 100), score: 0.9 },
      { face: 'b', bbox: box(340 - 8 * f, 108), score: 0.9 },
    ]);
    const { idsByFace } = runScene(frames);
    expect(distinct(idsByFace.get('a'))).toEqual([1]);
    expect(distinct(idsByFace.get('b'))).toEqual([2]);
  });

  it('gives a new id when a face is missing for longer than maxGapS', () => {
    const still = (face: string): SceneDet[] => [{ face, bbox: box(100, 100), score: 0.9 }];
    const shortGap = Math.floor(0.8 / STEP_S);
    const longGap = Math.ceil(1.3 / STEP_S);
    const frames = [
      ...Array.from({ length: 10 }, () => still('first')),
      ...Array.from({ length: shortGap }, () => []),
      ...Array.from({ length: 10 }, () => still('first')),
      ...Array.from({ length: longGap }, () => []),
      ...Array.from({ length: 10 }, () => still('second')),
    ];
    const { idsByFace, finished } = runScene(frames);
    expect(distinct(idsByFace.get('first'))).toEqual([1]);
    expect(distinct(idsByFace.get('second'))).toEqual([2]);
    expect(finished.map((t) => t.endReason)).toEqual(['gap', 'end']);
  });

  it('keeps a track alive through low-score detections when the face gets hard to detect', () => {
    const frames = Array.from({ length: 30 }, (_, f) => [
      {
        face: f >= 5 && f < 20 ? 'weak' : 'strong',
        bbox: box(100 + 2 * f, 100),
        score: f >= 5 && f < 20 ? 0.4 : 0.9,
      },
    ]);
    const { idsByFace } = runScene(frames);
    expect(distinct(idsByFace.get('strong'))).toEqual([1]);
    expect(distinct(idsByFace.get('weak'))).toEqual([1]);
  });

  it('starts no track when detections are all low-score', () => {
    const frames = Array.from({ length: 10 }, () => [
      { face: 'weak', bbox: box(50, 50), score: 0.4 },
    ]);
    const { idsByFace, finished } = runScene(frames);
    expect(distinct(idsByFace.get('weak'))).toEqual([null]);
    expect(finished).toEqual([]);
  });

  it('splits a continuous face into two tracks when a shot cut ends all tracks', () => {
    const frames = Array.from({ length: 20 }, (_, f) => [
      { face: f < 10 ? 'before' : 'after', bbox: box(100, 100), score: 0.9 },
    ]);
    const { idsByFace, finished } = runScene(frames, OPTS, new Set([10]));
    expect(distinct(idsByFace.get('before'))).toEqual([1]);
    expect(distinct(idsByFace.get('after'))).toEqual([2]);
    expect(finished.map((t) => [t.trackId, t.endReason, t.firstTs, t.lastTs])).toEqual([
      [1, 'shot_cut', 0, 9 * STEP_S],
      [2, 'end', 10 * STEP_S, 19 * STEP_S],
    ]);
    expect(finished[0]!.frameIdxs).toEqual(Array.from({ length: 10 }, (_, f) => f * 4));
  });

  it('gives no id to single-frame false positives and keeps ids contiguous when they occur', () => {
    const frames = Array.from({ length: 20 }, (_, f) => {
      const dets: SceneDet[] = [{ face: 'real', bbox: box(100, 100), score: 0.9 }];
      if (f % 5 === 2) {
        dets.push({ face: 'false', bbox: box(10 + 60 * (f % 3), 300), score: 0.95 });
      }
      return dets;
    });
    frames.push([{ face: 'late', bbox: box(400, 100), score: 0.9 }]);
    frames.push([{ face: 'late', bbox: box(402, 100), score: 0.9 }]);
    const { idsByFace, finished } = runScene(frames);
    expect(distinct(idsByFace.get('real'))).toEqual([1]);
    expect(distinct(idsByFace.get('false'))).toEqual([null]);
    expect(distinct(idsByFace.get('late'))).toEqual([2]);
    expect(finished.map((t) => t.trackId).sort()).toEqual([1, 2]);
  });

  it('reports the first detection of a track retroactively when the track is confirmed', () => {
    const tracker = new ByteTracker(OPTS);
    expect(
      tracker.update({ frameIdx: 0, ts: 0 }, [{ bbox: box(0, 0), score: 0.9, index: 7 }]),
    ).toEqual([]);
    expect(
      tracker.update({ frameIdx: 4, ts: 0.16 }, [{ bbox: box(1, 0), score: 0.9, index: 8 }]),
    ).toEqual([
      { index: 7, trackId: 1 },
      { index: 8, trackId: 1 },
    ]);
  });

  it('confirms a track at its first detection when minHits is 1', () => {
    const tracker = new ByteTracker({ ...OPTS, minHits: 1 });
    expect(
      tracker.update({ frameIdx: 0, ts: 0 }, [{ bbox: box(0, 0), score: 0.9, index: 0 }]),
    ).toEqual([{ index: 0, trackId: 1 }]);
  });
});
