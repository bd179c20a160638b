-- One row the gateway rewrites to learn whether the store can write again after a refused write (disk full, a
-- write lock held by a stalled process): a read or an empty commit needs no disk space and proves nothing.
CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
