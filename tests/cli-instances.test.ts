/**
 * Whole-command: `lienthong instances list|pause|resume` as an operator runs them, each test on its own SQLite file
 * (in this process, through the `run` the program calls; the real binary once). The pause lands in the store, audited
 * with the actor `cli`; what a running gateway does with it is tests/instance-pause.test.ts.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../core/ids.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import type { Store } from '../core/store/types.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import { type ChildEnv, killChildren, runCli } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const AGENCY = '000.00.01.H22';

let dir: string;
let db: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-cli-instances-'));
  db = join(dir, 'lienthong.db');
  env = { LIENTHONG_DB: db, LIENTHONG_DATABASE_URL: undefined, LIENTHONG_TEST_VIETTEL_PASSWORD: 'not-a-real-password', LIENTHONG_TEST_WEBHOOK_SECRET: 'whsec_dGVzdC1vbmx5LXNlY3JldC0xMjM0NTY3OA==' };
});
afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliInProcess(args, env);

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A config with two instances: an SMS provider and a webhook subscription (instance `webhook-ops`). */
async function writeConfig(): Promise<string> {
  const file = join(dir, 'gateway.json');
  const viettel = { endpoint: 'http://127.0.0.1:9/bulkapi', user: 'u', password: { env: 'LIENTHONG_TEST_VIETTEL_PASSWORD' }, cpCode: 'CP', brandname: 'UBND' };
  await writeFile(
    file,
    JSON.stringify({
      agencies: [{ code: AGENCY }],
      instances: [{ id: 'sms-hue', plugin: 'sms-viettel', config: viettel }],
      webhooks: [{ id: 'ops', url: 'https://motcua.example.gov.vn/hooks', secret: { env: 'LIENTHONG_TEST_WEBHOOK_SECRET' } }],
    }),
  );
  return file;
}

describe('lienthong instances', () => {
  it('pause: kept in the store with its reason, audited as cli; again: nothing changes; resume: ended, audited', async () => {
    await withStore(async () => undefined);
    const paused = await cli('instances', 'pause', 'sms-hue', '--reason', 'Viettel bảo trì đến 23:00');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toBe('paused sms-hue (Viettel bảo trì đến 23:00): a running gateway starts no attempt of it from its next poll on, and its messages wait\nresume it with: lienthong instances resume sms-hue\n');
    expect(paused.stderr).toContain("the id was not checked against the gateway's config: give --config FILE to check it");
    const pause = await withStore((store) => store.pausedInstances());
    expect(pause).toEqual([{ instance: 'sms-hue', at: expect.any(Number), by: 'cli', reason: 'Viettel bảo trì đến 23:00' }]);

    const again = await cli('instances', 'pause', 'sms-hue', '--reason', 'another');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^sms-hue was already paused by cli since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00 \(Viettel bảo trì đến 23:00\): nothing changed\n$/);

    const resumed = await cli('instances', 'resume', 'sms-hue');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/^resumed sms-hue, paused since \S+\+07:00 by cli: a running gateway delivers its waiting messages from its next poll on\n$/);
    const notPaused = await cli('instances', 'resume', 'sms-hue');
    expect(notPaused).toMatchObject({ code: 0, stdout: 'sms-hue is not paused (paused instances: none): nothing changed\n' });

    const audit = await withStore((store) => store.listAudit({}, 10));
    expect(audit.map((entry) => [entry.action, entry.actor, entry.instance])).toEqual([
      ['instance.paused', 'cli', 'sms-hue'],
      ['instance.resumed', 'cli', 'sms-hue'],
    ]);
  });

  it('resume says how many waiting messages had their max age moved on', async () => {
    await withStore(async (store) => {
      const createdAt = Date.now() - 60_000;
      const message = { id: newMessageId(createdAt), capability: 'sms', operation: 'send', agency: AGENCY, instance: 'sms-hue', plugin: 'sms-viettel', payload: {}, maxAttempts: 8, createdAt, expiresAt: createdAt + 86_400_000 };
      await store.accept(message);
      await store.pauseInstance('sms-hue', { actor: 'cli', at: createdAt + 1 });
    });
    const resumed = await cli('instances', 'resume', 'sms-hue');
    expect(resumed.stdout).toContain('; 1 waiting message(s) had their max age moved on by the time they waited paused\n');
  });

  it('with --config: an id the config lacks is refused in one line naming its instances, and nothing is paused', async () => {
    await withStore(async () => undefined);
    const config = await writeConfig();
    const refused = await cli('instances', 'pause', 'sms-hve', '--config', config);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`lienthong: ${config} has no instance 'sms-hve' (its instances: sms-hue, webhook-ops): check the id\n`);
    expect(await withStore((store) => store.pausedInstances())).toEqual([]);

    const paused = await cli('instances', 'pause', 'webhook-ops', '--config', config);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stderr).not.toContain('not checked');
    expect((await cli('instances', 'resume', 'sms-hve', '--config', config)).code).toBe(1);
  });

  it('list: each instance, paused or active, with its queue; --config lists every instance of the config; --json', async () => {
    await withStore(async (store) => {
      const createdAt = Date.now();
      await store.accept({ id: newMessageId(createdAt), capability: 'sms', operation: 'send', agency: AGENCY, instance: 'sms-hue', plugin: 'sms-viettel', payload: {}, maxAttempts: 8, createdAt, expiresAt: createdAt + 1 });
      await store.pauseInstance('sms-hue', { actor: 'key:key_3f2a9c', reason: 'bảo trì, gọi 0981234567', at: Date.parse('2026-12-07T06:05:00Z') });
    });
    const listed = await cli('instances', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toBe(
      [
        'INSTANCE  STATE   PAUSED SINCE               BY              QUEUED  PROCESSING  DEAD  REASON',
        'sms-hue   paused  2026-12-07T13:05:00+07:00  key:key_3f2a9c  1       0           0     bảo trì, gọi 0981***567',
        '1 instance(s) (without --config: those with messages or a pause)',
        '',
      ].join('\n'),
    );

    const config = await writeConfig();
    const all = JSON.parse((await cli('instances', 'list', '--config', config, '--json')).stdout) as unknown[];
    expect(all).toEqual([
      { id: 'sms-hue', paused: { at: '2026-12-07T06:05:00.000Z', by: 'key:key_3f2a9c', reason: 'bảo trì, gọi 0981***567' }, queue: { queued: 1, processing: 0, dead: 0, succeeded: 0 } },
      { id: 'webhook-ops', paused: null, queue: { queued: 0, processing: 0, dead: 0, succeeded: 0 } },
    ]);
  });

  it('refuses a blank or multi-line reason as a bad command line (exit 2), and a store that does not exist (exit 1), changing nothing', async () => {
    for (const reason of ['  ', 'two\nlines']) {
      const result = await cli('instances', 'pause', 'sms-hue', '--reason', reason);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(/^lienthong: --reason (must not be blank|must be one line, without control characters)$/);
    }
    expect(await readdir(dir)).toEqual([]);
    const missing = await cli('instances', 'pause', 'sms-hue');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no store at ${db}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('answers as the real binary too', async () => {
    await withStore(async () => undefined);
    const result = await runCli(['instances', 'pause', 'sms-hue', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('paused sms-hue: a running gateway starts no attempt of it');
    expect(result.stderr).toContain(`store: ${db}`);
  });
});
