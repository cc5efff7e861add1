/** @module Tests of carrying review work over to a new clustering, on synthetic identities. */
import { describe, expect, it } from 'vitest';
import { applyEdit, initialState, type ReviewBase } from './apply.ts';
import { carryOver } from './carry-over.ts';
import type { ReviewState } from './state.ts';

const meta = { by: 'alice', at: '2026-11-21T08:00:00.000Z' };
const faces = { '1': 5, '2': 5, '3': 1, '4': 4, '5': 2 };
const clustering = (groups: number[][]): ReviewBase => ({
  identities: groups.map((track_ids, k) => ({
    identity_id: `id_000${k + 1}`,
    track_ids,
    faces: track_ids.reduce((s, t) => s + faces[String(t) as keyof typeof faces], 0),
    thumb: `thumbs/${track_ids[0]}.webp`,
    cohesion: 1,
  })),
  unclustered_track_ids: [],
  track_faces: faces,
});
const sameTrack = (t: number): number => t;

/** Before: tracks 1-2 are jessica, 3 is louis, 4-5 unassigned; track 4 overridden to louis, 5 ignored. */
function reviewed(): ReviewState {
  let s = initialState(clustering([[1, 2], [3], [4, 5]]));
  s = applyEdit(
    s,
    {
      kind: 'assign',
      assignments: [
        { identity_id: 'id_0001', cast_id: 'jessica' },
        { identity_id: 'id_0002', cast_id: 'louis' },
      ],
    },
    meta,
  );
  s = applyEdit(s, { kind: 'override', track_ids: [4], cast_id: 'louis', ignore: false }, meta);
  s = applyEdit(s, { kind: 'override', track_ids: [5], cast_id: null, ignore: true }, meta);
  return applyEdit(s, { kind: 'exclude_face', track_id: 1, frame_idx: 12, excluded: true }, meta);
}

describe('carryOver', () => {
  it('gives each split identity the cast member of its tracks when re-clustering splits identities', () => {
    const work = carryOver(
      reviewed(),
      initialState(clustering([[1], [2], [3], [4], [5]])),
      sameTrack,
      new Set(['1:12']),
    );
    expect(work.assignments).toEqual([
      { identity_id: 'id_0001', cast_id: 'jessica' },
      { identity_id: 'id_0002', cast_id: 'jessica' },
      { identity_id: 'id_0003', cast_id: 'louis' },
      { identity_id: 'id_0004', cast_id: 'louis' },
    ]);
    expect(work.overrides).toEqual([
      { track_id: 4, cast_id: 'louis', ignore: false },
      { track_id: 5, cast_id: null, ignore: true },
    ]);
    expect(work.excluded_faces).toEqual(['1:12']);
    expect(work.conflicts).toEqual([]);
  });

  it('takes the face-weighted majority and lists the conflict when an identity mixes cast members', () => {
    const work = carryOver(
      reviewed(),
      initialState(
        clustering([
          [1, 3],
          [2, 4, 5],
        ]),
      ),
      sameTrack,
      new Set(),
    );
    expect(work.assignments).toEqual([
      { identity_id: 'id_0001', cast_id: 'jessica' },
      { identity_id: 'id_0002', cast_id: 'jessica' },
    ]);
    expect(work.conflicts).toEqual([
      {
        identity_id: 'id_0001',
        cast_id: 'jessica',
        votes: [
          { cast_id: 'jessica', faces: 5, track_ids: [1] },
          { cast_id: 'louis', faces: 1, track_ids: [3] },
        ],
      },
      {
        identity_id: 'id_0002',
        cast_id: 'jessica',
        votes: [
          { cast_id: 'jessica', faces: 5, track_ids: [2] },
          { cast_id: 'louis', faces: 4, track_ids: [4] },
        ],
      },
    ]);
  });

  it('leaves an identity unassigned and lists it when the vote is a tie', () => {
    const old = applyEdit(
      reviewed(),
      { kind: 'override', track_ids: [2], cast_id: 'louis', ignore: false },
      meta,
    );
    const work = carryOver(
      old,
      initialState(
        clustering([
          [1, 2],
          [3, 4, 5],
        ]),
      ),
      sameTrack,
      new Set(),
    );
    expect(work.conflicts[0]).toMatchObject({ identity_id: 'id_0001', cast_id: null });
    expect(work.assignments).toEqual([{ identity_id: 'id_0002', cast_id: 'louis' }]);
  });

  it('follows the track map when the tracks are those of another run', () => {
    const oldOf = new Map([
      [10, 1],
      [20, 3],
    ]);
    const fresh = initialState({
      ...clustering([]),
      identities: [
        {
          identity_id: 'id_0001',
          track_ids: [10, 20],
          faces: 6,
          thumb: 'thumbs/10.webp',
          cohesion: 1,
        },
        { identity_id: 'id_0002', track_ids: [30], faces: 1, thumb: 'thumbs/30.webp', cohesion: 1 },
      ],
      track_faces: { '10': 5, '20': 1, '30': 1 },
    });
    const work = carryOver(reviewed(), fresh, (t) => oldOf.get(t), new Set(['10:12']));
    expect(work.assignments).toEqual([{ identity_id: 'id_0001', cast_id: 'jessica' }]);
    expect(work.excluded_faces).toEqual(['10:12']);
  });
});
