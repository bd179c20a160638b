/**
 * What only the PostgreSQL store does: processes starting together on an empty database, a server that goes away
 * and comes back, connections the server ends, and the counters folded. Needs LIENTHONG_TEST_DATABASE_URL.
 */
import { once } from 'node:events';
import pg from 'pg';
import { AuditKeyChanged } from '../../audit/key-binding.ts';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { POSTGRES_SKIP, createTestDatabase, onServer } from '../contract/postgres-kind.test-helper.ts';
import type { NewMessage } from '../types.ts';
import { StoreUnavailableError } from '../unavailable.ts';
import { PostgresStore } from './postgres-store.ts';

const serverUrl = process.env.LIENTHONG_TEST_DATABASE_URL;
const T0 = Date.UTC(2026, 10, 21, 2, 30);
let n = 0;
const message = (): NewMessage => {
  n += 1;
  return {
    id: `msg_pg_${n}`, capability: 'sms', operation: 'send', agency: '000.00.01.H22', instance: 'sms-hue', plugin: 'sms-viettel',
    payload: { agency: '000.00.01.H22', to: '84981234567', text: `message ${n}` }, maxAttempts: 3, createdAt: T0 + n, expiresAt: T0 + 86_400_000,
  };
};

/** How many rows `sql` answers. */
async function rowsOf(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Waits until `done` holds, asking every 50 ms, at most 100 times. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('still not so after 100 tries');
}

/** A TCP relay to the server that the test can cut and restore, as a network or a restart would. */
class Relay {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Forwards nothing more, closing nothing: a network that drops packets, a server host that froze. */
  freeze(): void {
    for (const socket of this.#sockets) socket.pause();
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    const closed = server ? new Promise((done) => server.close(done)) : undefined;
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

// Skipped without a PostgreSQL server (LIENTHONG_TEST_DATABASE_URL unset): .ci/run sets it, so CI always runs it.
describe.skipIf(!serverUrl)('the PostgreSQL store', () => {
  let database: { url: string; drop(): Promise<void> };
  let schemas = 0;
  const freshSchema = async () => {
    const schema = `store_${++schemas}`;
    await onServer(database.url, `CREATE SCHEMA ${schema}`);
    return schema;
  };
  beforeAll(async () => {
    database = await createTestDatabase(serverUrl as string);
  });
  afterAll(() => database?.drop());

  it('lets processes that start together on an empty database migrate it once', async () => {
    const schema = await freshSchema();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY })));
    try {
      await Promise.all(stores.map((store) => store.accept(message())));
      for (const store of stores) await store.checkReady();
      expect((await stores[0]!.listMessages({}, { limit: 10 })).messages).toHaveLength(3);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses writes with a 503 while the server cannot be reached, and writes again by itself once it can', async () => {
    const url = new URL(database.url);
    const relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.up();
    url.host = `127.0.0.1:${relay.port}`;
    const store = await PostgresStore.open({ url: url.toString(), schema: await freshSchema(), auditKey: TEST_AUDIT_KEY, probeIntervalMs: 50 });
    try {
      const before = message();
      expect(await store.accept(before)).toMatchObject({ outcome: 'accepted' });

      await relay.down();
      const refused = await store.accept(message()).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(refused).toMatchObject({ reason: 'unreachable', retryAfterSeconds: 5 });
      expect((refused as StoreUnavailableError).publicDetail).not.toContain('127.0.0.1');
      await expect(store.checkReady()).rejects.toBeInstanceOf(StoreUnavailableError);

      const back = new Promise<void>((resolve) => store.onAvailabilityChange((outage) => outage === undefined && resolve()));
      await relay.up();
      await back;
      await store.checkReady();
      const after = message();
      expect(await store.accept(after)).toMatchObject({ outcome: 'accepted' });
      expect((await store.listMessages({}, { limit: 10 })).messages.map((m) => m.id)).toEqual([after.id, before.id]);
    } finally {
      await store.close();
      await relay.down();
    }
  });

  it('answers 503 when the server stops answering, rather than wait for ever', async () => {
    const url = new URL(database.url);
    const relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.up();
    url.host = `127.0.0.1:${relay.port}`;
    const store = await PostgresStore.open({ url: url.toString(), schema: await freshSchema(), auditKey: TEST_AUDIT_KEY, statementTimeoutMs: 300, probeIntervalMs: 50 });
    try {
      await store.accept(message());
      const back = new Promise<void>((resolve) => store.onAvailabilityChange((outage) => outage === undefined && resolve()));
      relay.freeze();
      const refused = await store.accept(message()).catch((error: unknown) => error);
      expect(refused).toMatchObject({ name: 'StoreUnavailableError', reason: 'unreachable' });
      // The frozen connections are dropped; new ones work once the network does.
      await relay.down();
      await relay.up();
      await back;
      expect(await store.accept(message())).toMatchObject({ outcome: 'accepted' });
    } finally {
      await store.close();
      await relay.down();
    }
  });

  it('reconnects after the server ended its connections, losing nothing it acknowledged', async () => {
    const store = await PostgresStore.open({ url: database.url, schema: await freshSchema(), auditKey: TEST_AUDIT_KEY, probeIntervalMs: 50 });
    try {
      const acknowledged: string[] = [];
      const accept = async () => {
        const m = message();
        try {
          await store.accept(m);
          acknowledged.push(m.id);
        } catch (error) {
          // Only ever a 503 while the connection is being replaced.
          expect(error).toBeInstanceOf(StoreUnavailableError);
        }
      };
      await Promise.all(Array.from({ length: 20 }, accept));
      await onServer(serverUrl as string, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${new URL(database.url).pathname.slice(1)}' AND application_name = 'lienthong'`);
      await Promise.all(Array.from({ length: 20 }, accept));
      // Whatever the first writes after it met, the store writes again.
      for (let tries = 0; tries < 50 && store.unavailable(); tries++) await new Promise((done) => setTimeout(done, 20));
      await accept();
      const stored = (await store.listMessages({}, { limit: 100 })).messages.map((m) => m.id);
      expect(stored).toEqual(expect.arrayContaining(acknowledged));
      expect(acknowledged.length).toBeGreaterThan(20);
    } finally {
      await store.close();
    }
  });

  it('runs a plugin task in one process at a time: the others skip their turn while it runs', async () => {
    const schema = await freshSchema();
    const [one, two] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY })));
    try {
      let finish = () => {};
      const running = new Promise<void>((resolve) => {
        finish = resolve;
      });
      let started = () => {};
      const hasStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const first = one!.runAlone('task reconcile of pay-hue', async () => {
        started();
        await running;
      });
      await hasStarted;
      let ranBeside = false;
      expect(await two!.runAlone('task reconcile of pay-hue', async () => {
        ranBeside = true;
      })).toBe(false);
      expect(ranBeside).toBe(false);
      // Another task, or the same task of another instance, is not held up.
      expect(await two!.runAlone('task reconcile of pay-other', async () => undefined)).toBe(true);
      finish();
      expect(await first).toBe(true);
      expect(await two!.runAlone('task reconcile of pay-hue', async () => undefined)).toBe(true);
      // A run that fails gives the lock back all the same.
      await expect(one!.runAlone('task reconcile of pay-hue', async () => Promise.reject(new Error('provider down')))).rejects.toThrow('provider down');
      expect(await two!.runAlone('task reconcile of pay-hue', async () => undefined)).toBe(true);
    } finally {
      await Promise.all([one?.close(), two?.close()]);
    }
  });

  it('wakes the other processes when one stores new messages (LISTEN/NOTIFY), with their instances, not itself', async () => {
    const schema = await freshSchema();
    const [writer, listener] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY })));
    try {
      // The writer's worker was told by the writer itself: its own notification would only wake it again.
      const wokenWriter: string[][] = [];
      writer!.onNewWork((instances) => wokenWriter.push(instances));
      const woken: string[][] = [];
      let heard = () => {};
      const first = new Promise<void>((resolve) => {
        heard = resolve;
      });
      listener!.onNewWork((instances) => {
        woken.push(instances);
        heard();
      });
      // The listener connects in the background: store until it hears one (a bounded number of tries).
      for (let i = 0; i < 50 && woken.length === 0; i++) {
        await writer!.accept({ ...message(), instance: 'sms-quangtri' });
        await Promise.race([first, new Promise((done) => setTimeout(done, 100))]);
      }
      expect(woken[0]).toEqual(['sms-quangtri']);
      // Both connections hear a notification at about the same time: the writer's would have come by now.
      await new Promise((done) => setTimeout(done, 300));
      expect(wokenWriter).toEqual([]);
    } finally {
      await Promise.all([writer?.close(), listener?.close()]);
    }
  });

  it('keeps the keys it read while it hears key changes: another process\'s revocation is heard, its own is at once', async () => {
    const schema = await freshSchema();
    // Kept for an hour: only the notification can tell the gateway that another process revoked a key.
    const [gateway, cli] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY, keysKeptMs: 3_600_000 })));
    const key = (id: string, hash: string) => ({ id, hash, role: 'client' as const, agencies: ['000.00.01.H22'], label: 'one-stop', createdAt: T0, revokedAt: null });
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    try {
      await cli!.createKey(key('key_a', a), 'cli');
      await cli!.createKey(key('key_b', b), 'cli');
      // The first look-up starts listening, in the background: until it listens, nothing is kept.
      expect(await gateway!.findKeyByHash(a)).toMatchObject({ id: 'key_a', revokedAt: null });
      await until(async () => (await rowsOf(database.url, "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN lienthong_work%'")) > 0);
      await new Promise((done) => setTimeout(done, 100));
      expect(await gateway!.findKeyByHash(a)).toMatchObject({ label: 'one-stop' });
      // A change no trigger announces (replication role) is not seen: the key is kept.
      await onServer(database.url, `SET session_replication_role = replica; UPDATE ${schema}.api_keys SET label = 'silent' WHERE id = 'key_a'`);
      expect(await gateway!.findKeyByHash(a)).toMatchObject({ label: 'one-stop' });

      expect(await cli!.revokeKey('key_a', T0 + 5, 'cli')).toBe(true);
      await until(async () => (await gateway!.findKeyByHash(a))?.revokedAt === T0 + 5);
      expect(await gateway!.findKeyByHash(a)).toMatchObject({ label: 'silent', revokedAt: T0 + 5 });

      expect(await gateway!.findKeyByHash(b)).toMatchObject({ revokedAt: null });
      expect(await gateway!.revokeKey('key_b', T0 + 6, 'cli')).toBe(true);
      expect(await gateway!.findKeyByHash(b)).toMatchObject({ revokedAt: T0 + 6 });
    } finally {
      await Promise.all([gateway?.close(), cli?.close()]);
    }
  });

  it('refreshes the planner\'s statistics of the messages before resuming a backlog of 10,000 or more', async () => {
    const schema = await freshSchema();
    const store = await PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY });
    const analyzed = async () => (await rowsOf(database.url, `SELECT 1 FROM pg_stat_user_tables WHERE schemaname = '${schema}' AND relname = 'messages' AND last_analyze IS NOT NULL`)) > 0;
    // The counts as a backlog would leave them, without writing 10,000 messages.
    const queued = (count: number) =>
      onServer(database.url, `INSERT INTO ${schema}.message_counts (instance, capability, agency, status, cancelled, count) VALUES ('sms-hue', 'sms', '000.00.01.H22', 'queued', false, ${count})`);
    try {
      await queued(9_999);
      await store.pauseInstance('sms-hue', { actor: 'cli', at: T0 });
      await store.resumeInstance('sms-hue', { actor: 'cli', at: T0 + 1 });
      expect(await analyzed()).toBe(false);

      await queued(1);
      await store.pauseInstance('sms-hue', { actor: 'cli', at: T0 + 2 });
      expect(await store.resumeInstance('sms-hue', { actor: 'cli', at: T0 + 3 })).toBeDefined();
      // The statistics collector reports the ANALYZE within a moment.
      await until(analyzed);
    } finally {
      await store.close();
    }
  });

  it('goes on reading when a newer process adds a column under it (a rolling upgrade)', async () => {
    const schema = await freshSchema();
    const store = await PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY, poolSize: 2 });
    try {
      const m = message();
      await store.accept(m);
      for (let i = 0; i < 3; i++) expect(await store.getMessage(m.id)).toMatchObject({ id: m.id });
      await onServer(database.url, `ALTER TABLE ${schema}.messages ADD COLUMN added_later text`);
      for (let i = 0; i < 3; i++) expect(await store.getMessage(m.id)).toMatchObject({ id: m.id });
    } finally {
      await store.close();
    }
  });

  it('refuses a database a newer lienthong migrated, and a verb does not migrate under running gateways', async () => {
    const schema = await freshSchema();
    const gateway = await PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY, gateway: true });
    try {
      // An older schema under a running gateway: a verb of this version would have to apply migration 3.
      await onServer(database.url, `DELETE FROM ${schema}.schema_migrations WHERE version = 3`);
      await expect(PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY, gateway: false })).rejects.toThrow(
        /needs migration 3 of this lienthong, but gateway processes of an older version are connected to it: stop them/,
      );
      await onServer(database.url, `INSERT INTO ${schema}.schema_migrations VALUES (3, 'new_work', 0), (999, 'from_the_future', 0)`);
      await expect(gateway.checkReady()).rejects.toThrow(/has schema version 999 \(migration 999_from_the_future\), newer than this lienthong's/);
      await expect(PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY })).rejects.toThrow(/newer than this lienthong's/);
    } finally {
      await gateway.close();
    }
  });

  it('stops a process that waited for the chain while another rotated the key', async () => {
    const schema = await freshSchema();
    const store = await PostgresStore.open({ url: database.url, schema, auditKey: TEST_AUDIT_KEY });
    const other = new pg.Client({ connectionString: database.url, options: `-c search_path=${schema}` });
    await other.connect();
    try {
      await store.appendAudit([{ at: T0, actor: 'cli', action: 'config.loaded', summary: {} }]);
      // Another process holds the head while it rotates the key…
      await other.query('BEGIN');
      await other.query('SELECT * FROM audit_head FOR UPDATE');
      const waiting = store.appendAudit([{ at: T0 + 1, actor: 'cli', action: 'config.loaded', summary: {} }]).catch((error: unknown) => error);
      for (let i = 0; i < 200; i++) {
        const { rows } = await other.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lienthong' AND wait_event_type = 'Lock'");
        if (rows.length > 0) break;
        await new Promise((done) => setTimeout(done, 10));
      }
      await other.query("INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (3, 'key-after-rotation', 0)");
      await other.query("UPDATE audit_head SET key_id = 'key-after-rotation' WHERE id = 1");
      await other.query('COMMIT');
      // …so this one, which waited, must not chain its entry under the key the log left.
      expect(await waiting).toBeInstanceOf(AuditKeyChanged);
    } finally {
      await other.end();
      await store.close();
    }
  });

  it('folds the counters without changing what they say', async () => {
    const store = await PostgresStore.open({ url: database.url, schema: await freshSchema(), auditKey: TEST_AUDIT_KEY });
    try {
      const messages = Array.from({ length: 12 }, message);
      await Promise.all(messages.map((m) => store.accept(m)));
      const claimed = await store.claimDue({ instance: 'sms-hue', limit: 5, now: T0 + 100, leaseOwner: 'w', leaseUntil: T0 + 60_000 });
      for (const m of claimed) await store.completeAttempt({ messageId: m.id, leaseOwner: 'w', outcome: 'dead', now: T0 + 200, attempt: { number: 1, startedAt: T0 + 100 } });
      const before = await store.overview(T0 + 300);
      await store.foldCounters();
      expect(await store.overview(T0 + 300)).toEqual(before);
      expect(before.counts).toEqual([
        { capability: 'sms', agency: '000.00.01.H22', status: 'dead', count: 5 },
        { capability: 'sms', agency: '000.00.01.H22', status: 'queued', count: 7 },
      ]);
    } finally {
      await store.close();
    }
  });
});

// Without a PostgreSQL server to test against (LIENTHONG_TEST_DATABASE_URL unset), one skipped case says how to run these.
if (!serverUrl) {
  describe('the PostgreSQL store', () => {
    // No PostgreSQL server here: this case names the variable that runs the suite above (.ci/run sets it).
    it.skip(POSTGRES_SKIP, () => undefined);
  });
}
