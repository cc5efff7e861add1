-- 004-accounts: user accounts with roles, personal API tokens (only their SHA-256 is kept), browser sessions, and
-- the audit log of state-changing HTTP requests (who did what). Timestamps are ISO 8601 UTC text.

CREATE TABLE users (
  user_id       INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE api_tokens (
  token_id     TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  token_sha256 TEXT NOT NULL UNIQUE,
  label        TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  last_used_at TEXT
) STRICT;

CREATE TABLE sessions (
  sid        TEXT PRIMARY KEY,
  user_id    INTEGER REFERENCES users (user_id) ON DELETE CASCADE,
  data       TEXT NOT NULL,
  expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  user_name  TEXT NOT NULL,
  method     TEXT NOT NULL,
  url        TEXT NOT NULL,
  status     INTEGER NOT NULL
) STRICT;
