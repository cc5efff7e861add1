/**
 * @module Turned heads (issue 11): a track seen mostly in profile embeds poorly (on the sitcom clip a profile crop
 * is 0.18-0.36 similar to its person's gallery face against 0.64 frontal), so clustering leaves it an identity of
 * its own that names nobody, and its time counts for no one. After clustering, such a track is moved into the
 * identity whose tracks of the same scene wear the closest clothes, when that is unambiguous: the clothing below
 * the face identifies a person within a scene, as TV character-naming work has done since Everingham, Sivic and
 * Zisserman 2006 ("Hello! My name is... Buffy: automatic naming of characters in TV video", BMVC), and people
 * seen in one analysed frame are two people (cannot-link). Each move is written in `identities.json`
 * (`attached`) with its evidence.
 */
import type { Config } from '../../config/index.ts';
import { clothingDistance, type SceneTrack } from '../../review/index.ts';
import type { Identity, TrackAttachment } from '../../store/index.ts';
import { roundTo } from '../round.ts';

/** What the rule reads of a track (a `tracks.jsonl` row after faces_embed). */
export interface AttachTrack extends SceneTrack {
  /** Track id. */
  track_id: number;
  /** Embedded face samples of the track. */
  faces: number;
  /** Normalised mean embedding of its samples (length = embedder dim, 512 by default). */
  prototype: readonly number[] | null;
}

/** What the rule reads of a face sample (a `faces.jsonl` row). */
export interface AttachFace {
  /** Track of the sample. */
  track_id: number;
  /** Estimated head yaw of the sample, degrees (0 frontal, 90 profile; faces-embed/pose.ts). */
  yaw_deg: number;
}

/** Result of {@link attachTurnedTracks}. */
export interface AttachResult {
  /**
   * The identities after the moves, in their order: an identity left without tracks is dropped (a
   * `nearest_identity_id` naming it names the identity its track went to, or is null with `margin` when that is
   * the identity itself), one left with others gets the thumbnail
   * of its remaining track with most faces.
   */
  identities: Identity[];
  /** Every move made, in track order. */
  attachments: TrackAttachment[];
}

/**
 * Moves turned tracks into the identity their clothing names. A track is turned when the median yaw of its face
 * samples (every candidate of `faces.jsonl`, embedded or not) is at least `cluster.attach_min_yaw_deg`. An
 * identity is weak when it is small (at most `cluster.attach_max_identity_tracks` tracks) or mostly turned tracks
 * (a share of at least `cluster.attach_min_turned_share`: profiles of several people embed alike and cluster
 * together); the others are established. A turned track of a weak identity may move into an established one
 * that has a track that is not turned, with clothing, at most `cluster.scene_window_s` seconds from it (the
 * clothing distance is the mean over those tracks; turned and attached tracks are no reference), none of whose
 * tracks (attached ones included) shares an analysed frame with it. It moves when the nearest is at most
 * `cluster.attach_max_clothing_distance` away and the runner-up at least `cluster.attach_margin` farther (a sole
 * candidate is no evidence: the others of the scene may just lack a reference track),
 * unless its face names another established identity: the cosine similarity of its prototype to the normalised
 * mean of the prototypes of that identity's tracks that are not turned is at least
 * `cluster.attach_face_veto_similarity`, or another track of a weak identity seen in a frame with it wears that
 * identity's clothes better (people of one family dress alike; then the identity's own wide-shot track may be the
 * one unplaced). Otherwise it stays. Cohesion and margin stay those of the clustering
 * (`attached` lists what was added).
 * @param identities - identities of the clustering (`identities.json` rows)
 * @param tracks - the clustered tracks (every track id of `identities`)
 * @param faces - face samples of the run (`faces.jsonl` rows)
 * @param coOccurring - pairs of track ids seen in one analysed frame, `a:b`, a before b (`coOccurringTracks`)
 * @param cfg - `config.cluster`
 * @returns the identities after the moves, and the moves
 * @throws Error when an identity holds a track id absent from `tracks`
 */
export function attachTurnedTracks(
  identities: readonly Identity[],
  tracks: readonly AttachTrack[],
  faces: readonly AttachFace[],
  coOccurring: ReadonlySet<string>,
  cfg: Config['cluster'],
): AttachResult {
  const byId = new Map(tracks.map((t) => [t.track_id, t]));
  const track = (id: number): AttachTrack => {
    const t = byId.get(id);
    if (!t) {
      throw new Error(`attachTurnedTracks: track ${id} of an identity is not among the tracks`);
    }
    return t;
  };
  const yaws = new Map<number, number[]>();
  for (const f of faces) {
    yaws.set(f.track_id, [...(yaws.get(f.track_id) ?? []), f.yaw_deg]);
  }
  const medianYaw = new Map([...yaws].map(([id, ys]) => [id, median(ys)]));
  const isTurned = (id: number): boolean => (medianYaw.get(id) ?? 0) >= cfg.attach_min_yaw_deg;
  const together = (a: number, b: number): boolean =>
    coOccurring.has(a < b ? `${a}:${b}` : `${b}:${a}`);

  const rows = identities.map((idn) => ({ ...idn, track_ids: [...idn.track_ids] }));
  /** Original, not turned tracks of each identity: the clothing references. */
  const references = new Map(
    rows.map((idn) => [idn.identity_id, idn.track_ids.filter((id) => !isTurned(id)).map(track)]),
  );
  const centroids = new Map(
    [...references].map(([id, refs]) => [id, centroid(refs.map((r) => r.prototype))]),
  );
  /** Mean clothing distance of a track to an identity's references of its scene; Infinity without one. */
  const clothesTo = (x: AttachTrack, idn: Identity): number => {
    const near = references
      .get(idn.identity_id)!
      .filter((r) => r.clothing && gapS(r, x) <= cfg.scene_window_s);
    return x.clothing && near.length > 0
      ? near.reduce((s, r) => s + clothingDistance(x.clothing!, r.clothing!), 0) / near.length
      : Infinity;
  };
  const attachments: TrackAttachment[] = [];
  /** Identities whose turned tracks may move (small, or mostly turned); the others are established. */
  const weak = new Set(
    rows.filter(
      (idn) =>
        idn.track_ids.length <= cfg.attach_max_identity_tracks ||
        idn.track_ids.filter(isTurned).length >= cfg.attach_min_turned_share * idn.track_ids.length,
    ),
  );
  const established = rows.filter((idn) => !weak.has(idn));
  const turned = [...weak]
    .flatMap((idn) => idn.track_ids.filter(isTurned).map((id) => ({ id, from: idn })))
    .sort((a, b) => a.id - b.id);
  for (const { id, from } of turned) {
    const t = track(id);
    if (!t.clothing) {
      continue;
    }
    const ranked = established
      .filter((idn) => !idn.track_ids.some((o) => together(o, id)))
      .map((idn) => ({ idn, distance: clothesTo(t, idn) }))
      .filter((c) => Number.isFinite(c.distance))
      .sort((a, b) => a.distance - b.distance);
    const [best, second] = ranked;
    // Someone else in its frames, not placed yet, who wears the identity's clothes better.
    const rival =
      best &&
      [...weak].some((idn) =>
        idn.track_ids.some((u) => together(u, id) && clothesTo(track(u), best.idn) < best.distance),
      );
    const faceSays = established.find(
      (idn) =>
        idn !== best?.idn &&
        similarity(t.prototype, centroids.get(idn.identity_id)!) >= cfg.attach_face_veto_similarity,
    );
    if (
      !best ||
      !second ||
      best.distance > cfg.attach_max_clothing_distance ||
      second.distance - best.distance < cfg.attach_margin ||
      faceSays ||
      rival
    ) {
      continue;
    }
    const move: TrackAttachment = {
      track_id: id,
      from_identity_id: from.identity_id,
      median_yaw_deg: roundTo(medianYaw.get(id)!, 1),
      clothing_distance: roundTo(best.distance, 4),
      runner_up_identity_id: second.idn.identity_id,
      runner_up_distance: roundTo(second.distance, 4),
    };
    from.track_ids = from.track_ids.filter((o) => o !== id);
    from.faces -= t.faces;
    if (from.thumb.endsWith(`/${id}.webp`) && from.track_ids.length > 0) {
      const rep = from.track_ids.map(track).reduce((b, o) => (o.faces > b.faces ? o : b));
      from.thumb = from.thumb.replace(/\d+\.webp$/, `${rep.track_id}.webp`);
    }
    best.idn.track_ids = [...best.idn.track_ids, id].sort((a, b) => a - b);
    best.idn.faces += t.faces;
    best.idn.attached = [...(best.idn.attached ?? []), move];
    attachments.push(move);
  }
  const dropped = new Map(
    attachments
      .filter(
        (m) => rows.find((idn) => idn.identity_id === m.from_identity_id)!.track_ids.length === 0,
      )
      .map((m) => [m.from_identity_id, rows.find((idn) => idn.track_ids.includes(m.track_id))!]),
  );
  return {
    identities: rows
      .filter((idn) => idn.track_ids.length > 0)
      .map((idn) => {
        const to = dropped.get(idn.nearest_identity_id ?? '');
        if (!to) {
          return idn;
        }
        return to === idn
          ? { ...idn, margin: null, nearest_identity_id: null }
          : { ...idn, nearest_identity_id: to.identity_id };
      }),
    attachments,
  };
}

/** Normalised mean of the prototypes present, or null when none is. */
function centroid(prototypes: readonly (readonly number[] | null)[]): Float64Array | null {
  const own = prototypes.filter((p) => p !== null);
  if (own.length === 0) {
    return null;
  }
  const sum = new Float64Array(own[0]!.length);
  for (const p of own) {
    p.forEach((v, d) => (sum[d]! += v));
  }
  const norm = Math.hypot(...sum);
  return sum.map((v) => v / norm);
}

/** Cosine similarity of a prototype and a centroid (-1 when either is missing). */
function similarity(p: readonly number[] | null, c: Float64Array | null): number {
  return p && c ? p.reduce((s, v, d) => s + v * c[d]!, 0) : -1;
}

/** Seconds between the time spans of two tracks (0 when they overlap). */
function gapS(a: SceneTrack, b: SceneTrack): number {
  return Math.max(0, Math.max(a.first_ts, b.first_ts) - Math.min(a.last_ts, b.last_ts));
}

/** Median of a non-empty list. */
function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
