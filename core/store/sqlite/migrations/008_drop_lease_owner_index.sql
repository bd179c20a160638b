-- Every claim added an entry to this index and every outcome took it out again, for one query run at shutdown
-- (releasing a worker's leases), which finds the few processing messages through messages_status just as well.
DROP INDEX messages_lease_owner;
