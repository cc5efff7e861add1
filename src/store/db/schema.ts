/**
 * @module The tables as the query builder sees them: one interface per table, columns as stored (ISO 8601 UTC text
 * times, 0/1 integers for booleans, JSON as text, `Buffer` for BLOB / BYTEA). Repositories in this folder turn rows
 * into the domain types; nothing above `src/store` sees these.
 */
import type { Generated } from 'kysely';

/** `shows`. */
export interface ShowsTable {
  show_id: string;
  name: string;
  created_at: string;
}

/** `episodes`. */
export interface EpisodesTable {
  ep_id: string;
  show_id: string;
  season: number;
  episode: number;
  title: string | null;
  video_path: string | null;
  created_at: string;
  updated_at: string;
}

/** `runs`. */
export interface RunsTable {
  run_id: string;
  ep_id: string;
  created_at: string;
  profile: string;
  status: string;
}

/** `jobs`: every job, of every kind (stage and review); `params` is the kind's JSON parameters object. */
export interface JobsTable {
  seq: Generated<number>;
  job_id: string;
  kind: string;
  name: string;
  ep_id: string;
  run_id: string;
  mode: string;
  state: string;
  params: string;
  requested_by: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  stalled_at: string | null;
  cancel_requested_at: string | null;
  host: string | null;
  runner_pid: number | null;
  child_pid: number | null;
  progress: string | null;
  result: string | null;
  error: string | null;
}

/** `cast_members`. */
export interface CastMembersTable {
  show_id: string;
  cast_id: string;
  name: string;
  aliases: Generated<string>;
  role: string;
  status: string;
  created_at: string;
  updated_at: string;
}

/** `reviews`. */
export interface ReviewsTable {
  review_id: Generated<number>;
  ep_id: string;
  run_id: string;
  clustering_id: string;
  version: Generated<number>;
  state: string;
  cast_refs: Generated<string>;
  carried_from: number | null;
  created_at: string;
  updated_at: string;
}

/** `review_edits`. */
export interface ReviewEditsTable {
  review_id: number;
  seq: number;
  kind: string;
  payload: string;
  reviewer: string;
  created_at: string;
  undone_at: string | null;
  undone_by: string | null;
}

/** `facebank_images`. */
export interface FacebankImagesTable {
  image_id: string;
  show_id: string;
  cast_id: string;
  source: string;
  file_name: string | null;
  ep_id: string | null;
  run_id: string | null;
  identity_id: string | null;
  track_id: number | null;
  frame_idx: number | null;
  bbox: string | null;
  score: number | null;
  dim: number;
  embedding: Buffer;
  thumb: Buffer;
  thumb_type: string;
  created_at: string;
  created_by: string;
}

/** `review_results`. */
export interface ReviewResultsTable {
  review_id: number;
  kind: string;
  version: number;
  computed_at: string;
  result: string;
}

/** `cast_centroids`. */
export interface CastCentroidsTable {
  show_id: string;
  cast_id: string;
  ep_id: string;
  review_id: number;
  version: number;
  faces: number;
  centroid: Buffer;
  updated_at: string;
}

/** `users`. */
export interface UsersTable {
  user_id: Generated<number>;
  name: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** `api_tokens` (only the token's SHA-256 is kept). */
export interface ApiTokensTable {
  token_id: string;
  user_id: number;
  token_sha256: string;
  label: Generated<string>;
  created_at: string;
  last_used_at: string | null;
}

/** `sessions` (browser sessions). */
export interface SessionsTable {
  sid: string;
  user_id: number | null;
  data: string;
  expires_at: string;
}

/** `audit_log`. */
export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  user_name: string;
  method: string;
  url: string;
  status: number;
}

/** `instance`: the data directory this database belongs to (one row). */
export interface InstanceTable {
  instance_id: string;
  data_dir: string;
  host: string;
  announced_at: string;
}

/** Every table, by name: the type parameter of the query builder. */
export interface Schema {
  shows: ShowsTable;
  episodes: EpisodesTable;
  runs: RunsTable;
  jobs: JobsTable;
  cast_members: CastMembersTable;
  reviews: ReviewsTable;
  review_edits: ReviewEditsTable;
  facebank_images: FacebankImagesTable;
  review_results: ReviewResultsTable;
  cast_centroids: CastCentroidsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  instance: InstanceTable;
}
