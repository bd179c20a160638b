-- How many times the API keys were written: what the key cache (core/store/sqlite/key-cache.ts) reads once per turn
-- of the event loop to know whether a key it keeps may have been revoked, by this process or any other. Counted by
-- triggers, in the transaction that writes the key, so that no revocation can be committed without it.
CREATE TABLE key_changes (
  only    INTEGER PRIMARY KEY CHECK (only = 1),
  version INTEGER NOT NULL
);
INSERT INTO key_changes (only, version) VALUES (1, 0);

CREATE TRIGGER key_changes_insert AFTER INSERT ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;
CREATE TRIGGER key_changes_update AFTER UPDATE ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;
CREATE TRIGGER key_changes_delete AFTER DELETE ON api_keys BEGIN UPDATE key_changes SET version = version + 1; END;
