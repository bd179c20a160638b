-- Retention: the payload of a succeeded message may be purged after a while (it holds personal data that is no
-- longer needed once delivered); the message row and its audit entries stay.
ALTER TABLE messages ADD COLUMN payload_purged_at INTEGER;
CREATE INDEX messages_succeeded_unpurged ON messages (updated_at) WHERE status = 'succeeded' AND payload_purged_at IS NULL;
