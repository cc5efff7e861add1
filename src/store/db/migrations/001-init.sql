-- 001-init: shows, episodes and runs.
-- Timestamps are ISO 8601 UTC text (Date.toISOString), so they sort as text.

CREATE TABLE shows (
  show_id    TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE episodes (
  ep_id      TEXT PRIMARY KEY,
  show_id    TEXT NOT NULL REFERENCES shows (show_id),
  season     INTEGER NOT NULL,
  episode    INTEGER NOT NULL,
  title      TEXT,
  video_path TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX episodes_by_show ON episodes (show_id, season, episode);

CREATE TABLE runs (
  run_id     TEXT PRIMARY KEY,
  ep_id      TEXT NOT NULL REFERENCES episodes (ep_id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  profile    TEXT NOT NULL,
  status     TEXT NOT NULL
) STRICT;

CREATE INDEX runs_by_episode ON runs (ep_id, created_at);
