-- Every attempt ever started, across replays and shutdown releases: unlike `attempts` (the budget, reset by a
-- replay, given back by a release), this never goes down. It tells a plugin whether the provider may have seen
-- the message already, e.g. to read a "duplicate" answer as delivered.
ALTER TABLE messages ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
