-- Plugin instances an operator paused (a provider announced maintenance): while a row is here no attempt of the
-- instance starts, in any gateway process, and its messages wait. Resuming deletes the row; the audit log keeps
-- the history (instance.paused, instance.resumed).
CREATE TABLE instance_pauses (
  instance  TEXT    PRIMARY KEY,
  paused_at INTEGER NOT NULL,
  paused_by TEXT    NOT NULL,
  reason    TEXT
);
