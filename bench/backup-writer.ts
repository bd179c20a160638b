/**
 * The gateway's side of bench/backup-hold.ts: one connection committing one message at a time, as an accept does
 * (WAL, synchronous FULL), until told to stop; then it sends every commit's end time and duration to its parent.
 */
import { openConnection } from '../core/store/sqlite/connection.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: backup-writer.ts <db>');
const db = await openConnection(file);
let stopping = false;
process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});
const samples: Array<[number, number]> = [];
process.send?.('ready');
for (let n = 0; !stopping; n++) {
  const started = performance.now();
  const at = Date.now();
  await db.run(
    `INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, status, max_attempts, next_attempt_at, created_at, updated_at, expires_at)
     VALUES (?, 'sms', 'send', '000.00.01.H22', 'sms-hue', 'sms-viettel', ?, 'queued', 8, ?, ?, ?, ?)`,
    [`msg_bench_${process.pid}_${n}`, JSON.stringify({ to: '84981234567', text: `Ho so ${n} da duoc tiep nhan` }), at, at, at, at + 86_400_000],
  );
  samples.push([performance.timeOrigin + performance.now(), performance.now() - started]);
}
await db.close();
process.send?.({ samples }, () => process.exit(0));
