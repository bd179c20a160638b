-- How many messages are in each status, per instance, capability and agency, cancelled ones apart: what the
-- overview shows, what a replay's dry run counts, and what the message list reads to choose its index, without
-- counting the messages themselves. Kept by triggers, so every write that changes a status (accept, claim, attempt
-- outcome, lease release, replay, cancel, an event queued) changes the count in its own transaction, whatever code
-- path makes it.
CREATE TABLE message_counts (
  instance   TEXT    NOT NULL,
  capability TEXT    NOT NULL,
  agency     TEXT    NOT NULL,
  status     TEXT    NOT NULL,
  cancelled  INTEGER NOT NULL,
  count      INTEGER NOT NULL,
  PRIMARY KEY (instance, capability, agency, status, cancelled)
) WITHOUT ROWID;

INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
SELECT instance, capability, agency, status, cancelled_at IS NOT NULL, COUNT(*) FROM messages GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER message_counts_insert AFTER INSERT ON messages
BEGIN
  INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
  VALUES (NEW.instance, NEW.capability, NEW.agency, NEW.status, NEW.cancelled_at IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER message_counts_update AFTER UPDATE OF status, cancelled_at, instance, capability, agency ON messages
WHEN OLD.status IS NOT NEW.status OR (OLD.cancelled_at IS NULL) IS NOT (NEW.cancelled_at IS NULL)
  OR OLD.instance IS NOT NEW.instance OR OLD.capability IS NOT NEW.capability OR OLD.agency IS NOT NEW.agency
BEGIN
  UPDATE message_counts SET count = count - 1
   WHERE instance = OLD.instance AND capability = OLD.capability AND agency = OLD.agency AND status = OLD.status
     AND cancelled = (OLD.cancelled_at IS NOT NULL);
  INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
  VALUES (NEW.instance, NEW.capability, NEW.agency, NEW.status, NEW.cancelled_at IS NOT NULL, 1)
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER message_counts_delete AFTER DELETE ON messages
BEGIN
  UPDATE message_counts SET count = count - 1
   WHERE instance = OLD.instance AND capability = OLD.capability AND agency = OLD.agency AND status = OLD.status
     AND cancelled = (OLD.cancelled_at IS NOT NULL);
END;
