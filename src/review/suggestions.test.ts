/** @module Tests of ranking cast members for an identity centroid. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import type { CastMember } from '../store/index.ts';
import { rankCast, type Reference } from './suggestions.ts';

const review = loadConfig({}, {}).review;
const member = (cast_id: string): CastMember => ({
  show_id: 'fotb',
  cast_id,
  name: cast_id.toUpperCase(),
  aliases: [],
  role: 'main',
  status: 'active',
  created_at: '',
  updated_at: '',
});
const cast = new Map(['a', 'b', 'c'].map((id) => [id, member(id)]));
/** A unit vector whose cosine with [1, 0] is `cos`. */
const at = (cos: number) => Float32Array.from([cos, Math.sqrt(1 - cos * cos)]);
const ref = (
  cast_id: string,
  cos: number,
  source: Reference['source'] = 'facebank',
): Reference => ({
  cast_id,
  vector: at(cos),
  source,
});

describe('rankCast', () => {
  it('ranks by the nearest reference and gives the tiers of the config', () => {
    const out = rankCast(
      [1, 0],
      [ref('a', 0.3), ref('a', 0.9, 'episode'), ref('b', review.tiers.high), ref('c', 0.1)],
      cast,
      review,
    );
    expect(out.map((s) => [s.cast_id, s.tier, s.source])).toEqual([
      ['a', 'auto', 'episode'],
      ['b', 'high', 'facebank'],
      ['c', 'low', 'facebank'],
    ]);
    expect(out[0]).toMatchObject({ name: 'A', similarity: 0.9 });
  });

  it('does not give auto when the runner-up is within the margin', () => {
    const close = review.tiers.auto + review.auto_margin / 2;
    const out = rankCast([1, 0], [ref('a', close + 0.01), ref('b', close)], cast, review);
    expect(out.map((s) => s.tier)).toEqual(['high', 'high']);
  });

  it('leaves out cast members that are not in the given cast (inactive)', () => {
    const out = rankCast([1, 0], [ref('z', 0.99), ref('a', 0.5)], cast, review);
    expect(out.map((s) => s.cast_id)).toEqual(['a']);
  });
});
