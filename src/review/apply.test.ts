/** @module Tests of edits applied on top of a clustering, on synthetic identities. */
import { describe, expect, it } from 'vitest';
import { ConflictError, InputError, NotFoundError } from '../errors.ts';
import { applyEdit, initialState, trackOfFrame, type ReviewBase } from './apply.ts';
import { planEdit, type EditRequest } from './plan.ts';
import type { ReviewState } from './state.ts';

const base: ReviewBase = {
  identities: [
    {
      identity_id: 'id_0001',
      track_ids: [1, 2, 3],
      faces: 9,
      thumb: 'thumbs/2.webp',
      cohesion: 0.9,
    },
    { identity_id: 'id_0002', track_ids: [4], faces: 4, thumb: 'thumbs/4.webp', cohesion: 1 },
    { identity_id: 'id_0003', track_ids: [5], faces: 1, thumb: 'thumbs/5.webp', cohesion: 1 },
  ],
  unclustered_track_ids: [6],
  track_faces: { '1': 2, '2': 5, '3': 2, '4': 4, '5': 1, '6': 0 },
};
const meta = { by: 'alice', at: '2026-11-21T08:00:00.000Z' };
const edit = (state: ReviewState, req: EditRequest): ReviewState =>
  applyEdit(state, planEdit(state, req), meta);
const ids = (s: ReviewState) => s.identities.map((i) => [i.identity_id, i.track_ids, i.faces]);

describe('applyEdit', () => {
  it('assigns and unassigns identities, recording who and when', () => {
    const s0 = initialState(base);
    const s1 = edit(s0, {
      kind: 'assign',
      assignments: [
        { identity_id: 'id_0001', cast_id: 'jessica' },
        { identity_id: 'id_0002', cast_id: 'louis' },
      ],
    });
    expect(s1.identities[0]).toMatchObject({
      cast_id: 'jessica',
      assigned_by: 'alice',
      assigned_at: meta.at,
    });
    expect(s0.identities[0]!.cast_id).toBeNull();
    const s2 = edit(s1, { kind: 'unassign', identity_ids: ['id_0002'] });
    expect(s2.identities[1]).toMatchObject({ cast_id: null, assigned_by: null });
  });

  it('merges sources into the target, summing faces and retiring the sources', () => {
    const s = edit(initialState(base), {
      kind: 'merge',
      source_ids: ['id_0002', 'id_0003'],
      target_id: 'id_0001',
    });
    expect(ids(s)).toEqual([['id_0001', [1, 2, 3, 4, 5], 14]]);
    expect(s.identities[0]).toMatchObject({ thumb: 'thumbs/2.webp', cohesion: null });
    expect(s.retired.id_0002).toEqual({ kind: 'merge', into: 'id_0001', ...meta });
  });

  it('throws InputError when an identity is merged into itself', () => {
    expect(() =>
      edit(initialState(base), { kind: 'merge', source_ids: ['id_0001'], target_id: 'id_0001' }),
    ).toThrow(InputError);
  });

  it('throws ConflictError naming the merge when a merged identity is edited again', () => {
    const s = edit(initialState(base), {
      kind: 'merge',
      source_ids: ['id_0002'],
      target_id: 'id_0001',
    });
    expect(() =>
      edit(s, { kind: 'assign', assignments: [{ identity_id: 'id_0002', cast_id: 'x' }] }),
    ).toThrow(/id_0002 no longer exists: merged into id_0001 by alice/);
    expect(() => edit(s, { kind: 'unassign', identity_ids: ['id_0002'] })).toThrow(ConflictError);
  });

  it('throws NotFoundError when the identity or track is not of the run', () => {
    const s = initialState(base);
    expect(() => edit(s, { kind: 'unassign', identity_ids: ['id_0042'] })).toThrow(NotFoundError);
    expect(() => edit(s, { kind: 'move', track_ids: [99] })).toThrow(NotFoundError);
  });

  it('moves tracks to a new identity numbered after the last, retiring an emptied one', () => {
    const s1 = edit(initialState(base), { kind: 'move', track_ids: [3, 5] });
    expect(ids(s1)).toEqual([
      ['id_0001', [1, 2], 7],
      ['id_0002', [4], 4],
      ['id_0004', [3, 5], 3],
    ]);
    expect(s1.identities[2]!.origin).toBe('move');
    expect(s1.retired.id_0003).toMatchObject({ kind: 'move', into: 'id_0004' });
    const s2 = edit(s1, { kind: 'move', track_ids: [6, 4], to_identity_id: 'id_0001' });
    expect(ids(s2)).toEqual([
      ['id_0001', [1, 2, 4, 6], 11],
      ['id_0004', [3, 5], 3],
    ]);
    expect(s2.unclustered_track_ids).toEqual([]);
  });

  it('splits into one identity per track by default, keeping the first track and the assignment', () => {
    const s0 = edit(initialState(base), {
      kind: 'assign',
      assignments: [{ identity_id: 'id_0001', cast_id: 'j' }],
    });
    const s = edit(s0, { kind: 'split', identity_id: 'id_0001' });
    expect(ids(s).slice(0, 1)).toEqual([['id_0001', [1], 2]]);
    expect(ids(s).slice(3)).toEqual([
      ['id_0004', [2], 5],
      ['id_0005', [3], 2],
    ]);
    expect(s.identities.find((i) => i.identity_id === 'id_0004')).toMatchObject({
      origin: 'split',
      cast_id: null,
    });
    expect(s.identities[0]!.cast_id).toBe('j');
  });

  it('splits given groups and refuses groups with foreign tracks', () => {
    const s = edit(initialState(base), { kind: 'split', identity_id: 'id_0001', groups: [[2, 3]] });
    expect(ids(s)[0]).toEqual(['id_0001', [1], 2]);
    expect(ids(s)[3]).toEqual(['id_0004', [2, 3], 7]);
    expect(() =>
      edit(initialState(base), { kind: 'split', identity_id: 'id_0001', groups: [[4]] }),
    ).toThrow(InputError);
    expect(() => edit(initialState(base), { kind: 'split', identity_id: 'id_0002' })).toThrow(
      /one track/,
    );
  });

  it('overrides tracks to a cast member or to ignore, and clears overrides', () => {
    const s1 = edit(initialState(base), { kind: 'override', track_ids: [2], cast_id: 'louis' });
    const s2 = edit(s1, { kind: 'override', track_ids: [3], ignore: true });
    expect(s2.overrides).toEqual({
      '2': { cast_id: 'louis', ignore: false, ...meta },
      '3': { cast_id: null, ignore: true, ...meta },
    });
    expect(edit(s2, { kind: 'clear_override', track_ids: [2] }).overrides['2']).toBeUndefined();
    expect(() => edit(s2, { kind: 'clear_override', track_ids: [1] })).toThrow(InputError);
    expect(() => edit(s2, { kind: 'override', track_ids: [1] })).toThrow(InputError);
  });

  it('excludes a face sample and puts it back', () => {
    const s1 = edit(initialState(base), { kind: 'exclude_face', track_id: 2, frame_idx: 40 });
    expect(s1.excluded_faces).toEqual(['2:40']);
    expect(
      edit(s1, { kind: 'exclude_face', track_id: 2, frame_idx: 40, excluded: false })
        .excluded_faces,
    ).toEqual([]);
  });

  it('cuts a track in two by frame range when cut_track puts the tail in a new identity', () => {
    const s0 = initialState(base);
    const half = (a: number, b: number, faces: number) => ({ first_ts: a, last_ts: b, faces });
    const s1 = edit(s0, {
      kind: 'cut_track',
      cuts: [
        {
          track_id: 4,
          from_frame_idx: 200,
          new_track_id: 7,
          head: half(0, 7.9, 2),
          tail: half(8, 15, 2),
        },
      ],
    });
    expect(ids(s1)).toEqual([
      ['id_0001', [1, 2, 3], 9],
      ['id_0002', [4], 2],
      ['id_0003', [5], 1],
      ['id_0004', [7], 2],
    ]);
    expect(s1.identities[3]!.origin).toBe('split');
    expect(s1.track_spans).toEqual({ '4': [0, 7.9], '7': [8, 15] });
    expect(trackOfFrame(s1, 4, 199)).toBe(4);
    expect(trackOfFrame(s1, 4, 200)).toBe(7);
    const s2 = edit(s1, {
      kind: 'cut_track',
      cuts: [
        {
          track_id: 7,
          from_frame_idx: 300,
          new_track_id: 8,
          head: half(8, 11, 1),
          tail: half(12, 15, 1),
        },
      ],
    });
    expect(trackOfFrame(s2, 4, 350)).toBe(8);
    expect(trackOfFrame(s2, 4, 250)).toBe(7);
    expect(s0.track_cuts).toBeUndefined();
    expect(() =>
      edit(s1, {
        kind: 'cut_track',
        cuts: [
          {
            track_id: 1,
            from_frame_idx: 5,
            new_track_id: 7,
            head: half(0, 1, 1),
            tail: half(1, 2, 1),
          },
        ],
      }),
    ).toThrow(InputError);
    expect(() =>
      edit(s1, {
        kind: 'cut_track',
        cuts: [
          {
            track_id: 99,
            from_frame_idx: 5,
            new_track_id: 9,
            head: half(0, 1, 1),
            tail: half(1, 2, 1),
          },
        ],
      }),
    ).toThrow(NotFoundError);
  });
});
