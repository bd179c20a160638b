/**
 * Whole-command: `lienthong simulate <plugin> --instance-out FILE` and `lienthong serve` as an operator rehearses
 * with them, each a real child process. The entry the simulator writes goes into a config as it is; check-config
 * passes on it, and serve, given a key made by the CLI, delivers to that simulator: an SMS through the Viettel
 * simulator (async, then read back from its /__received), a PIN check through the e-card one (sync).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxClient, simulatorClient } from '../core/sdk/testing.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import type { ReceivedSms } from '../plugins/sms-viettel/simulator/service.ts';
import { type ChildEnv, killChildren, startServeCommand, startSimulateCommand } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const AGENCY = '000.00.01.H22';

let dir: string;
let db: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-simulate-serve-'));
  db = join(dir, 'lienthong.db');
  env = { LIENTHONG_DB: db, LIENTHONG_DATABASE_URL: undefined };
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** Starts `lienthong simulate <plugin>`, and writes a config whose one instance is the entry it wrote. */
async function simulatedConfig(plugin: string): Promise<{ simulatorUrl: string; config: string }> {
  const out = join(dir, `${plugin}.json`);
  const simulator = await startSimulateCommand([plugin, '--port', '0', '--instance-out', out], env);
  const entry = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
  const config = join(dir, 'gateway.json');
  await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }], instances: [{ id: `${plugin}-sim`, ...entry }] }));
  return { simulatorUrl: simulator.url, config };
}

/** `lienthong serve` on a free port of 127.0.0.1; resolves with its URL once it listens (its "gateway listening" log line). */
const startServe = (config: string) => startServeCommand(['--config', config, '--port', '0', '--host', '127.0.0.1', '--db', db], env);

/** A store as serve leaves it, and a client key for the agency, made by the CLI. */
async function clientKey(): Promise<string> {
  await (await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY })).close();
  const created = await runCliInProcess(['keys', 'create', '--role', 'client', '--agencies', AGENCY, '--json'], env);
  expect(created.code, created.stderr).toBe(0);
  return (JSON.parse(created.stdout) as { key: string }).key;
}

describe('simulate --instance-out, then serve', () => {
  it('sms-viettel: check-config passes on the written entry, and serve delivers an SMS to that simulator', async () => {
    const { simulatorUrl, config } = await simulatedConfig('sms-viettel');
    const checked = await runCliInProcess(['check-config', '--config', config], env);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('sms-viettel-sim');

    const key = await clientKey();
    const serve = await startServe(config);
    try {
      const gateway = sandboxClient({ url: serve.url, simulators: {}, keys: { client: key, operator: '' } });
      const accepted = await gateway.call('sms', 'send', { agency: AGENCY, to: '0981234567', text: 'Ho so HS-0001 da co ket qua', reference: 'HS-0001' });
      expect(accepted.status, await accepted.clone().text()).toBe(202);
      const { id } = (await accepted.json()) as { id: string };
      const delivered = await gateway.waitFor(id, 'succeeded');
      expect(delivered).toMatchObject({ instance: 'sms-viettel-sim', plugin: 'sms-viettel', attempts: 1 });

      const received = await simulatorClient(simulatorUrl).received<ReceivedSms>();
      expect(received).toEqual([expect.objectContaining({ receiverId: '84981234567', content: 'Ho so HS-0001 da co ket qua', serviceId: 'LIENTHONG', deliveries: 1 })]);
    } finally {
      await serve.stop();
    }
  });

  it('ecard: serve checks a card holder\'s PIN with that simulator, its API key read from the written file', async () => {
    const { config } = await simulatedConfig('ecard');
    const key = await clientKey();
    const serve = await startServe(config);
    try {
      const gateway = sandboxClient({ url: serve.url, simulators: {}, keys: { client: key, operator: '' } });
      const right = await gateway.call('ecard', 'verify', { agency: AGENCY, cardNumber: 'TTH-EC-000101', pin: '246810' });
      expect(right.status).toBe(200);
      expect(await right.json()).toMatchObject({ verified: true, locked: false });
      const wrong = await gateway.call('ecard', 'verify', { agency: AGENCY, cardNumber: 'TTH-EC-000101', pin: '111111' });
      expect(await wrong.json()).toMatchObject({ verified: false });
    } finally {
      await serve.stop();
    }
  });
});
