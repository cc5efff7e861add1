-- 002-jobs: one row per job (a stage run started through the jobs layer, either execution mode).
-- Timestamps are ISO 8601 UTC text. At most one queued or running job per (episode, stage): the partial unique
-- index is the last line of defence behind the lock file.

CREATE TABLE jobs (
  job_id              TEXT PRIMARY KEY,
  ep_id               TEXT NOT NULL REFERENCES episodes (ep_id) ON DELETE CASCADE,
  run_id              TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  stage               TEXT NOT NULL,
  mode                TEXT NOT NULL CHECK (mode IN ('local', 'redis')),
  state               TEXT NOT NULL CHECK (state IN ('queued', 'running', 'success', 'error', 'cancelled')),
  profile             TEXT NOT NULL,
  device              TEXT NOT NULL,
  allow_cpu_fallback  INTEGER NOT NULL,
  resume              INTEGER NOT NULL DEFAULT 0,
  resumed_from        TEXT,
  created_at          TEXT NOT NULL,
  started_at          TEXT,
  finished_at         TEXT,
  heartbeat_at        TEXT,
  stalled_at          TEXT,
  cancel_requested_at TEXT,
  host                TEXT,
  runner_pid          INTEGER,
  child_pid           INTEGER,
  progress            TEXT,
  error               TEXT
) STRICT;

CREATE UNIQUE INDEX jobs_one_active ON jobs (ep_id, stage) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_by_stage ON jobs (ep_id, stage, created_at);
