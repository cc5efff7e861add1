/**
 * @module `identities.json`: the clustering output of a run (immutable; reviewer edits live in the database).
 */
import { z } from 'zod';
import { readJsonArtifact, schemaVersionField, writeJsonArtifact } from './json-artifact.ts';

/**
 * A turned track moved into an identity after clustering by the clothing of the scene (issue 11, see
 * pipeline/cluster/attach-turned.ts): its evidence.
 */
export const trackAttachmentSchema = z.object({
  /** The track moved. */
  track_id: z.number().int().positive(),
  /** The identity clustering gave it (dropped when the track was its only one). */
  from_identity_id: z.string(),
  /** Median estimated head yaw of its face samples, degrees (0 frontal, 90 profile). */
  median_yaw_deg: z.number(),
  /** Mean clothing distance to this identity's tracks of the scene (0 = same histogram, 1 = nothing in common). */
  clothing_distance: z.number(),
  /** The next nearest identity by clothing that it could belong to. */
  runner_up_identity_id: z.string(),
  /** Its clothing distance. */
  runner_up_distance: z.number(),
});

/** One identity: a cluster of tracks believed to be one person within the episode. */
export const identitySchema = z.object({
  /** `id_0001`, ... numbered by number of face samples, largest first. */
  identity_id: z.string().regex(/^id_\d{4,}$/),
  /** Track ids of the identity, ascending. */
  track_ids: z.array(z.number().int().positive()),
  /** Embedded face samples over its tracks. */
  faces: z.number().int().min(0),
  /** Representative thumbnail, relative to the run folder (`thumbs/{track_id}.webp`). */
  thumb: z.string(),
  /** Mean cosine similarity of its track prototypes to their normalised centroid (1 = tight). */
  cohesion: z.number(),
  /**
   * How far the identity stayed from being merged: the average-linkage distance (mean over track pairs of cosine
   * distance plus the scene penalty, see `config.cluster`) to the nearest identity it could have merged with (no
   * two tracks sharing an analysed frame), minus `distance_threshold`. Above 0 (clustering stops at the
   * threshold); a small margin means a look-alike or a split of one person. Null when no other identity could
   * merge with it; absent in runs made before it existed.
   */
  margin: z.number().nullable().optional(),
  /** The identity that `margin` is measured to, or null; absent in runs made before it existed. */
  nearest_identity_id: z.string().nullable().optional(),
  /**
   * Turned tracks (mostly profile views) moved into this identity after clustering by their clothing; they are
   * among `track_ids` and `faces`, not in `cohesion` or `margin`. Absent when none.
   */
  attached: z.array(trackAttachmentSchema).optional(),
});

/** `runs/{run_id}/identities.json`. */
export const identitiesFileSchema = z.object({
  schema_version: schemaVersionField,
  /** Episode id. */
  ep_id: z.string(),
  /** Run id. */
  run_id: z.string(),
  /** Average-linkage cosine distance threshold used. */
  distance_threshold: z.number(),
  /** Identities, largest first. */
  identities: z.array(identitySchema),
  /** Tracks without an embedded face sample (too small), left out of clustering. */
  unclustered_track_ids: z.array(z.number().int().positive()),
});

/** One track moved into an identity by its clothing. */
export type TrackAttachment = z.infer<typeof trackAttachmentSchema>;

/** One identity. */
export type Identity = z.infer<typeof identitySchema>;

/** Contents of `identities.json`. */
export type IdentitiesFile = z.infer<typeof identitiesFileSchema>;

/**
 * @param path - `runPaths(...).identities`
 * @returns the identities, or null when cluster has not run
 * @throws AppError (`INTERNAL`) on a bad file or `schema_version`
 */
export function readIdentities(path: string): IdentitiesFile | null {
  return readJsonArtifact(path, identitiesFileSchema);
}

/**
 * Writes `identities.json` atomically.
 * @throws AppError (`INTERNAL`) when `file` does not match the schema
 */
export function writeIdentities(path: string, file: IdentitiesFile): void {
  writeJsonArtifact(path, identitiesFileSchema, file);
}
