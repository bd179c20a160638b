-- Which key chains the audit log, from which entry on: the key's id (core/audit/key-id.ts), never the key itself.
-- The row with the highest from_seq is the key new entries are chained with; a gateway given another key refuses to
-- start. A rotation adds a row in the transaction of its audit.key.rotated entry, which (hashed under the old key)
-- names the new key's id: the chain, not this table, is what verification trusts for the change.
CREATE TABLE audit_keys (
  from_seq    INTEGER PRIMARY KEY,
  key_id      TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL
);
