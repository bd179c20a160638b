-- A key created, revoked or removed wakes every gateway process (LISTEN lienthong_keys), which then forgets the keys
-- it kept in memory and reads them again (core/store/postgres/key-cache.ts). Sent when the transaction commits.
CREATE FUNCTION api_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lienthong_keys', '');
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION api_keys_changed();
