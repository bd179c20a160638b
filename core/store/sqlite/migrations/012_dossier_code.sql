-- The dossier a message or a plugin record is about, for the dossier timeline (GET /admin/v1/dossiers/{code}) and
-- for searching by dossier code. A message's is set at accept time by its capability's own rule (OperationSpec's
-- `dossierCode`); a record's is its data's `dossierCode` (a payment's). The rules as they stood when this column
-- came, applied to the rows already there: portal and SMS messages carry it as their reference; webhook events in
-- their payload's data (`dossierCode`, or for message.dead the dead message's `reference`). Payloads and record data
-- encrypted at rest cannot be read here: the store fills those when it opens with the data key, then drops the
-- row of dossier_code_backfill that asks it to.
ALTER TABLE messages ADD COLUMN dossier_code TEXT;
UPDATE messages SET dossier_code = reference WHERE capability IN ('portal', 'sms') AND reference <> '';
UPDATE messages
   SET dossier_code = COALESCE(payload ->> '$.event.data.dossierCode', payload ->> '$.event.data.reference')
 WHERE capability = 'webhook' AND json_valid(payload);
CREATE INDEX messages_dossier ON messages (dossier_code, created_at) WHERE dossier_code IS NOT NULL;

ALTER TABLE plugin_records ADD COLUMN dossier_code TEXT;
UPDATE plugin_records SET dossier_code = data ->> '$.dossierCode' WHERE json_valid(data);
CREATE INDEX plugin_records_dossier ON plugin_records (dossier_code) WHERE dossier_code IS NOT NULL;

CREATE TABLE dossier_code_backfill (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO dossier_code_backfill (id)
SELECT 1 WHERE EXISTS (SELECT 1 FROM messages WHERE capability = 'webhook' AND payload LIKE 'aes256gcm:%')
            OR EXISTS (SELECT 1 FROM plugin_records WHERE data LIKE 'aes256gcm:%');
