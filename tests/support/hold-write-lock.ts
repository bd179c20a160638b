/**
 * A process that takes a SQLite store's write lock and keeps it, as a stalled writer would (a CLI verb stopped with
 * SIGSTOP, a frozen VM): `node --import tsx tests/support/hold-write-lock.ts <db>` begins an IMMEDIATE transaction,
 * prints `holding` once it has the lock, and waits until it is killed (the kernel then drops the lock).
 */
import sqlite3 from 'sqlite3';

const file = process.argv[2];
if (!file) throw new Error('usage: hold-write-lock.ts <db>');
const db = new sqlite3.Database(file, sqlite3.OPEN_READWRITE);
db.exec('PRAGMA busy_timeout = 10000; BEGIN IMMEDIATE', (error) => {
  if (error) {
    process.stderr.write(`could not take the write lock: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write('holding\n');
});
setInterval(() => undefined, 60_000);
