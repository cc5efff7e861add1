/**
 * @module Tests of the turned-track rule on rows shaped like the sitcom clip's wide table shot (issue 11): a father
 * seen in profile at the right of the table (his own identity, matching nobody), his close-up 7 s later, two
 * other people of the scene in other clothes, one of them in the wide shot with him.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import type { Identity } from '../../store/index.ts';
import { attachTurnedTracks, type AttachFace, type AttachTrack } from './attach-turned.ts';

const cfg = loadConfig({}, {}).cluster;
/** A clothing histogram with `mass` in bin `b` and the rest spread evenly over the 30 bins. */
const clothes = (b: number, mass: number): number[] =>
  Array.from({ length: 30 }, (_, k) => (k === b ? mass : (1 - mass) / 29));
/** A unit vector along axis `a` of 4 (a stand-in for a face embedding). */
const axis = (a: number): number[] => Array.from({ length: 4 }, (_, k) => (k === a ? 1 : 0));

const track = (
  id: number,
  from: number,
  to: number,
  clothing: number[],
  prototype: number[],
): AttachTrack => ({
  track_id: id,
  shot_idx: Math.floor(from),
  first_ts: from,
  last_ts: to,
  median_face_px: 40,
  clothing,
  faces: 2,
  prototype,
});
const identity = (k: number, trackIds: number[], nearest: string | null = null): Identity => ({
  identity_id: `id_000${k}`,
  track_ids: trackIds,
  faces: 2 * trackIds.length,
  thumb: `thumbs/${trackIds[0]}.webp`,
  cohesion: 1,
  margin: nearest ? 0.1 : null,
  nearest_identity_id: nearest,
});
/** Face samples of a track at the given yaws, degrees. */
const samples = (id: number, ...yaws: number[]): AttachFace[] =>
  yaws.map((yaw_deg) => ({ track_id: id, yaw_deg }));

// Father (red shirt, bin 0): profile track 1 in the wide shot (its embedding along an axis of its own, as profiles
// embed poorly), close-ups 2, 3, 7 (frontal, face along axis 0). Son (red and black stripes): tracks 4, 5, 8 (axis 1).
// Mother (black, bin 27): track 6 (axis 2), in the wide shot with track 1.
const RED = clothes(0, 0.9);
const STRIPES = clothes(0, 0.6);
const tracks = [
  track(1, 1.3, 4.8, RED, axis(3)),
  track(2, 11.8, 14.1, clothes(0, 0.85), axis(0)),
  track(3, 15.3, 16.6, clothes(0, 0.88), axis(0)),
  track(4, 14.3, 15.1, STRIPES, axis(1)),
  track(5, 19.8, 20.8, STRIPES, axis(1)),
  track(6, 0.6, 4.8, clothes(27, 0.9), axis(2)),
  track(7, 17, 18, clothes(0, 0.87), axis(0)),
  track(8, 21, 22, STRIPES, axis(1)),
];
const faces = [
  ...samples(1, 55, 51, 20, 23),
  ...samples(2, 13, 4, 11),
  ...samples(3, 4, 1),
  ...samples(4, 10, 12),
  ...samples(5, 2, 3),
  ...samples(6, 10, 20),
  ...samples(7, 8),
  ...samples(8, 6),
];
const identities = [
  identity(1, [2, 3, 7]),
  identity(2, [4, 5, 8]),
  identity(3, [6]),
  identity(4, [1], 'id_0001'),
];
const together = new Set(['1:6']);

describe('attachTurnedTracks', () => {
  it('moves a profile track of its own identity into the identity in the same clothes of the scene', () => {
    const r = attachTurnedTracks(identities, tracks, faces, together, cfg);
    expect(r.attachments).toHaveLength(1);
    const [move] = r.attachments;
    expect(move).toMatchObject({
      track_id: 1,
      from_identity_id: 'id_0004',
      median_yaw_deg: 37,
      runner_up_identity_id: 'id_0002',
    });
    expect(move!.clothing_distance).toBeLessThan(cfg.attach_max_clothing_distance);
    expect(move!.runner_up_distance - move!.clothing_distance).toBeGreaterThanOrEqual(
      cfg.attach_margin,
    );
    const father = r.identities.find((i) => i.identity_id === 'id_0001')!;
    expect(father.track_ids).toEqual([1, 2, 3, 7]);
    expect(father.faces).toBe(8);
    expect(father.attached).toEqual([move]);
    // The profile track's identity is left without tracks: it is gone.
    expect(r.identities.map((i) => i.identity_id)).toEqual(['id_0001', 'id_0002', 'id_0003']);
    // The input is not changed.
    expect(identities[0]!.track_ids).toEqual([2, 3, 7]);
  });

  it('leaves it where it is when clothing cannot tell two people apart', () => {
    const alike = tracks.map((t) =>
      t.track_id === 4 || t.track_id === 5 ? { ...t, clothing: RED } : t,
    );
    expect(attachTurnedTracks(identities, alike, faces, together, cfg).attachments).toEqual([]);
  });

  it('never moves it into an identity seen in the same frame, nor one out of the scene, nor a sole candidate', () => {
    // The father's close-ups in the wide shot's frames: cannot-link (the son is then the only candidate, in
    // clothes 0.065 away); moved 30 s later: another scene.
    expect(
      attachTurnedTracks(identities, tracks, faces, new Set(['1:2', '1:6']), cfg).attachments,
    ).toEqual([]);
    const later = tracks.map((t) =>
      t.track_id === 1 || t.track_id === 6
        ? t
        : { ...t, first_ts: t.first_ts + 30, last_ts: t.last_ts + 30 },
    );
    expect(attachTurnedTracks(identities, later, faces, together, cfg).attachments).toEqual([]);
  });

  it('leaves a frontal track, or one of an established identity, alone', () => {
    const frontal = [...faces.filter((f) => f.track_id !== 1), ...samples(1, 10, 12, 20, 23)];
    expect(attachTurnedTracks(identities, tracks, frontal, together, cfg).attachments).toEqual([]);
    // The profile track clustered with two frontal tracks of another person: that identity is established.
    const established = [identity(1, [2, 3, 7]), identity(2, [1, 4, 5, 8]), identity(3, [6])];
    expect(attachTurnedTracks(established, tracks, faces, together, cfg).attachments).toEqual([]);
  });

  it('leaves it alone when someone unplaced in its frames wears those clothes better', () => {
    // Track 9, in the wide shot with track 1 and an identity of its own, in the father's close-ups' shirt.
    const rival = [...tracks, track(9, 1.3, 4.8, clothes(0, 0.86), axis(3))];
    const r = attachTurnedTracks(
      [...identities, identity(5, [9])],
      rival,
      [...faces, ...samples(9, 10)],
      new Set(['1:6', '1:9']),
      cfg,
    );
    expect(r.attachments).toEqual([]);
  });

  it('leaves it alone when its face names another established identity', () => {
    const sonFace = tracks.map((t) => (t.track_id === 1 ? { ...t, prototype: axis(1) } : t));
    expect(attachTurnedTracks(identities, sonFace, faces, together, cfg).attachments).toEqual([]);
  });
});
