/**
 * How much a backup of a running gateway's SQLite store holds the gateway's writes back, by method: SQLite's online
 * backup API (what `lienthong backup` runs: stepped under one read transaction, core/store/sqlite/online-copy.ts)
 * against `VACUUM INTO`. A child process commits one message at a time, as the gateway does, throughout; this
 * program backs the store up with each method in turn and prints, for the writer, its commit latency while idle and
 * during each copy, and each copy's duration and size. `npx tsx bench/backup-hold.ts [messages]` (default 200000).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openConnection } from '../core/store/sqlite/connection.ts';
import { copyDatabase } from '../core/store/sqlite/online-copy.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';

const messages = Number(process.argv[2] ?? 200_000);
const dir = await mkdtemp(join(tmpdir(), 'lienthong-backup-bench-'));
const db = join(dir, 'store.db');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  await (await SqliteStore.open(db, { auditKey: Buffer.from('bench-audit-key-0123456789abcdefghijkl') })).close();
  const fill = await openConnection(db);
  await fill.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${messages})
    INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, dossier_code, status, attempts, max_attempts, last_error, created_at, updated_at, expires_at)
    SELECT 'msg_fill_' || i, 'sms', 'send', '000.00.0' || (i % 9) || '.H22', 'sms-hue', 'sms-viettel',
           json_object('to', '84981234567', 'text', 'Ho so ' || i || ' da co ket qua, moi ong ba den nhan tai bo phan mot cua'),
           'H22.99-' || i, 'H22.99-' || i, CASE WHEN i % 10 = 0 THEN 'dead' ELSE 'succeeded' END, 1, 8,
           CASE WHEN i % 10 = 0 THEN 'provider answered 503' END, 1764000000000 + i * 1000, 1764000000000 + i * 1000, 1764086400000 + i * 1000
      FROM n`);
  await fill.close();
  const size = (await stat(db)).size;
  process.stderr.write(`bench: ${messages} messages, ${(size / 2 ** 20).toFixed(1)} MiB\n`);

  const writer = fork(fileURLToPath(new URL('./backup-writer.ts', import.meta.url)), [db], { execArgv: ['--import', 'tsx'] });
  await once(writer, 'message');
  const windows: Array<{ name: string; from: number; to: number; copyMs?: number; bytes?: number }> = [];
  const phase = async (name: string, work: () => Promise<string | undefined>) => {
    const from = Date.now();
    const target = await work();
    const to = Date.now();
    windows.push({ name, from, to, copyMs: target ? to - from : undefined, bytes: target ? (await stat(target)).size : undefined });
    await sleep(1000);
  };
  await sleep(1000);
  await phase('idle (no copy)', async () => {
    await sleep(3000);
    return undefined;
  });
  await phase('online backup API, stepped in one read transaction', async () => {
    await copyDatabase(db, join(dir, 'api.db'));
    return join(dir, 'api.db');
  });
  await phase('VACUUM INTO', async () => {
    const reader = await openConnection(db);
    await reader.exec(`VACUUM INTO '${join(dir, 'vacuum.db')}'`);
    await reader.close();
    return join(dir, 'vacuum.db');
  });
  writer.send('stop');
  const [{ samples }] = (await once(writer, 'message')) as [{ samples: Array<[number, number]> }];

  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
  console.log('| while | copy (s) | copy (MiB) | commits/s | commit p50 (ms) | p99 (ms) | max (ms) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const window of windows) {
    const inside = samples.filter(([at]) => at >= window.from && at <= window.to).map(([, ms]) => ms).sort((a, b) => a - b);
    const seconds = (window.to - window.from) / 1000;
    console.log(
      `| ${window.name} | ${window.copyMs === undefined ? '–' : (window.copyMs / 1000).toFixed(2)} | ${window.bytes === undefined ? '–' : (window.bytes / 2 ** 20).toFixed(1)} | ` +
        `${(inside.length / seconds).toFixed(0)} | ${percentile(inside, 50).toFixed(2)} | ${percentile(inside, 99).toFixed(2)} | ${(inside.at(-1) ?? Number.NaN).toFixed(2)} |`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
