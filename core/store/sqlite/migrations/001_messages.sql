-- Messages: the outbox. The retry state lives in the row, never only in memory.
CREATE TABLE messages (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT    NOT NULL UNIQUE,
  capability      TEXT    NOT NULL,
  operation       TEXT    NOT NULL,
  agency          TEXT    NOT NULL,
  instance        TEXT    NOT NULL,
  plugin          TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  reference       TEXT,
  ordering_key    TEXT,
  status          TEXT    NOT NULL CHECK (status IN ('queued', 'processing', 'succeeded', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  max_attempts    INTEGER NOT NULL,
  next_attempt_at INTEGER,
  lease_owner     TEXT,
  lease_until     INTEGER,
  last_error      TEXT,
  result          TEXT,
  replays         INTEGER NOT NULL DEFAULT 0,
  cancelled_at    INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
);

-- What the workers look for: due messages of one instance, and leases left by a crashed worker. Partial, so
-- the history of succeeded and dead messages never slows a claim down.
CREATE INDEX messages_queued ON messages (instance, next_attempt_at) WHERE status = 'queued';
CREATE INDEX messages_leased ON messages (instance, lease_until) WHERE status = 'processing';
CREATE INDEX messages_lease_owner ON messages (lease_owner) WHERE lease_owner IS NOT NULL;
-- Whether an earlier message with the same ordering key still holds the key.
CREATE INDEX messages_ordering ON messages (instance, ordering_key, seq) WHERE ordering_key IS NOT NULL;
CREATE INDEX messages_status ON messages (status, seq);
CREATE INDEX messages_agency ON messages (agency, seq);

CREATE TABLE attempts (
  message_id    TEXT    NOT NULL REFERENCES messages (id),
  round         INTEGER NOT NULL,
  number        INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER NOT NULL,
  outcome       TEXT    NOT NULL,
  error         TEXT,
  provider_code TEXT,
  PRIMARY KEY (message_id, round, number)
);

-- Idempotency-Key: for async requests the message it created, for sync ones the answer given.
CREATE TABLE idempotency_keys (
  scope        TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash TEXT    NOT NULL,
  message_id   TEXT,
  status       INTEGER,
  body         TEXT,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE TABLE api_keys (
  id         TEXT    PRIMARY KEY,
  hash       TEXT    NOT NULL UNIQUE,
  role       TEXT    NOT NULL CHECK (role IN ('client', 'operator')),
  agencies   TEXT    NOT NULL,
  label      TEXT,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
