import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnyPlugin, Secret, definePlugin, secret as secretField } from '../sdk/index.ts';
import { loadConfig, readConfigFile } from './load.ts';

const smsPlugin = definePlugin({
  id: 'sms-test',
  capability: 'sms',
  configSchema: v.object({ url: v.pipe(v.string(), v.url()), password: secretField(v.pipe(v.string(), v.minLength(4, 'password is too short'))) }),
  delivery: { concurrency: 2 },
  operations: { send: { run: async () => ({ providerMessage: 'ok', segments: 1 }) } },
});
const plugins: AnyPlugin[] = [smsPlugin];
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const env = { SMS_PASSWORD: 'p4ssw0rd', HOOK_SECRET: secret, SHORT: 'abc' };
const agencies = [{ code: '000.00.01.H22' }, { code: '000.00.02.H22' }];
const smsInstance = { id: 'sms-hue', plugin: 'sms-test', config: { url: 'http://127.0.0.1:9', password: { env: 'SMS_PASSWORD' } } };

describe('loading the gateway config', () => {
  it('resolves secrets, validates each instance with its plugin, and layers delivery settings', () => {
    const config = loadConfig(
      {
        agencies,
        instances: [{ ...smsInstance, agencies: ['000.00.01.H22'], delivery: { maxAttempts: 3 } }],
        webhooks: [{ id: 'onestop', url: 'https://motcua.example/hook', secret: { env: 'HOOK_SECRET' }, events: ['message.dead'] }],
      },
      plugins,
      env,
    );
    const [sms, hook] = config.instances;
    expect(sms?.config).toEqual({ url: 'http://127.0.0.1:9', password: expect.any(Secret) });
    expect((sms?.config as { password: Secret }).password.reveal()).toBe('p4ssw0rd');
    expect(JSON.stringify(sms?.config)).not.toContain('p4ssw0rd');
    expect(sms?.policy).toMatchObject({ maxAttempts: 3, concurrency: 2, baseDelayMs: 2000 });
    expect(sms?.agencies).toEqual(new Set(['000.00.01.H22']));
    expect(hook).toMatchObject({ id: 'webhook-onestop', events: ['message.dead'], agencies: '*' });
    expect((hook?.config as { secret: Secret }).secret.reveal()).toBe(secret);
    expect(config.bodyLimitBytes).toBe(256 * 1024);
  });

  it.each([
    ['no agencies', { agencies: [] }, /agencies: at least one agency/],
    ['a typo in a top-level key', { agencies, instance: [] }, /^config: unknown key 'instance' \(did you mean 'instances'\?\)$/],
    ['an unknown plugin', { agencies, instances: [{ id: 'x', plugin: 'nope' }] }, /instance 'x': unknown plugin 'nope' \(known: sms-test\)/],
    ['a missing environment variable', { agencies, instances: [{ ...smsInstance, config: { ...smsInstance.config, password: { env: 'UNSET_VAR' } } }] }, /instance 'sms-hue' config\.password: environment variable UNSET_VAR is not set/],
    ['a field the plugin refuses', { agencies, instances: [{ ...smsInstance, config: { ...smsInstance.config, url: 'not a url' } }] }, /instance 'sms-hue' \(plugin 'sms-test'\): config\.url/],
    ['an agency not in the list', { agencies, instances: [{ ...smsInstance, agencies: ['000.00.09.H22'] }] }, /instance 'sms-hue': agency '000\.00\.09\.H22' is not in the agencies list/],
    ['a bad delivery override', { agencies, instances: [{ ...smsInstance, delivery: { concurrency: 0 } }] }, /instance 'sms-hue': delivery\.concurrency/],
    ['a secret written in an instance config', { agencies, instances: [{ ...smsInstance, config: { ...smsInstance.config, password: 'p4ssw0rd' } }] }, /instance 'sms-hue' \(plugin 'sms-test'\): config\.password: must be given as \{ "env": "NAME" \}/],
    ['a secret of the wrong form', { agencies, instances: [{ ...smsInstance, config: { ...smsInstance.config, password: { env: 'SHORT' } } }] }, /config\.password: password is too short/],
    ['an instance id used twice', { agencies, instances: [smsInstance, smsInstance] }, /instance 'sms-hue': the id is used twice/],
    ['a secret written in the file', { agencies, webhooks: [{ id: 'h', url: 'https://x.example', secret: 'whsec_plain' }] }, /webhook 'h': secret: a secret must be/],
    ['an invalid webhook secret', { agencies, webhooks: [{ id: 'h', url: 'https://x.example', secret: { env: 'SMS_PASSWORD' } }] }, /webhook 'h': secret/],
  ])('refuses %s, naming where', (_, raw, message) => {
    expect(() => loadConfig(raw, plugins, env)).toThrow(message);
  });

  it('takes the public URL that providers call back on, and refuses one that would make a bad callback URL', () => {
    expect(loadConfig({ agencies, publicUrl: 'https://lienthong.hue.gov.vn/gw' }, plugins, env).publicUrl).toBe('https://lienthong.hue.gov.vn/gw');
    expect(loadConfig({ agencies }, plugins, env).publicUrl).toBeUndefined();
    for (const publicUrl of ['https://lienthong.hue.gov.vn/', 'https://lienthong.hue.gov.vn?x=1', 'ftp://lienthong.hue.gov.vn', 'lienthong']) {
      expect(() => loadConfig({ agencies, publicUrl }, plugins, env), publicUrl).toThrow(/publicUrl/);
    }
  });

  it('does not echo a secret it could not accept', () => {
    expect(() =>
      loadConfig({ agencies, webhooks: [{ id: 'h', url: 'https://x.example', secret: { env: 'SMS_PASSWORD' } }] }, plugins, env),
    ).not.toThrow(/p4ssw0rd/);
  });
});

describe('checking the plugin list', () => {
  const base = { id: 'ok', capability: 'sms', configSchema: v.object({}), operations: { send: { run: async () => ({ providerMessage: '', segments: 1 }) } } };

  it.each([
    ['a bad id', { ...base, id: 'Bad Id' }, /plugin 'Bad Id': id must be/],
    ['an unknown capability', { ...base, capability: 'fax' }, /plugin 'ok': unknown capability 'fax'/],
    ['a missing operation', { ...base, operations: {} }, /plugin 'ok': operation 'send' of capability 'sms' has no run function/],
    ['an operation the capability lacks', { ...base, operations: { ...base.operations, fax: { run: async () => ({}) } } }, /plugin 'ok': operation 'fax' is not part of capability 'sms'/],
    ['no config schema', { ...base, configSchema: {} }, /plugin 'ok': configSchema is not a valibot schema/],
  ])('refuses %s', (_, plugin, message) => {
    expect(() => loadConfig({ agencies }, [plugin as unknown as AnyPlugin], {})).toThrow(message);
  });

  it('refuses a plugin listed twice', () => {
    expect(() => loadConfig({ agencies }, [smsPlugin, smsPlugin], {})).toThrow(/plugin 'sms-test': listed twice/);
  });
});

describe('reading a config file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('names the file when it is missing or not JSON', async () => {
    await expect(readConfigFile(join(dir, 'absent.json'), plugins, env)).rejects.toThrow(/cannot read config file .*absent\.json \(ENOENT\)/);
    await writeFile(join(dir, 'bad.json'), '{ "agencies": ');
    await expect(readConfigFile(join(dir, 'bad.json'), plugins, env)).rejects.toThrow(/bad\.json is not valid JSON/);
  });

  it('reads secrets from files', async () => {
    await writeFile(join(dir, 'password'), 'from-a-file\n');
    const instance = { ...smsInstance, config: { ...smsInstance.config, password: { file: join(dir, 'password') } } };
    await writeFile(join(dir, 'gateway.json'), JSON.stringify({ agencies, instances: [instance] }));
    const config = await readConfigFile(join(dir, 'gateway.json'), plugins, env);
    expect((config.instances[0]?.config as { password: Secret }).password.reveal()).toBe('from-a-file');
  });
});
