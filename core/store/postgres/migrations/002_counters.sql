-- The overview's counters, kept by statement triggers as on SQLite, but as rows of changes that are only ever
-- inserted: several processes updating one count row would queue behind each other's transactions (and could
-- deadlock). Readers add the rows up; the store folds them together now and then (counters.ts).

-- Messages per status, instance, capability and agency, cancelled ones apart.
CREATE TABLE message_counts (
  instance   text    COLLATE "C" NOT NULL,
  capability text    COLLATE "C" NOT NULL,
  agency     text    COLLATE "C" NOT NULL,
  status     text    COLLATE "C" NOT NULL,
  cancelled  boolean NOT NULL,
  count      bigint  NOT NULL
);

CREATE FUNCTION message_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
  SELECT instance, capability, agency, status, cancelled_at IS NOT NULL, count(*) FROM new_rows GROUP BY 1, 2, 3, 4, 5;
  RETURN NULL;
END $$;

CREATE FUNCTION message_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
  SELECT instance, capability, agency, status, cancelled, sum(change) FROM (
    SELECT instance, capability, agency, status, cancelled_at IS NOT NULL AS cancelled, -1 AS change FROM old_rows
    UNION ALL
    SELECT instance, capability, agency, status, cancelled_at IS NOT NULL, 1 FROM new_rows) changes
  GROUP BY 1, 2, 3, 4, 5 HAVING sum(change) <> 0;
  RETURN NULL;
END $$;

CREATE FUNCTION message_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
  SELECT instance, capability, agency, status, cancelled_at IS NOT NULL, -count(*) FROM old_rows GROUP BY 1, 2, 3, 4, 5;
  RETURN NULL;
END $$;

CREATE TRIGGER message_counts_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION message_counts_inserted();
CREATE TRIGGER message_counts_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION message_counts_updated();
CREATE TRIGGER message_counts_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION message_counts_deleted();

-- Attempts and failures per minute, instance and agency: delivery attempts (a skipped one made no call) and sync
-- calls, which are stored only as their audit entry (`request.sync`). A failure is any outcome but success.
CREATE TABLE attempt_minutes (
  minute   bigint NOT NULL,
  instance text   COLLATE "C" NOT NULL,
  agency   text   COLLATE "C" NOT NULL,
  attempts bigint NOT NULL,
  failures bigint NOT NULL
);
CREATE INDEX attempt_minutes_minute ON attempt_minutes (minute);

CREATE FUNCTION attempt_minutes_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
  SELECT a.finished_at / 60000, m.instance, m.agency, count(*), count(*) FILTER (WHERE a.outcome <> 'succeeded')
    FROM new_rows a JOIN messages m ON m.id = a.message_id
   WHERE a.outcome <> 'skipped'
   GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE FUNCTION attempt_minutes_sync_calls() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
  SELECT at / 60000, instance, COALESCE(summary::jsonb ->> 'agency', ''), count(*),
         count(*) FILTER (WHERE COALESCE(summary::jsonb ->> 'outcome', '') <> 'succeeded')
    FROM new_rows
   WHERE action = 'request.sync' AND instance IS NOT NULL
   GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

CREATE TRIGGER attempt_minutes_attempt AFTER INSERT ON attempts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION attempt_minutes_attempts();
CREATE TRIGGER attempt_minutes_sync_call AFTER INSERT ON audit_log REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION attempt_minutes_sync_calls();
