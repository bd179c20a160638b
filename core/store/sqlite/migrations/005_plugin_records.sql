-- Durable records a plugin instance keeps, e.g. a payment and its state. A change of state is a test-and-set
-- (UPDATE … WHERE status IN …), which is what makes a provider's repeated notice count once.
CREATE TABLE plugin_records (
  instance TEXT NOT NULL,
  key TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (instance, key)
) WITHOUT ROWID;
CREATE INDEX plugin_records_by_status ON plugin_records (instance, status, updated_at);
