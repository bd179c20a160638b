import { pino } from 'pino';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config/load.ts';
import { type RunningGateway, startGateway } from './gateway.ts';
import { definePlugin, secret } from './sdk/index.ts';
import { openTempStore, type TempStore } from './store/temp-store.test-helper.ts';

/** What a gateway writes to the audit log when it starts: the configuration it serves with, secrets left out. */

const T0 = Date.parse('2026-11-21T09:30:00+07:00');
const PASSWORD = 'Viettel-CP-password-31337';

const sms = definePlugin({
  id: 'test-sms-secret',
  capability: 'sms',
  configSchema: v.object({ user: v.string(), password: secret() }),
  operations: { send: { run: async () => ({ providerMessage: 'OK', providerCode: '0', segments: 1 }) } },
});

const configFile = (user: string) => ({
  agencies: [{ code: '000.00.02.H22' }, { code: '000.00.01.H22' }],
  instances: [
    { id: 'sms-hue', plugin: 'test-sms-secret', agencies: ['000.00.02.H22', '000.00.01.H22'], config: { user, password: { env: 'SMS_PASSWORD' } } },
    { id: 'sms-all', plugin: 'test-sms-secret', config: { user, password: { env: 'SMS_PASSWORD' } } },
  ],
});

let db: TempStore | undefined;
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.stop(0);
  await db?.dispose();
  gateway = undefined;
  db = undefined;
});

async function start(user: string, password: string) {
  db = await openTempStore();
  const config = loadConfig(configFile(user), [sms], { SMS_PASSWORD: password });
  gateway = await startGateway({ config, store: db.store, log: pino({ level: 'silent' }), port: 0, host: '127.0.0.1', clock: { now: () => T0 } });
  const entries = await gateway.context.store.listAudit({}, 10);
  await gateway.stop(0);
  gateway = undefined;
  await db.dispose();
  db = undefined;
  return entries;
}

describe('the audit entry of the configuration loaded', () => {
  it('names the agencies and instances served, with a digest of the settings and no secret', async () => {
    const entries = await start('ubnd_hue', PASSWORD);
    expect(entries).toEqual([
      {
        seq: 1,
        at: T0,
        actor: 'system',
        action: 'config.loaded',
        summary: {
          agencies: ['000.00.01.H22', '000.00.02.H22'],
          instances: [
            { id: 'sms-hue', plugin: 'test-sms-secret', agencies: ['000.00.01.H22', '000.00.02.H22'] },
            { id: 'sms-all', plugin: 'test-sms-secret', agencies: ['*'] },
          ],
          settingsSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
        prevHash: '0'.repeat(64),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain(PASSWORD);
  });

  it('gives a new digest when a setting changes, and the same one when only a secret does', async () => {
    const digest = async (user: string, password: string) => (await start(user, password))[0]?.summary.settingsSha256;
    const first = await digest('ubnd_hue', PASSWORD);
    expect(await digest('ubnd_hue', 'another-password')).toBe(first);
    expect(await digest('ubnd_hue_2', PASSWORD)).not.toBe(first);
  });
});
