-- One word for every attempt a message ever had, across replays: `attempts` counts those of the current round.
ALTER TABLE messages RENAME COLUMN tries TO total_attempts;
