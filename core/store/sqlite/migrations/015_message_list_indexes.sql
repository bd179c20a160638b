-- The operators' message list at millions of rows: newest first by (created_at, seq), each filter the console
-- offers served by an index that yields rows in that order, so a page reads about as many rows as it shows. The
-- store picks the index from message_counts (see core/store/sqlite/message-query.ts). A time range is a range of
-- each of these indexes.
DROP INDEX messages_status;
DROP INDEX messages_agency;
CREATE INDEX messages_status ON messages (status, created_at);
CREATE INDEX messages_agency ON messages (agency, created_at);
CREATE INDEX messages_instance ON messages (instance, created_at);
CREATE INDEX messages_created ON messages (created_at);
-- Searching error text looks only at messages that have one (a success clears it): all a failed message's search
-- needs is in the index, so a LIKE reads no table row it does not keep.
CREATE INDEX messages_error ON messages (created_at, seq, last_error) WHERE last_error IS NOT NULL;
-- Searching by reference, where it is not the dossier code (messages_dossier finds those): empty while every
-- capability's dossier code is its reference or absent.
CREATE INDEX messages_reference ON messages (reference) WHERE reference IS NOT NULL AND reference IS NOT dossier_code;
-- What a replay by filter may queue again (dead, not cancelled), for its dry run and the replay itself.
CREATE INDEX messages_replayable ON messages (instance, created_at, agency) WHERE status = 'dead' AND cancelled_at IS NULL;
-- The oldest message each instance still has to deliver, for the overview: only waiting messages are in it.
CREATE INDEX messages_waiting ON messages (instance, created_at, agency) WHERE status IN ('queued', 'processing');
