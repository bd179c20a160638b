-- Attempts and failures per minute, instance and agency: the overview's last hour without reading the attempts.
-- Delivery attempts come from the attempts table (a skipped one made no call and is not counted); sync calls,
-- which are not stored as messages, from their audit entry (`request.sync`), written in the same transaction.
-- A failure is any outcome but success. Only the last day is kept: each new minute's row drops those older.
CREATE TABLE attempt_minutes (
  minute   INTEGER NOT NULL,
  instance TEXT    NOT NULL,
  agency   TEXT    NOT NULL,
  attempts INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  PRIMARY KEY (minute, instance, agency)
) WITHOUT ROWID;

INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
SELECT minute, instance, agency, COUNT(*), SUM(failed) FROM (
  SELECT a.finished_at / 60000 AS minute, m.instance, m.agency, a.outcome <> 'succeeded' AS failed
    FROM attempts a JOIN messages m ON m.id = a.message_id
   WHERE a.outcome <> 'skipped' AND a.finished_at >= (unixepoch() - 86400) * 1000
  UNION ALL
  SELECT at / 60000, instance, COALESCE(summary ->> '$.agency', ''), COALESCE(summary ->> '$.outcome', '') <> 'succeeded'
    FROM audit_log
   WHERE action = 'request.sync' AND instance IS NOT NULL AND at >= (unixepoch() - 86400) * 1000)
 GROUP BY minute, instance, agency;

CREATE TRIGGER attempt_minutes_attempt AFTER INSERT ON attempts
WHEN NEW.outcome <> 'skipped'
BEGIN
  INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
  SELECT NEW.finished_at / 60000, m.instance, m.agency, 1, NEW.outcome <> 'succeeded' FROM messages m WHERE m.id = NEW.message_id
  ON CONFLICT DO UPDATE SET attempts = attempts + 1, failures = failures + excluded.failures;
END;

CREATE TRIGGER attempt_minutes_sync_call AFTER INSERT ON audit_log
WHEN NEW.action = 'request.sync' AND NEW.instance IS NOT NULL
BEGIN
  INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
  VALUES (NEW.at / 60000, NEW.instance, COALESCE(NEW.summary ->> '$.agency', ''), 1, COALESCE(NEW.summary ->> '$.outcome', '') <> 'succeeded')
  ON CONFLICT DO UPDATE SET attempts = attempts + 1, failures = failures + excluded.failures;
END;

CREATE TRIGGER attempt_minutes_prune AFTER INSERT ON attempt_minutes
BEGIN
  DELETE FROM attempt_minutes WHERE minute < NEW.minute - 1440;
END;
