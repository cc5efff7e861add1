-- 003-review: cast members, reviews (one per episode, run and clustering) with their edit log, facebank images,
-- cached similarity results, and review operations (the long ones, run in local or redis mode).
-- Timestamps are ISO 8601 UTC text. JSON columns hold arrays or objects as text.

CREATE TABLE cast_members (
  show_id    TEXT NOT NULL REFERENCES shows (show_id) ON DELETE CASCADE,
  cast_id    TEXT NOT NULL,
  name       TEXT NOT NULL,
  aliases    TEXT NOT NULL DEFAULT '[]',
  role       TEXT NOT NULL CHECK (role IN ('main', 'friend', 'guest', 'other')),
  status     TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (show_id, cast_id)
) STRICT;

-- One review per clustering of a run (clustering_id = marker_id of the run's successful cluster marker): the
-- reviewer's edits layered on top of that identities.json. `state` is the folded edits (a cache: the edits are the
-- truth), `cast_refs` the cast ids it points at, `version` the number of edits (undo included).
CREATE TABLE reviews (
  review_id     INTEGER PRIMARY KEY,
  ep_id         TEXT NOT NULL REFERENCES episodes (ep_id) ON DELETE CASCADE,
  run_id        TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  clustering_id TEXT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 0,
  state         TEXT NOT NULL,
  cast_refs     TEXT NOT NULL DEFAULT '[]',
  carried_from  INTEGER REFERENCES reviews (review_id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  UNIQUE (run_id, clustering_id)
) STRICT;

CREATE INDEX reviews_by_episode ON reviews (ep_id, review_id);

CREATE TABLE review_edits (
  review_id  INTEGER NOT NULL REFERENCES reviews (review_id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  reviewer   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  undone_at  TEXT,
  undone_by  TEXT,
  PRIMARY KEY (review_id, seq)
) STRICT;

CREATE TABLE facebank_images (
  image_id    TEXT PRIMARY KEY,
  show_id     TEXT NOT NULL,
  cast_id     TEXT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('upload', 'identity')),
  file_name   TEXT,
  ep_id       TEXT,
  run_id      TEXT,
  identity_id TEXT,
  track_id    INTEGER,
  frame_idx   INTEGER,
  bbox        TEXT,
  score       REAL,
  dim         INTEGER NOT NULL,
  embedding   BLOB NOT NULL,
  thumb       BLOB NOT NULL,
  thumb_type  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  FOREIGN KEY (show_id, cast_id) REFERENCES cast_members (show_id, cast_id) ON DELETE CASCADE
) STRICT;

CREATE INDEX facebank_by_cast ON facebank_images (show_id, cast_id, created_at);

-- Results of the long operations, keyed by review: the last similarity refresh and the last auto-group proposal.
CREATE TABLE review_results (
  review_id   INTEGER NOT NULL REFERENCES reviews (review_id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('similarity', 'groups')),
  version     INTEGER NOT NULL,
  computed_at TEXT NOT NULL,
  result      TEXT NOT NULL,
  PRIMARY KEY (review_id, kind)
) STRICT;

-- Per show, cast member and episode: the face-weighted centroid of the identities assigned to the cast member in the
-- episode's review at `version` (recomputed when the review moved on).
CREATE TABLE cast_centroids (
  show_id    TEXT NOT NULL,
  cast_id    TEXT NOT NULL,
  ep_id      TEXT NOT NULL REFERENCES episodes (ep_id) ON DELETE CASCADE,
  review_id  INTEGER NOT NULL REFERENCES reviews (review_id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  faces      INTEGER NOT NULL,
  centroid   BLOB NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (show_id, cast_id, ep_id)
) STRICT;

-- Long review operations (refresh similarity, auto-group, batch assign) in either execution mode. At most one
-- queued or running operation of a kind per episode.
CREATE TABLE review_jobs (
  job_id              TEXT PRIMARY KEY,
  ep_id               TEXT NOT NULL REFERENCES episodes (ep_id) ON DELETE CASCADE,
  run_id              TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  operation           TEXT NOT NULL,
  mode                TEXT NOT NULL CHECK (mode IN ('local', 'redis')),
  state               TEXT NOT NULL CHECK (state IN ('queued', 'running', 'success', 'error', 'cancelled')),
  params              TEXT NOT NULL,
  reviewer            TEXT NOT NULL,
  created_at          TEXT NOT NULL,
  started_at          TEXT,
  finished_at         TEXT,
  heartbeat_at        TEXT,
  cancel_requested_at TEXT,
  host                TEXT,
  runner_pid          INTEGER,
  progress            TEXT,
  result              TEXT,
  error               TEXT
) STRICT;

CREATE UNIQUE INDEX review_jobs_one_active ON review_jobs (ep_id, operation)
  WHERE state IN ('queued', 'running');
