import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { acceptedEntry } from '../../audit/entries.ts';
import { PayloadCipher } from '../payload-cipher.ts';
import type { NewMessage } from '../types.ts';
import { SqliteStore } from './sqlite-store.ts';

const PHONE = '84981234567';
const LOCAL_PHONE = '0981234567';
const CCCD = '046095001234';
const NAME = 'Nguyễn Văn An';

let dir: string;
let file: string;
const dataKey = PayloadCipher.fromEnvironment(randomBytes(32).toString('base64'));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-at-rest-'));
  file = join(dir, 'lienthong.db');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

let n = 0;
function message(createdAt = 1_000): NewMessage {
  n += 1;
  return {
    id: `msg_rest_${n}`,
    capability: 'sms',
    operation: 'send',
    agency: '000.00.01.H22',
    instance: 'sms-hue',
    plugin: 'sms-viettel',
    payload: { agency: '000.00.01.H22', to: PHONE, name: NAME, text: `Ông ${NAME} (CCCD ${CCCD}, ${LOCAL_PHONE}) vui lòng bổ sung giấy tờ` },
    maxAttempts: 3,
    createdAt,
    expiresAt: 10_000_000,
  };
}

/** What must never be on disk in clear when a data key is set: as UTF-8, the way SQLite stores text. */
const PERSONAL = [PHONE, LOCAL_PHONE, CCCD, NAME];

/** A message and a plugin record (a payment's payer), as the gateway writes them: each holds all three. */
async function writePersonalData(store: SqliteStore): Promise<void> {
  const m = message();
  await store.accept(m, { audit: acceptedEntry(m, 'key:key_rest') });
  await store.createRecord({ instance: 'bank-hue', key: 'PAY-1', status: 'pending', data: { payerName: NAME, payerPhone: LOCAL_PHONE, idNumber: CCCD }, now: 1_000, actor: 'key:key_rest' });
  await store.transitionRecord({ instance: 'bank-hue', key: 'PAY-1', from: ['pending'], to: 'paid', data: { note: `paid by ${NAME}` }, now: 2_000, actor: 'provider:bank-hue' });
}

/** The database file and its WAL as they are now, the store still open (closing would fold the WAL in and remove it). */
async function diskWhileOpen(): Promise<{ database: Buffer; wal: Buffer }> {
  const [database, wal] = await Promise.all([readFile(file), readFile(`${file}-wal`)]);
  return { database, wal };
}

async function rawPayloads(): Promise<string[]> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  const rows = await new Promise<Array<{ payload: string }>>((resolve, reject) =>
    db.all('SELECT payload FROM messages ORDER BY seq', (error, found) => (error ? reject(error) : resolve(found as Array<{ payload: string }>))),
  );
  await new Promise<void>((resolve) => db.close(() => resolve()));
  return rows.map((row) => row.payload);
}

describe('payloads at rest', () => {
  it('are encrypted with LIENTHONG_DATA_KEY, and read back whole', async () => {
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey });
    try {
      const m = message();
      await store.accept(m);
      expect((await store.getMessage(m.id))?.payload).toEqual(m.payload);
      const [stored] = await rawPayloads();
      expect(stored).toMatch(/^aes256gcm:/);
    } finally {
      await store.close();
    }
  });

  it('leave no phone number, identity number or name on disk, in the database or its WAL, while the store is open', async () => {
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey });
    try {
      await writePersonalData(store);
      const onDisk = await diskWhileOpen();
      // The WAL is where a running gateway's writes are: it must be there and hold them, or the check sees nothing.
      expect(onDisk.wal.length).toBeGreaterThan(0);
      expect(onDisk.wal.includes('msg_rest_')).toBe(true);
      for (const [name, bytes] of Object.entries(onDisk)) {
        for (const value of PERSONAL) expect(bytes.includes(value), `${name} holds ${value}`).toBe(false);
      }
    } finally {
      await store.close();
    }
    // Closed, the WAL is folded into the database file: nothing in clear there either.
    const database = await readFile(file);
    for (const value of PERSONAL) expect(database.includes(value), `the closed database holds ${value}`).toBe(false);
  });

  it('would be found on disk without a data key: the check reads what the store writes', async () => {
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    try {
      await writePersonalData(store);
      const { wal } = await diskWhileOpen();
      for (const value of PERSONAL) expect(wal.includes(value), `the WAL holds ${value}`).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('still reads payloads stored before a key was set, and refuses encrypted ones without the key', async () => {
    const plain = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    const before = message();
    await plain.accept(before);
    await plain.close();

    const keyed = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey });
    const after = message();
    await keyed.accept(after);
    expect((await keyed.getMessage(before.id))?.payload).toEqual(before.payload);
    expect((await keyed.getMessage(after.id))?.payload).toEqual(after.payload);
    await keyed.close();

    const keyless = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    await expect(keyless.getMessage(after.id)).rejects.toThrow(/LIENTHONG_DATA_KEY is not set/);
    await keyless.close();

    const wrongKey = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey: PayloadCipher.fromEnvironment(randomBytes(32).toString('base64')) });
    await expect(wrongKey.getMessage(after.id)).rejects.toThrow();
    await wrongKey.close();
  });

  it('refuses a data key that is not 32 bytes of base64', () => {
    expect(() => PayloadCipher.fromEnvironment('too-short')).toThrow(/32 bytes in base64/);
    expect(PayloadCipher.fromEnvironment(undefined)).toBeUndefined();
  });
});

describe('retention', () => {
  it('purges the payloads of messages that succeeded before the cut-off, keeps the rest, and audits it', async () => {
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey });
    try {
      const old = message(1_000);
      const recent = message(1_000);
      const waiting = message(1_000);
      for (const m of [old, recent, waiting]) await store.accept(m);
      const claimed = await store.claimDue({ instance: 'sms-hue', limit: 2, now: 2_000, leaseOwner: 'w', leaseUntil: 9_000 });
      expect(claimed.map((m) => m.id)).toEqual([old.id, recent.id]);
      await store.completeAttempt({ messageId: old.id, leaseOwner: 'w', outcome: 'succeeded', now: 3_000, attempt: { number: 1, startedAt: 2_000 } });
      await store.completeAttempt({ messageId: recent.id, leaseOwner: 'w', outcome: 'succeeded', now: 8_000, attempt: { number: 1, startedAt: 2_000 } });

      expect(await store.purgePayloads(5_000, 9_000, 'system')).toBe(1);
      expect(await store.getMessage(old.id)).toMatchObject({ status: 'succeeded', payload: null, payloadPurgedAt: 9_000 });
      expect(await store.getMessage(recent.id)).toMatchObject({ payload: recent.payload, payloadPurgedAt: null });
      expect(await store.getMessage(waiting.id)).toMatchObject({ status: 'queued', payload: waiting.payload });
      // Done once: a second run finds nothing more to purge.
      expect(await store.purgePayloads(5_000, 9_500, 'system')).toBe(0);

      const purges = (await store.listAudit({}, 100)).filter((entry) => entry.action === 'payloads.purged');
      expect(purges).toMatchObject([{ actor: 'system', summary: { messages: 1, succeededBefore: 5_000 } }]);
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  });
});
