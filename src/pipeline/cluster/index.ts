/**
 * @module Stage `cluster`: average-linkage agglomerative clustering of track prototypes into identities, with the
 * cannot-link rule (tracks sharing an analysed frame are never one identity); writes `identities.json`.
 */
import { relative } from 'node:path';
import { autoAssign, clusterAgglomerative, cohesion } from '../../review/index.ts';
import {
  getEpisode,
  openDatabase,
  readJsonl,
  writeIdentities,
  type IdentitiesFile,
} from '../../store/index.ts';
import type { Detection } from '../../types.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import type { EmbeddedTrackRow } from '../faces-embed/index.ts';

/**
 * Runs cluster over the run's embedded tracks.
 * @param ctx - stage context; uses `config.cluster.distance_threshold`
 * @returns counts (identities, tracks clustered, cannot-link pairs), zero_rows when there is no identity
 * @throws NotFoundError when `tracks.jsonl` or `detections.jsonl` is missing (run the upstream stages first)
 */
export function runCluster(ctx: StageContext): Promise<StageOutcome> {
  const { config, paths, log } = ctx;
  const tracks = readJsonl<EmbeddedTrackRow>(paths.tracks);
  const withFaces = tracks.filter((t) => t.prototype !== null && t.prototype !== undefined);
  if (tracks.length > 0 && tracks.every((t) => t.prototype === undefined)) {
    log.warn('cluster.no_prototypes', {
      hint: 'tracks.jsonl has no prototypes: run faces_embed first',
    });
  }
  const dim = withFaces[0]?.prototype?.length ?? 0;
  const vectors = new Float32Array(withFaces.length * dim);
  withFaces.forEach((t, i) => vectors.set(t.prototype!, i * dim));
  const pairs = cannotLinkPairs(readJsonl<Detection>(paths.detections), withFaces);
  const threshold = config.cluster.distance_threshold;
  const labels = withFaces.length > 0 ? clusterAgglomerative(vectors, dim, threshold, pairs) : [];

  const members = new Map<number, number[]>();
  labels.forEach((label, i) => members.set(label, [...(members.get(label) ?? []), i]));
  const identities = [...members.values()]
    .map((items) => {
      const own = items.map((i) => withFaces[i]!);
      const rep = own.reduce((b, t) => (t.faces > b.faces ? t : b));
      return {
        track_ids: own.map((t) => t.track_id).sort((a, b) => a - b),
        faces: own.reduce((s, t) => s + t.faces, 0),
        thumb: relative(paths.dir, paths.thumb(rep.track_id)),
        cohesion: Math.round(cohesion(vectors, dim, items) * 1e4) / 1e4,
      };
    })
    .sort((a, b) => b.faces - a.faces || a.track_ids[0]! - b.track_ids[0]!)
    .map((row, k) => ({ identity_id: `id_${String(k + 1).padStart(4, '0')}`, ...row }));

  const file: IdentitiesFile = {
    schema_version: 1,
    ep_id: ctx.epId,
    run_id: ctx.runId,
    distance_threshold: threshold,
    identities,
    unclustered_track_ids: tracks.filter((t) => !t.prototype).map((t) => t.track_id),
  };
  writeIdentities(paths.identities, file);
  const counts = {
    identities: identities.length,
    tracks_clustered: withFaces.length,
    tracks_unclustered: file.unclustered_track_ids.length,
    cannot_link_pairs: pairs.length,
  };
  log.info('cluster.finished', counts);
  return Promise.resolve({
    counts,
    zeroRows: identities.length === 0,
    params: { distance_threshold: threshold, linkage: 'average' },
  });
}

/**
 * After a successful `cluster`: names the new identities from the show's facebank and earlier episodes
 * (`config.review.auto_assign_tier`), one undoable edit by `system`; logs what was named. An episode the database
 * does not know (a bare `stage` run on files) is passed over with a warning.
 * @param ctx - stage context of the finished cluster stage
 * @throws whatever the review layer throws (the caller logs it as a warning)
 */
export function nameIdentities(ctx: StageContext): Promise<void> {
  const db = openDatabase(ctx.config.data_dir);
  try {
    if (!getEpisode(db, ctx.epId)) {
      ctx.log.warn('cluster.auto_assign_skipped', { reason: 'episode not in the database' });
      return Promise.resolve();
    }
    const r = autoAssign({ config: ctx.config, db }, { epId: ctx.epId, runId: ctx.runId });
    ctx.log.info('cluster.auto_assigned', {
      tier: ctx.config.review.auto_assign_tier,
      assigned: r.assigned.map((a) => `${a.identity_id}=${a.cast_id} (${a.tier} ${a.similarity})`),
      kept_as_suggestion: r.kept_as_suggestion.length,
      version: r.version,
    });
  } finally {
    db.close();
  }
  return Promise.resolve();
}

/**
 * Pairs of clustered items (indices into `tracks`) whose tracks share an analysed frame.
 * @param detections - every detection of the run
 * @param tracks - the clustered tracks, in item order
 */
function cannotLinkPairs(detections: Detection[], tracks: EmbeddedTrackRow[]): [number, number][] {
  const item = new Map(tracks.map((t, i) => [t.track_id, i]));
  const byFrame = new Map<number, number[]>();
  for (const d of detections) {
    const i = d.track_id === null ? undefined : item.get(d.track_id);
    if (i === undefined) {
      continue;
    }
    const list = byFrame.get(d.frame_idx);
    if (list) {
      list.push(i);
    } else {
      byFrame.set(d.frame_idx, [i]);
    }
  }
  const seen = new Set<string>();
  const pairs: [number, number][] = [];
  for (const list of byFrame.values()) {
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const [i, j] = list[a]! < list[b]! ? [list[a]!, list[b]!] : [list[b]!, list[a]!];
        const key = `${i}:${j}`;
        if (i !== j && !seen.has(key)) {
          seen.add(key);
          pairs.push([i, j]);
        }
      }
    }
  }
  return pairs;
}
