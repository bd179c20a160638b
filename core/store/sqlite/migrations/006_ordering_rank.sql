-- Within one ordering key a lower rank goes first, whenever it came in: a dossier's add before its progress.
ALTER TABLE messages ADD COLUMN ordering_rank INTEGER NOT NULL DEFAULT 0;
