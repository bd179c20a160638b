-- The PostgreSQL store: the same tables as SQLite's migrations 001–016 arrived at, for several gateway processes
-- sharing one database. Times are epoch milliseconds (bigint). Identifiers compare byte by byte (COLLATE "C"), as in
-- SQLite, so a prefix search is a range of an index whatever the database's collation.

-- Messages: the outbox. The retry state lives in the row, never only in memory.
CREATE TABLE messages (
  seq               bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id                text    COLLATE "C" NOT NULL UNIQUE,
  capability        text    COLLATE "C" NOT NULL,
  operation         text    COLLATE "C" NOT NULL,
  agency            text    COLLATE "C" NOT NULL,
  instance          text    COLLATE "C" NOT NULL,
  plugin            text    NOT NULL,
  payload           text    NOT NULL,
  reference         text    COLLATE "C",
  dossier_code      text    COLLATE "C",
  ordering_key      text    COLLATE "C",
  ordering_rank     integer NOT NULL DEFAULT 0,
  status            text    NOT NULL CHECK (status IN ('queued', 'processing', 'succeeded', 'dead')),
  attempts          integer NOT NULL DEFAULT 0,
  total_attempts    integer NOT NULL DEFAULT 0,
  max_attempts      integer NOT NULL,
  next_attempt_at   bigint,
  lease_owner       text,
  lease_until       bigint,
  last_error        text,
  result            text,
  replays           integer NOT NULL DEFAULT 0,
  cancelled_at      bigint,
  payload_purged_at bigint,
  created_at        bigint  NOT NULL,
  updated_at        bigint  NOT NULL,
  expires_at        bigint  NOT NULL
);

-- What the workers look for: due messages of one instance, leases left by a stopped process, and whether an earlier
-- message of an ordering key still holds it. Partial, so the history never slows a claim down.
CREATE INDEX messages_queued ON messages (instance, next_attempt_at, seq) WHERE status = 'queued';
CREATE INDEX messages_leased ON messages (instance, lease_until) WHERE status = 'processing';
CREATE INDEX messages_ordering_open ON messages (instance, ordering_key, ordering_rank, seq)
  WHERE ordering_key IS NOT NULL AND status <> 'succeeded';
CREATE INDEX messages_succeeded_unpurged ON messages (updated_at) WHERE status = 'succeeded' AND payload_purged_at IS NULL;
-- The operators' message list, newest first, and its searches; the overview's oldest waiting message; replays.
CREATE INDEX messages_created ON messages (created_at, seq);
CREATE INDEX messages_status ON messages (status, created_at, seq);
CREATE INDEX messages_agency ON messages (agency, created_at, seq);
CREATE INDEX messages_instance ON messages (instance, created_at, seq);
CREATE INDEX messages_dossier ON messages (dossier_code, created_at) WHERE dossier_code IS NOT NULL;
CREATE INDEX messages_reference ON messages (reference) WHERE reference IS NOT NULL AND reference IS DISTINCT FROM dossier_code;
CREATE INDEX messages_error ON messages (created_at, seq) WHERE last_error IS NOT NULL;
CREATE INDEX messages_replayable ON messages (instance, created_at) WHERE status = 'dead' AND cancelled_at IS NULL;
CREATE INDEX messages_waiting ON messages (instance, created_at) WHERE status IN ('queued', 'processing');

CREATE TABLE attempts (
  message_id    text    COLLATE "C" NOT NULL REFERENCES messages (id),
  round         integer NOT NULL,
  number        integer NOT NULL,
  started_at    bigint  NOT NULL,
  finished_at   bigint  NOT NULL,
  outcome       text    NOT NULL,
  error         text,
  provider_code text,
  PRIMARY KEY (message_id, round, number)
);

-- Idempotency-Key: for async requests the message it created, for sync ones the answer given.
CREATE TABLE idempotency_keys (
  scope        text    COLLATE "C" NOT NULL,
  key          text    COLLATE "C" NOT NULL,
  request_hash text    NOT NULL,
  message_id   text,
  status       integer,
  body         text,
  created_at   bigint  NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE TABLE api_keys (
  id         text   COLLATE "C" PRIMARY KEY,
  hash       text   NOT NULL UNIQUE,
  role       text   NOT NULL CHECK (role IN ('client', 'operator')),
  agencies   text   NOT NULL,
  label      text,
  created_at bigint NOT NULL,
  revoked_at bigint
);

-- The tamper-evident audit log, one chain for every process. Its head is one row that a transaction appending to
-- the chain locks (FOR UPDATE) until it commits: appends from several processes queue there and never fork. The head
-- names the key new entries are chained with, so that a process that waited for the lock while another rotated the
-- key reads the new key with the new head, in the same row.
CREATE TABLE audit_log (
  seq        bigint PRIMARY KEY,
  at         bigint NOT NULL,
  actor      text   NOT NULL,
  action     text   NOT NULL,
  message_id text,
  instance   text   COLLATE "C",
  summary    text   NOT NULL,
  prev_hash  text   NOT NULL,
  hash       text   NOT NULL
);
CREATE INDEX audit_log_message ON audit_log (message_id, seq) WHERE message_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
  id     integer PRIMARY KEY CHECK (id = 1),
  seq    bigint  NOT NULL,
  hash   text    NOT NULL,
  key_id text
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Which key chains the audit log from which entry on (its id, never the key).
CREATE TABLE audit_keys (
  from_seq    bigint PRIMARY KEY,
  key_id      text   NOT NULL,
  recorded_at bigint NOT NULL
);

-- One row rewritten to learn whether the database takes writes again after a refused write.
CREATE TABLE store_probe (id integer PRIMARY KEY CHECK (id = 1), at bigint NOT NULL);

-- Durable records a plugin instance keeps (a payment); a change of state is a test-and-set.
CREATE TABLE plugin_records (
  instance     text   COLLATE "C" NOT NULL,
  key          text   COLLATE "C" NOT NULL,
  status       text   COLLATE "C" NOT NULL,
  data         text   NOT NULL,
  dossier_code text   COLLATE "C",
  created_at   bigint NOT NULL,
  updated_at   bigint NOT NULL,
  PRIMARY KEY (instance, key)
);
CREATE INDEX plugin_records_by_status ON plugin_records (instance, status, updated_at);
CREATE INDEX plugin_records_dossier ON plugin_records (dossier_code) WHERE dossier_code IS NOT NULL;

-- Plugin instances an operator paused: no process starts an attempt of them until resumed.
CREATE TABLE instance_pauses (
  instance  text   COLLATE "C" PRIMARY KEY,
  paused_at bigint NOT NULL,
  paused_by text   NOT NULL,
  reason    text
);
