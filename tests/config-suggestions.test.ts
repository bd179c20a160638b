/**
 * A typo in the config file is one line from `check-config` and from `serve`, naming where it is and what was meant,
 * with the real plugin list: an event type a subscription names, a key the file does not know.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './support/run-cli-in-process.ts';
import { killChildren, runCli } from './support/run-cli.ts';

const env = { PAYGOV_SECRET: randomBytes(18).toString('base64url'), HOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` };
const paygov = {
  id: 'paygov-hue',
  plugin: 'payment-paygov',
  config: { endpoint: 'https://thanhtoan.dichvucong.gov.vn', partnerCode: 'HUE_MOTCUA', secret: { env: 'PAYGOV_SECRET' } },
};
const subscribing = (events: string[]) => ({
  agencies: [{ code: '000.00.01.H22' }],
  instances: [paygov],
  webhooks: [{ id: 'onestop', url: 'https://motcua.hue.gov.vn/hooks/lienthong', secret: { env: 'HOOK_SECRET' }, events }],
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-config-suggestions-'));
});
afterAll(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, config: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(config));
  return file;
}

describe('check-config', () => {
  it('accepts the events the configured plugins and core declare', async () => {
    const file = await configFile('good.json', subscribing(['payment.succeeded', 'payment.failed', 'message.dead']));
    const result = await runCliInProcess(['check-config', '--config', file], env);
    expect(result.code, result.stderr).toBe(0);
  });

  it.each([
    ['a misspelt event', subscribing(['payment.succeded']), "webhook 'onestop': unknown event 'payment.succeded' (did you mean 'payment.succeeded'?)"],
    ['an event nothing emits', subscribing(['dossier.closed']), "webhook 'onestop': unknown event 'dossier.closed' (events: message.dead, payment.succeeded, payment.failed, *)"],
    ['a misspelt top-level key', { ...subscribing(['*']), instance: [] }, "config: unknown key 'instance' (did you mean 'instances'?)"],
    ['a misspelt plugin setting', { ...subscribing(['*']), instances: [{ ...paygov, config: { ...paygov.config, partnercode: 'X' } }] }, "instance 'paygov-hue' (plugin 'payment-paygov'): config.partnercode: partnercode is not a payment-paygov setting (did you mean 'partnerCode'?)"],
  ])('refuses %s: exit 1, one line saying where and what was meant', async (name, config, line) => {
    const file = await configFile(`${name.replaceAll(' ', '-')}.json`, config);
    const result = await runCliInProcess(['check-config', '--config', file], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lienthong: ${line}\n`);
    expect(result.stdout).toBe('');
  });
});

describe('serve', () => {
  it('refuses the same typo with the same line, before it creates a store', async () => {
    const file = await configFile('serve.json', subscribing(['payment.succeded']));
    const db = join(dir, 'never.db');
    const result = await runCli(['serve', '--config', file, '--port', '0'], { ...env, LIENTHONG_DB: db });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("lienthong: webhook 'onestop': unknown event 'payment.succeded' (did you mean 'payment.succeeded'?)\n");
    await expect(access(db)).rejects.toThrow();
  });
});
