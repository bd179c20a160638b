-- New messages wake every gateway process at once (LISTEN lienthong_work), not only at its next poll. The payload
-- is the JSON array of the instances that have new messages; PostgreSQL sends it when the transaction commits, and
-- only once for the same payload within one transaction.
CREATE FUNCTION messages_new_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lienthong_work', (SELECT json_agg(DISTINCT instance)::text FROM new_rows));
  RETURN NULL;
END $$;

CREATE TRIGGER messages_new_work AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION messages_new_work();
