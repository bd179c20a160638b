/** `LIENTHONG_DATABASE_URL` chooses the PostgreSQL store for serve and every verb (openStore). */
import { describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY_TEXT } from '../testing/test-audit-key.ts';
import { POSTGRES_SKIP, createTestDatabase } from './contract/postgres-kind.test-helper.ts';
import { openStore, storeFile, storeLocation } from './open.ts';
import { PostgresStore } from './postgres/postgres-store.ts';

const serverUrl = process.env.LIENTHONG_TEST_DATABASE_URL;

describe('choosing the store', () => {
  it('names a PostgreSQL store by its URL, password masked, and refuses another kind of URL', () => {
    expect(storeLocation({ LIENTHONG_DATABASE_URL: 'postgresql://gw:pw@db.internal/lienthong' })).toBe('postgresql://gw:***@db.internal/lienthong');
    expect(() => storeLocation({ LIENTHONG_DATABASE_URL: 'mysql://gw@db/lienthong' })).toThrow(/LIENTHONG_DATABASE_URL must name a PostgreSQL database/);
    expect(() => storeFile({ LIENTHONG_DATABASE_URL: 'postgres://gw@db/lienthong' })).toThrow(/the store is that PostgreSQL database/);
    expect(storeLocation({ LIENTHONG_DB: '/srv/lienthong.db' })).toBe('/srv/lienthong.db');
  });

  it('asks for LIENTHONG_AUDIT_KEY: a database has no key file beside it', async () => {
    await expect(openStore({ LIENTHONG_DATABASE_URL: 'postgres://gw@127.0.0.1:1/lienthong' }, { gateway: true })).rejects.toThrow(/LIENTHONG_AUDIT_KEY is not set/);
  });

  // Needs a PostgreSQL server (LIENTHONG_TEST_DATABASE_URL); without one, the case below says how to run it.
  it.skipIf(!serverUrl)('opens the PostgreSQL store, shared (no claim on it), and a reading verb refuses a database never migrated', async () => {
    const database = await createTestDatabase(serverUrl as string);
    try {
      const env = { LIENTHONG_DATABASE_URL: `${database.url}?pool_size=3`, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT };
      await expect(openStore(env, { existing: true })).rejects.toThrow(/no lienthong store in postgres:\/\/.*: check LIENTHONG_DATABASE_URL/);
      const first = await openStore(env, { gateway: true });
      const second = await openStore(env, { gateway: true });
      expect(first).toBeInstanceOf(PostgresStore);
      await second.close();
      await first.close();
      const reading = await openStore(env, { existing: true });
      await reading.checkReady();
      await reading.close();
    } finally {
      await database.drop();
    }
  });

  // Without a PostgreSQL server, this skipped case says how to run the case above; CI sets the server.
  if (!serverUrl) it.skip(POSTGRES_SKIP, () => undefined);
});
