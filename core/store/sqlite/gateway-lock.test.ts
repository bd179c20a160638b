import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config-error.ts';
import { TEST_AUDIT_KEY_TEXT } from '../../testing/test-audit-key.ts';
import { openStore } from '../open.ts';
import type { Store } from '../types.ts';
import { claimStoreFile } from './gateway-lock.ts';

let dir: string;
let file: string;
const open: Store[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-lock-'));
  file = join(dir, 'lienthong.db');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ LIENTHONG_DB: file, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT });
const openAs = async (options: Parameters<typeof openStore>[1]) => {
  const store = await openStore(env(), options);
  open.push(store);
  return store;
};

describe('one gateway process per SQLite file', () => {
  it('refuses a second claim with one line naming the file, the holder and PostgreSQL', async () => {
    const first = await claimStoreFile(file);
    const refused = await claimStoreFile(file).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    const line = (refused as Error).message;
    expect(line).not.toContain('\n');
    expect(line).toContain(`${file} is in use by the gateway process with pid ${process.pid} on host `);
    expect(line).toContain('this very process');
    expect(line).toContain('one gateway process per SQLite file');
    expect(line).toContain('PostgreSQL (LIENTHONG_DATABASE_URL)');
    await first.release();
    await (await claimStoreFile(file)).release();
  });

  it('holds the file from opening a gateway store to closing it; verbs may open it meanwhile; a refused start writes nothing', async () => {
    const gateway = await openAs({ gateway: true });
    await gateway.appendAudit([{ at: 1, actor: 'test', action: 'config.loaded', summary: {} }]);
    const files = await readdir(dir);

    await expect(openStore(env(), { gateway: true })).rejects.toThrow(/is in use by the gateway process/);
    expect(await readdir(dir)).toEqual(files);
    // The refused one closed its own handle of the lock file: the holder's lock outlives it.
    await expect(openStore(env(), { gateway: true })).rejects.toThrow(/is in use by the gateway process/);
    expect(await gateway.listAudit({}, 100)).toHaveLength(1);

    const verb = await openAs({ existing: true });
    await expect(verb.listKeys()).resolves.toEqual([]);
    await verb.close();

    await gateway.close();
    const next = await openAs({ gateway: true });
    expect(await next.listAudit({}, 100)).toHaveLength(1);
  });

  it('gives the file up when the store does not open', async () => {
    await expect(openStore({ ...env(), LIENTHONG_AUDIT_KEY: 'too short' }, { gateway: true })).rejects.toThrow(/LIENTHONG_AUDIT_KEY/);
    await openAs({ gateway: true });
  });

  it('refuses a busy timeout that is not a number of milliseconds', async () => {
    await expect(openStore({ ...env(), LIENTHONG_SQLITE_BUSY_TIMEOUT_MS: '5s' }, { gateway: true })).rejects.toThrow(
      "LIENTHONG_SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to 600000, not '5s'; unset it for 5000",
    );
  });
});
