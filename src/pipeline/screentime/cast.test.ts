/** @module Tests of cast screen time over resolved tracks, on synthetic identities. */
import { describe, expect, it } from 'vitest';
import { applyEdit, initialState } from '../../review/index.ts';
import type { Interval } from '../../types.ts';
import { castScreentime } from './cast.ts';

const spans: Record<number, Interval> = {
  1: [0, 10],
  2: [5, 15],
  3: [20, 30],
  4: [40, 45],
  5: [50, 52],
};
const spanOf = (t: number): Interval | null => spans[t] ?? null;
const rules = { durationS: 60, halfStepS: 0, gapS: 0 };
const meta = { by: 'alice', at: '2026-11-21T08:00:00.000Z' };

function state() {
  const s = initialState({
    identities: [
      { identity_id: 'id_0001', track_ids: [1], faces: 1, thumb: '', cohesion: 1 },
      { identity_id: 'id_0002', track_ids: [2], faces: 1, thumb: '', cohesion: 1 },
      { identity_id: 'id_0003', track_ids: [3, 4], faces: 2, thumb: '', cohesion: 1 },
    ],
    unclustered_track_ids: [5],
    track_faces: {},
  });
  return applyEdit(
    s,
    {
      kind: 'assign',
      assignments: [
        { identity_id: 'id_0001', cast_id: 'jessica' },
        { identity_id: 'id_0002', cast_id: 'jessica' },
      ],
    },
    meta,
  );
}

describe('castScreentime', () => {
  it('counts overlapping tracks of one cast member once when two identities overlap in time', () => {
    const { cast, unassigned } = castScreentime(
      state(),
      spanOf,
      new Map([['jessica', 'Jessica']]),
      rules,
    );
    expect(cast).toEqual([
      {
        cast_id: 'jessica',
        name: 'Jessica',
        assigned_by: 'person',
        tier: null,
        seconds: 15,
        share: 0.25,
        intervals: [[0, 15]],
        identity_ids: ['id_0001', 'id_0002'],
        track_ids: [1, 2],
      },
    ]);
    expect(unassigned).toMatchObject({
      seconds: 17,
      intervals: [
        [20, 30],
        [40, 45],
        [50, 52],
      ],
      track_ids: [3, 4, 5],
    });
  });

  it('puts an overridden track under its cast member and counts an ignored track nowhere', () => {
    let s = applyEdit(
      state(),
      { kind: 'override', track_ids: [4], cast_id: 'louis', ignore: false },
      meta,
    );
    s = applyEdit(s, { kind: 'override', track_ids: [5], cast_id: null, ignore: true }, meta);
    const { cast, unassigned } = castScreentime(s, spanOf, new Map(), rules);
    expect(cast.map((c) => [c.cast_id, c.name, c.seconds, c.identity_ids])).toEqual([
      ['jessica', 'jessica', 15, ['id_0001', 'id_0002']],
      ['louis', 'louis', 5, ['id_0003']],
    ]);
    expect(unassigned).toMatchObject({ seconds: 10, track_ids: [3] });
  });

  it('says who named a cast member and the weakest auto-assigned tier when system and person both did', () => {
    let s = state();
    s = applyEdit(
      s,
      {
        kind: 'assign',
        assignments: [
          { identity_id: 'id_0003', cast_id: 'jessica', tier: 'high', similarity: 0.6 },
        ],
      },
      { by: 'system', at: meta.at },
    );
    const { cast } = castScreentime(s, spanOf, new Map(), rules);
    expect(cast.map((c) => [c.cast_id, c.assigned_by, c.tier])).toEqual([
      ['jessica', 'mixed', 'high'],
    ]);
  });
});
