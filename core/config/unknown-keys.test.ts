import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type AnyPlugin, definePlugin, instanceConfig, secret, textField } from '../sdk/index.ts';
import { loadConfig } from './load.ts';
import { gatewayConfigSchema } from './schema.ts';
import { knownKeysAt } from './unknown-keys.ts';

const smsPlugin = definePlugin({
  id: 'sms-test',
  capability: 'sms',
  configSchema: instanceConfig('sms-test', { user: textField('user'), password: secret(), timeoutMs: v.optional(v.number()) }),
  operations: { send: { run: async () => ({ providerMessage: 'ok', segments: 1 }) } },
  events: {},
});
const plugins: AnyPlugin[] = [smsPlugin];
const env = { SMS_PASSWORD: 'p4ssw0rd', HOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
const agencies = [{ code: '000.00.01.H22' }];
const instance = { id: 'sms-hue', plugin: 'sms-test', config: { user: 'hue', password: { env: 'SMS_PASSWORD' } } };
const webhook = { id: 'onestop', url: 'https://motcua.example.gov.vn/hook', secret: { env: 'HOOK_SECRET' } };

/** The one line loadConfig refuses `raw` with. */
function refusal(raw: unknown): string {
  try {
    loadConfig(raw, plugins, env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('a key the config does not know', () => {
  it.each([
    ['at the top level', { agencies, instance: [instance] }, "config: unknown key 'instance' (did you mean 'instances'?)"],
    ['at the top level, in another case', { agencies, publicURL: 'https://lienthong.hue.gov.vn' }, "config: unknown key 'publicURL' (did you mean 'publicUrl'?)"],
    ['in an instance entry', { agencies, instances: [{ ...instance, deliver: { concurrency: 2 } }] }, "instance 'sms-hue': unknown key 'deliver' (did you mean 'delivery'?)"],
    ['in an instance\'s delivery', { agencies, instances: [{ ...instance, delivery: { maxAttempt: 3 } }] }, "instance 'sms-hue': delivery: unknown key 'maxAttempt' (did you mean 'maxAttempts'?)"],
    ['in a webhook entry', { agencies, webhooks: [{ ...webhook, event: ['message.dead'] }] }, "webhook 'onestop': unknown key 'event' (did you mean 'events'?)"],
    ['in limits', { agencies, limits: { bodyByte: 1024 } }, "config: limits: unknown key 'bodyByte' (did you mean 'bodyBytes'?)"],
    ['in an agency', { agencies: [{ code: '000.00.01.H22', nmae: 'Sở Tư pháp' }] }, "config: agencies.0: unknown key 'nmae' (did you mean 'name'?)"],
  ])('%s: names it and the key that was meant', (_, raw, message) => {
    expect(refusal(raw)).toBe(message);
  });

  it('lists the keys known there when none is near', () => {
    expect(refusal({ agencies, plugins: [] })).toBe("config: unknown key 'plugins' (keys: publicUrl, agencies, instances, webhooks, limits, retention)");
  });

  it('is said before the problem it causes: a misspelt required key is first an unknown one', () => {
    expect(refusal({ agency: agencies })).toBe("config: unknown key 'agency' (did you mean 'agencies'?)");
  });

  it("in a plugin's own config, keeps the plugin's message and adds the setting that was meant", () => {
    const withConfig = (config: Record<string, unknown>) => ({ agencies, instances: [{ ...instance, config: { ...instance.config, ...config } }] });
    expect(refusal(withConfig({ timeoutMS: 5 }))).toBe("instance 'sms-hue' (plugin 'sms-test'): config.timeoutMS: timeoutMS is not a sms-test setting (did you mean 'timeoutMs'?)");
    expect(refusal(withConfig({ colour: 'red' }))).toBe(
      "instance 'sms-hue' (plugin 'sms-test'): config.colour: colour is not a sms-test setting (settings: user, password, timeoutMs)",
    );
  });
});

describe('the keys known at a place in a schema', () => {
  it('follows objects, arrays, optional values and pipes', () => {
    expect(knownKeysAt(gatewayConfigSchema, [])).toEqual(['publicUrl', 'agencies', 'instances', 'webhooks', 'limits', 'retention']);
    expect(knownKeysAt(gatewayConfigSchema, ['instances', 0])).toEqual(['id', 'plugin', 'agencies', 'config', 'delivery']);
    expect(knownKeysAt(gatewayConfigSchema, ['webhooks', 3, 'delivery'])).toContain('maxAttempts');
    expect(knownKeysAt(v.pipe(v.strictObject({ a: v.string() }), v.check(() => true)), [])).toEqual(['a']);
  });

  it('knows none where there is no object', () => {
    expect(knownKeysAt(gatewayConfigSchema, ['publicUrl'])).toEqual([]);
    expect(knownKeysAt(gatewayConfigSchema, ['nowhere', 'deeper'])).toEqual([]);
  });
});
