/**
 * The store alone, without HTTP: how many accepts a second (each with its audit entry, group commit as in the
 * gateway) and how many deliveries (claim, then the attempt's outcome) SQLite and PostgreSQL take, the latter with
 * one store and with three sharing one database (three stores in this process stand for three gateway processes).
 *
 *   LIENTHONG_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/store-accept.ts
 *
 * A database `lienthong_bench_<pid>` is created on that server and dropped after. BENCH_MESSAGES (20000) and
 * BENCH_CONCURRENCY (200 accepts in flight) change the load.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { acceptedEntry } from '../core/audit/entries.ts';
import { PostgresStore } from '../core/store/postgres/postgres-store.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import type { NewMessage, Store } from '../core/store/types.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 200);
const KEY = Buffer.from('bench audit key, not for production, 0123456789', 'utf8');
const serverUrl = process.env.LIENTHONG_BENCH_DATABASE_URL ?? process.env.LIENTHONG_TEST_DATABASE_URL;

let n = 0;
function message(): NewMessage {
  n += 1;
  const createdAt = Date.now();
  return {
    id: `msg_bench_${process.pid}_${n}`, capability: 'sms', operation: 'send', agency: '000.00.01.H22', instance: 'sms-hue', plugin: 'sms-viettel',
    payload: { agency: '000.00.01.H22', to: '84981234567', text: `Ho so 000.00.01.H22-250101-${n} da co ket qua` }, reference: `HS-${n}`,
    maxAttempts: 8, createdAt, expiresAt: createdAt + 86_400_000,
  };
}

/** Accepts MESSAGES messages spread over `stores`, CONCURRENCY in flight; answers accepts a second. */
async function acceptRate(stores: Store[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, lane) => {
      const store = stores[lane % stores.length] as Store;
      while (next < MESSAGES) {
        next += 1;
        const m = message();
        await store.accept(m, { audit: acceptedEntry(m, 'key:bench') });
      }
    }),
  );
  return MESSAGES / ((performance.now() - started) / 1000);
}

/** Each store claims batches of 50 and records every attempt as succeeded until none is left; deliveries a second. */
async function deliveryRate(stores: Store[]): Promise<number> {
  let delivered = 0;
  const started = performance.now();
  await Promise.all(
    stores.map(async (store, p) => {
      for (;;) {
        const now = Date.now();
        const claimed = await store.claimDue({ instance: 'sms-hue', limit: 50, now, leaseOwner: `bench-${p}`, leaseUntil: now + 60_000 });
        if (claimed.length === 0) return;
        await Promise.all(claimed.map((m) => store.completeAttempt({ messageId: m.id, leaseOwner: `bench-${p}`, outcome: 'succeeded', now, attempt: { number: m.attempts, startedAt: now } })));
        delivered += claimed.length;
      }
    }),
  );
  return delivered / ((performance.now() - started) / 1000);
}

async function measure(label: string, open: () => Promise<Store[]>): Promise<void> {
  const stores = await open();
  try {
    const accepts = await acceptRate(stores);
    const deliveries = await deliveryRate(stores);
    console.log(`${label.padEnd(34)} ${accepts.toFixed(0).padStart(7)} accepts/s ${deliveries.toFixed(0).padStart(7)} deliveries/s`);
  } finally {
    for (const store of stores) await store.close();
  }
}

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

console.log(`${MESSAGES} messages, ${CONCURRENCY} accepts in flight`);
const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-store-'));
try {
  await measure('SQLite, one store', async () => [await SqliteStore.open(join(dir, 'bench.db'), { auditKey: KEY })]);
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (!serverUrl) {
  console.log('PostgreSQL: set LIENTHONG_BENCH_DATABASE_URL=postgres://… to measure it');
} else {
  for (const stores of [1, 3]) {
    const name = `lienthong_bench_${process.pid}_${stores}`;
    await onServer(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      await measure(`PostgreSQL, ${stores} store${stores > 1 ? 's' : ''}`, async () => {
        const first = await PostgresStore.open({ url: url.toString(), auditKey: KEY });
        const others = await Promise.all(Array.from({ length: stores - 1 }, () => PostgresStore.open({ url: url.toString(), auditKey: KEY })));
        return [first, ...others];
      });
    } finally {
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
}
