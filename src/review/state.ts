/**
 * @module What a review is made of: the effective identities of a run after the reviewer's edits (assignments,
 * merges, moves, splits), track overrides, excluded face samples and carry-over conflicts; and the edits
 * themselves, one zod schema per kind (the one definition of each stored payload).
 */
import { z } from 'zod';

/** Identity id: `id_0001`, ... (new identities made by moves and splits continue the numbering). */
export const identityIdSchema = z
  .string()
  .regex(/^id_\d{4,}$/, 'expected an identity id like id_0001')
  .describe('Identity id, e.g. id_0001');

/** Track id of the run (positive integer). */
export const trackIdSchema = z.number().int().positive().describe('Track id of the run');

/** Cast id (a slug of the show's cast member). */
export const castIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a cast id like jessica-huang')
  .describe('Cast id of a cast member of the show');

/** How an effective identity came to be. */
export type IdentityOrigin = 'cluster' | 'split' | 'move';

/** One effective identity: a clustering identity with the reviewer's edits applied. */
export interface ReviewIdentity {
  /** Identity id. */
  identity_id: string;
  /** Track ids, ascending. */
  track_ids: number[];
  /** Embedded face samples over its tracks. */
  faces: number;
  /** Representative thumbnail relative to the run folder (`thumbs/{track_id}.webp`). */
  thumb: string;
  /** Cohesion from clustering (mean cosine of track prototypes to the centroid); null once edited. */
  cohesion: number | null;
  /** Clustering output, or made by a split or a move. */
  origin: IdentityOrigin;
  /** Assigned cast member, or null. */
  cast_id: string | null;
  /** Who assigned it, or null. */
  assigned_by: string | null;
  /** When it was assigned (ISO 8601 UTC), or null. */
  assigned_at: string | null;
  /** Tier of the suggestion when auto-assigned by `system`; null (or absent in older states) otherwise. */
  assigned_tier?: 'auto' | 'high' | 'medium' | 'low' | null;
}

/** A track override: this track belongs to another cast member, or is not a face (ignored). */
export interface TrackOverride {
  /** Cast member, or null when ignored. */
  cast_id: string | null;
  /** True: not a face / ignore (counted nowhere). */
  ignore: boolean;
  /** Who set it. */
  by: string;
  /** When (ISO 8601 UTC). */
  at: string;
}

/** A vote of re-clustering: faces of an identity's tracks that carried one cast member before. */
export interface CarryVote {
  /** Cast member the tracks carried. */
  cast_id: string;
  /** Face samples of those tracks (the weight). */
  faces: number;
  /** The tracks. */
  track_ids: number[];
}

/** An identity whose tracks carried several cast members before re-clustering: listed for the reviewer. */
export interface CarryConflict {
  /** Identity of the new clustering. */
  identity_id: string;
  /** Cast member it inherited (the weighted majority), or null on a tie. */
  cast_id: string | null;
  /** Votes, heaviest first. */
  votes: CarryVote[];
}

/** Why an identity no longer exists. */
export interface RetiredIdentity {
  /** Edit kind that removed it. */
  kind: string;
  /** Identity that took its tracks, or null. */
  into: string | null;
  /** Who. */
  by: string;
  /** When. */
  at: string;
}

/** The folded review of one clustering: what every reader and the screentime stage use. */
export interface ReviewState {
  /** Effective identities, clustering ones first, then new ones in creation order. */
  identities: ReviewIdentity[];
  /** Tracks in no identity (no embedded face sample, or moved out). */
  unclustered_track_ids: number[];
  /** Embedded face samples per track id (for faces and thumbnails of edited identities). */
  track_faces: Record<string, number>;
  /** Track overrides by track id. */
  overrides: Record<string, TrackOverride>;
  /** Excluded face samples, `{track_id}:{frame_idx}` (source-video frame index). */
  excluded_faces: string[];
  /** Re-clustering conflicts still to look at (dropped when the identity is edited). */
  conflicts: CarryConflict[];
  /** Identities removed by edits, with where their tracks went. */
  retired: Record<string, RetiredIdentity>;
  /** Number of the next new identity (`id_{next}`). */
  next_identity: number;
  /** Tracks made by `cut_track` edits, by new track id (absent in states without a cut). */
  track_cuts?: Record<string, TrackCut>;
  /** `[first_ts, last_ts]` in seconds of every cut track (both halves), overriding `tracks.jsonl`. */
  track_spans?: Record<string, [number, number]>;
  /** Thumbnail (a face crop, relative to the run folder) of every cut track, overriding `thumbs/{track_id}.webp`. */
  track_thumbs?: Record<string, string>;
}

/** A track cut in two: the new track holds the detections of `track_id` from `from_frame_idx` on. */
export interface TrackCut {
  /** Track that was cut (itself possibly made by an earlier cut). */
  track_id: number;
  /** First source-video frame index of the new track. */
  from_frame_idx: number;
}

/** Span and face samples of one half of a cut track. */
const cutHalfSchema = z.object({
  /** Time of the first detection, seconds. */
  first_ts: z.number().min(0),
  /** Time of the last detection, seconds. */
  last_ts: z.number().min(0),
  /** Embedded face samples of this half. */
  faces: z.number().int().min(0),
  /** Its best face crop relative to the run folder (`crops/{track_id}/{frame_idx}.jpg`), for its thumbnail. */
  thumb: z
    .string()
    .regex(/^crops\/\d+\/\d+\.jpg$/, 'expected crops/{track_id}/{frame_idx}.jpg')
    .optional(),
});

/** One cut of a `cut_track` edit. */
export const trackCutSchema = z.object({
  track_id: trackIdSchema,
  from_frame_idx: z.number().int().min(0),
  new_track_id: trackIdSchema,
  head: cutHalfSchema,
  tail: cutHalfSchema,
  /** New identity (origin `split`) that takes the new track. */
  to_identity_id: identityIdSchema,
});

/** Suggestion tiers, most confident first (see suggestions.ts). */
export const tierSchema = z.enum(['auto', 'high', 'medium', 'low']);

const assignmentSchema = z.object({
  identity_id: identityIdSchema,
  cast_id: castIdSchema,
  /** Tier of the suggestion an auto-assignment applied (absent for a person's assignment). */
  tier: tierSchema.optional(),
  /** Cosine similarity of that suggestion, in [-1, 1]. */
  similarity: z.number().optional(),
});

/** Every stored edit, by kind (payload fields beside `kind`). */
export const editSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('assign'), assignments: z.array(assignmentSchema).min(1) }),
  z.object({ kind: z.literal('unassign'), identity_ids: z.array(identityIdSchema).min(1) }),
  z.object({
    kind: z.literal('override'),
    track_ids: z.array(trackIdSchema).min(1),
    cast_id: castIdSchema.nullable(),
    ignore: z.boolean(),
  }),
  z.object({ kind: z.literal('clear_override'), track_ids: z.array(trackIdSchema).min(1) }),
  z.object({
    kind: z.literal('exclude_face'),
    track_id: trackIdSchema,
    frame_idx: z.number().int().min(0),
    excluded: z.boolean(),
  }),
  z.object({
    kind: z.literal('merge'),
    source_ids: z.array(identityIdSchema).min(1),
    target_id: identityIdSchema,
  }),
  z.object({
    kind: z.literal('move'),
    track_ids: z.array(trackIdSchema).min(1),
    to_identity_id: identityIdSchema,
    created: z.boolean(),
  }),
  z.object({
    kind: z.literal('split'),
    identity_id: identityIdSchema,
    groups: z.array(z.array(trackIdSchema).min(1)).min(1),
    new_ids: z.array(identityIdSchema),
  }),
  z.object({
    kind: z.literal('carry_over'),
    from: z.object({ review_id: z.number().int(), run_id: z.string(), version: z.number().int() }),
    assignments: z.array(assignmentSchema),
    overrides: z.array(
      z.object({ track_id: trackIdSchema, cast_id: castIdSchema.nullable(), ignore: z.boolean() }),
    ),
    excluded_faces: z.array(z.string()),
    conflicts: z.array(
      z.object({
        identity_id: identityIdSchema,
        cast_id: castIdSchema.nullable(),
        votes: z.array(
          z.object({
            cast_id: castIdSchema,
            faces: z.number(),
            track_ids: z.array(trackIdSchema),
          }),
        ),
      }),
    ),
  }),
  z.object({ kind: z.literal('cut_track'), cuts: z.array(trackCutSchema).min(1) }),
  z.object({ kind: z.literal('undo'), seqs: z.array(z.number().int().positive()).min(1) }),
]);

/** One edit. */
export type Edit = z.infer<typeof editSchema>;

/** An edit kind. */
export type EditKind = Edit['kind'];

/** Who made an edit and when. */
export interface EditMeta {
  /** Reviewer. */
  by: string;
  /** ISO 8601 UTC. */
  at: string;
}

/** Cast ids a state points at (assignments and overrides), sorted. */
export function castRefsOf(state: ReviewState): string[] {
  const refs = new Set<string>();
  for (const idn of state.identities) {
    if (idn.cast_id) {
      refs.add(idn.cast_id);
    }
  }
  for (const o of Object.values(state.overrides)) {
    if (o.cast_id) {
      refs.add(o.cast_id);
    }
  }
  return [...refs].sort();
}
