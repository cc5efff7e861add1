/**
 * @module Stage `cluster`: average-linkage agglomerative clustering of track prototypes into identities, with the
 * cannot-link rule (tracks sharing an analysed frame are never one identity) and the scene penalty (tracks of one
 * scene in different clothes, tracks alternating across a cut: src/review/scene-evidence.ts); writes `identities.json` with
 * each identity's cohesion and margin.
 */
import { relative } from 'node:path';
import {
  autoAssign,
  clusterWithLinkage,
  cohesion,
  coOccurringTracks,
  scenePenalty,
} from '../../review/index.ts';
import {
  getEpisode,
  openDatabase,
  readJsonl,
  writeIdentities,
  type IdentitiesFile,
} from '../../store/index.ts';
import type { StageContext, StageOutcome } from '../context.ts';
import type { EmbeddedTrackRow, FaceRow } from '../faces-embed/index.ts';
import { attachTurnedTracks } from './attach-turned.ts';

/**
 * Runs cluster over the run's embedded tracks.
 * @param ctx - stage context; uses `config.cluster`
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
  const co = coOccurringTracks(paths);
  const pairs = cannotLinkPairs(co, withFaces);
  // Progress in steps (read, clustered, written): each report is also the job's heartbeat.
  ctx.onProgress({ framesDone: 1, framesTotal: 3 });
  const threshold = config.cluster.distance_threshold;
  const clustering =
    withFaces.length > 0
      ? clusterWithLinkage(vectors, dim, threshold, {
          cannotLink: pairs,
          penalty: scenePenalty(withFaces, config.cluster),
        })
      : { labels: [], count: 0, linkage: new Float64Array(0), mergeDistance: new Float64Array(0) };

  ctx.onProgress({ framesDone: 2, framesTotal: 3 });
  const members = new Map<number, number[]>();
  clustering.labels.forEach((label, i) => members.set(label, [...(members.get(label) ?? []), i]));
  const ordered = [...members]
    .map(([label, items]) => {
      const own = items.map((i) => withFaces[i]!);
      const rep = own.reduce((b, t) => (t.faces > b.faces ? t : b));
      return {
        label,
        track_ids: own.map((t) => t.track_id).sort((a, b) => a - b),
        faces: own.reduce((s, t) => s + t.faces, 0),
        thumb: relative(paths.dir, paths.thumb(rep.track_id)),
        cohesion: Math.round(cohesion(vectors, dim, items) * 1e4) / 1e4,
      };
    })
    .sort((a, b) => b.faces - a.faces || a.track_ids[0]! - b.track_ids[0]!);
  const idOf = new Map(
    ordered.map((row, k) => [row.label, `id_${String(k + 1).padStart(4, '0')}`]),
  );
  const clustered = ordered.map(({ label, ...row }) => {
    const near = nearestCluster(clustering.linkage, clustering.count, label);
    return {
      identity_id: idOf.get(label)!,
      ...row,
      margin: near ? Math.round((near.distance - threshold) * 1e4) / 1e4 : null,
      nearest_identity_id: near ? idOf.get(near.label)! : null,
    };
  });
  const faces = readJsonl<FaceRow>(paths.faces);
  const { identities, attachments } = attachTurnedTracks(
    clustered,
    withFaces,
    faces,
    co,
    config.cluster,
  );
  log.info('cluster.attached_turned', { attachments });

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
    params: { ...config.cluster, linkage: 'average' },
  });
}

/**
 * After a successful `cluster`: names the new identities from the show's facebank and earlier episodes
 * (`config.review.auto_assign_tier`), one undoable edit by `system`; logs what was named. An episode the database
 * does not know (a bare `stage` run on files) is passed over with a warning.
 * @param ctx - stage context of the finished cluster stage
 * @throws whatever the review layer throws (the caller logs it as a warning)
 */
export async function nameIdentities(ctx: StageContext): Promise<void> {
  const db = await openDatabase(ctx.config.data_dir, ctx.config.database);
  try {
    if (!(await getEpisode(db, ctx.epId))) {
      ctx.log.warn('cluster.auto_assign_skipped', { reason: 'episode not in the database' });
      return;
    }
    const r = await autoAssign({ config: ctx.config, db }, { epId: ctx.epId, runId: ctx.runId });
    ctx.log.info('cluster.auto_assigned', {
      tier: ctx.config.review.auto_assign_tier,
      assigned: r.assigned.map((a) => `${a.identity_id}=${a.cast_id} (${a.tier} ${a.similarity})`),
      kept_as_suggestion: r.kept_as_suggestion.length,
      version: r.version,
    });
  } finally {
    await db.close();
  }
}

/**
 * The cluster nearest to `label` by average linkage that it could still merge with (no cannot-link pair between).
 * @param linkage - K x K linkage of `clusterWithLinkage`
 * @param count - K
 * @param label - the cluster
 * @returns its label and distance, or null when every other cluster is cannot-linked or there is none
 */
function nearestCluster(
  linkage: Float64Array,
  count: number,
  label: number,
): { label: number; distance: number } | null {
  let best: { label: number; distance: number } | null = null;
  for (let m = 0; m < count; m++) {
    const d = linkage[label * count + m]!;
    if (m !== label && Number.isFinite(d) && (!best || d < best.distance)) {
      best = { label: m, distance: d };
    }
  }
  return best;
}

/**
 * Pairs of clustered items (indices into `tracks`) whose tracks share an analysed frame.
 * @param co - track-id pairs seen in one analysed frame (`coOccurringTracks`), `a:b` keys
 * @param tracks - the clustered tracks, in item order
 */
function cannotLinkPairs(co: ReadonlySet<string>, tracks: EmbeddedTrackRow[]): [number, number][] {
  const item = new Map(tracks.map((t, i) => [t.track_id, i]));
  const pairs: [number, number][] = [];
  for (const key of co) {
    const [a, b] = key.split(':').map((id) => item.get(Number(id)));
    if (a !== undefined && b !== undefined) {
      pairs.push([a, b]);
    }
  }
  return pairs;
}
