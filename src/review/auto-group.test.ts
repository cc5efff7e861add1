/** @module Tests of auto-group on synthetic centroids. */
import { describe, expect, it } from 'vitest';
import { initialState } from './apply.ts';
import { cannotLinkIdentities, groupIdentities } from './auto-group.ts';

const unit = (angleDeg: number) => {
  const a = (angleDeg * Math.PI) / 180;
  return Float32Array.from([Math.cos(a), Math.sin(a), 0]);
};
const centroid = (id: string, angleDeg: number) => ({
  identity_id: id,
  vector: unit(angleDeg),
  faces: 1,
  cohesion: 1,
});

describe('groupIdentities', () => {
  const centroids = [
    centroid('id_0001', 0),
    centroid('id_0002', 10),
    centroid('id_0003', 20),
    centroid('id_0004', 90),
  ];

  it('groups identities whose centroids are close and leaves the far one alone', () => {
    const groups = groupIdentities(centroids, 0.9, new Set(), () => 1);
    expect(groups.map((g) => g.identity_ids)).toEqual([['id_0001', 'id_0002', 'id_0003']]);
    expect(groups[0]!.similarity).toBeGreaterThan(0.9);
  });

  it('never joins two identities that must stay apart', () => {
    const groups = groupIdentities(centroids, 0.9, new Set(['id_0001|id_0002']), () => 1);
    const joined = groups.flatMap((g) => g.identity_ids);
    expect(
      groups.every(
        (g) => !(g.identity_ids.includes('id_0001') && g.identity_ids.includes('id_0002')),
      ),
    ).toBe(true);
    expect(joined).toContain('id_0003');
  });
});

describe('cannotLinkIdentities', () => {
  it('keeps apart identities sharing a frame and identities assigned to different cast members', () => {
    const s = initialState({
      identities: ['1', '2', '3'].map((k) => ({
        identity_id: `id_000${k}`,
        track_ids: [Number(k)],
        faces: 1,
        thumb: '',
        cohesion: 1,
      })),
      unclustered_track_ids: [],
      track_faces: {},
    });
    s.identities[1]!.cast_id = 'a';
    s.identities[2]!.cast_id = 'b';
    expect(cannotLinkIdentities(s, new Set(['1:2']))).toEqual(
      new Set(['id_0001|id_0002', 'id_0002|id_0003']),
    );
  });
});
