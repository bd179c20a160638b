-- The tamper-evident audit log: append-only, each entry chained to the previous one by an HMAC.
-- seq is assigned by the writer (not AUTOINCREMENT): a second writer appending at the same place collides.
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY,
  at         INTEGER NOT NULL,
  actor      TEXT    NOT NULL,
  action     TEXT    NOT NULL,
  message_id TEXT,
  instance   TEXT,
  summary    TEXT    NOT NULL,
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
);

CREATE INDEX audit_log_message ON audit_log (message_id, seq) WHERE message_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log (at);
