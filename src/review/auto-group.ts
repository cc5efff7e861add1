/**
 * @module Auto-group: identities whose centroids are close are proposed as one group (average linkage on cosine
 * similarity, stopping below a threshold: the clustering of agglomerative.ts, as in the `cluster` stage), never
 * joining two identities seen in one analysed frame, nor two assigned to different cast members.
 */
import { clusterWithLinkage } from './agglomerative.ts';
import type { IdentityCentroid } from './centroids.ts';
import type { ReviewState } from './state.ts';

/** A proposed group. */
export interface IdentityGroup {
  /** Identities of the group, largest (most faces) first. */
  identity_ids: string[];
  /** Average pairwise cosine similarity of the members' centroids at the last join. */
  similarity: number;
}

/**
 * Pairs of identities that must stay apart: they share an analysed frame, or are assigned to different cast
 * members.
 * @param state - review state
 * @param coTracks - `a:b` pairs of track ids seen in one frame (see run-data.ts)
 * @returns `x|y` keys of identity ids, x before y
 */
export function cannotLinkIdentities(
  state: ReviewState,
  coTracks: ReadonlySet<string>,
): Set<string> {
  const owner = new Map<number, string>();
  for (const idn of state.identities) {
    for (const t of idn.track_ids) {
      owner.set(t, idn.identity_id);
    }
  }
  const out = new Set<string>();
  const add = (a: string, b: string): void => {
    if (a !== b) {
      out.add(a < b ? `${a}|${b}` : `${b}|${a}`);
    }
  };
  for (const key of coTracks) {
    const [a, b] = key.split(':').map((t) => owner.get(Number(t)));
    if (a && b) {
      add(a, b);
    }
  }
  const assigned = state.identities.filter((i) => i.cast_id !== null);
  for (const x of assigned) {
    for (const y of assigned) {
      if (x.cast_id !== y.cast_id) {
        add(x.identity_id, y.identity_id);
      }
    }
  }
  return out;
}

/**
 * Groups identity centroids by average linkage: repeatedly joins the two groups with the highest average pairwise
 * cosine similarity while it is at least `minSimilarity` and no cannot-link pair spans them
 * ({@link clusterWithLinkage} at distance `1 - minSimilarity`).
 * @param centroids - identity centroids (unit vectors, non-zero)
 * @param minSimilarity - least average similarity of a join (default: `config.review.auto_group_min_similarity`)
 * @param cannotLink - `x|y` keys of identities that must stay apart
 * @param facesOf - face samples of an identity, to order each group's members
 * @returns groups of two or more identities, most similar first
 * @see Lance and Williams 1967, "A general theory of classificatory sorting strategies"
 */
export function groupIdentities(
  centroids: readonly IdentityCentroid[],
  minSimilarity: number,
  cannotLink: ReadonlySet<string>,
  facesOf: (identityId: string) => number,
): IdentityGroup[] {
  if (centroids.length === 0) {
    return [];
  }
  const dim = centroids[0]!.vector.length;
  const vectors = new Float32Array(centroids.length * dim);
  centroids.forEach((c, k) => vectors.set(c.vector, k * dim));
  const ids = centroids.map((c) => c.identity_id);
  const r = clusterWithLinkage(vectors, dim, 1 - minSimilarity, {
    cannotLink: (i, j) =>
      cannotLink.has(ids[i]! < ids[j]! ? `${ids[i]}|${ids[j]}` : `${ids[j]}|${ids[i]}`),
  });
  const members: string[][] = Array.from({ length: r.count }, () => []);
  r.labels.forEach((label, k) => members[label]!.push(ids[k]!));
  return members
    .map((group, label) => ({ group, label }))
    .filter(({ group }) => group.length > 1)
    .map(({ group, label }) => ({
      identity_ids: group.sort((a, b) => facesOf(b) - facesOf(a) || a.localeCompare(b)),
      similarity: Math.round((1 - r.mergeDistance[label]!) * 1e4) / 1e4,
    }))
    .sort((a, b) => b.similarity - a.similarity);
}
