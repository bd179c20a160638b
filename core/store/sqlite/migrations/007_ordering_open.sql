-- The open messages of each ordering key, in the order they may run: what a claim asks of every candidate.
CREATE INDEX messages_ordering_open ON messages (instance, ordering_key, ordering_rank, seq)
  WHERE ordering_key IS NOT NULL AND status <> 'succeeded';
