import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type AnyPlugin, definePlugin } from '../sdk/index.ts';
import { loadConfig } from './load.ts';

const payments = (id: string) =>
  definePlugin({
    id,
    capability: 'payment',
    configSchema: v.object({}),
    operations: { create: { run: async () => ({ paymentId: 'p', paymentUrl: 'https://pay.example', expiresAt: '2026-11-21T10:00:00+07:00' }) }, query: { run: async () => ({ paymentId: 'p', status: 'pending' as const }) } },
    events: { 'payment.succeeded': 'paid', 'payment.failed': 'ended unpaid' },
  });
const sms = definePlugin({
  id: 'sms-test',
  capability: 'sms',
  configSchema: v.object({}),
  operations: { send: { run: async () => ({ providerMessage: 'ok', segments: 1 }) } },
  events: {},
});
const plugins: AnyPlugin[] = [sms, payments('bank-a'), payments('bank-b')];
const env = { HOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
const agencies = [{ code: '000.00.01.H22' }];
const bankInstance = { id: 'bank-hue', plugin: 'bank-a' };
const smsInstance = { id: 'sms-hue', plugin: 'sms-test' };

function configWith(events: string[], instances: unknown[] = [bankInstance, smsInstance]) {
  return { agencies, instances, webhooks: [{ id: 'onestop', url: 'https://motcua.example.gov.vn/hook', secret: { env: 'HOOK_SECRET' }, events }] };
}

describe("a webhook subscription's events", () => {
  it('accepts what core and the configured plugins declare, and *', () => {
    const config = loadConfig(configWith(['payment.succeeded', 'payment.failed', 'message.dead']), plugins, env);
    expect(config.instances.find((instance) => instance.id === 'webhook-onestop')?.events).toEqual(['payment.succeeded', 'payment.failed', 'message.dead']);
    expect(() => loadConfig(configWith(['*']), plugins, env)).not.toThrow();
    expect(() => loadConfig(configWith(['message.dead'], []), plugins, env)).not.toThrow();
  });

  it('refuses a misspelt event on one line naming the subscription, the event and the one meant', () => {
    expect(() => loadConfig(configWith(['payment.succeeded', 'payment.succeded']), plugins, env)).toThrow(
      /^webhook 'onestop': unknown event 'payment\.succeded' \(did you mean 'payment\.succeeded'\?\)$/,
    );
    expect(() => loadConfig(configWith(['message.daed']), plugins, env)).toThrow("webhook 'onestop': unknown event 'message.daed' (did you mean 'message.dead'?)");
  });

  it('lists the events that can come when none is near', () => {
    expect(() => loadConfig(configWith(['refund.done']), plugins, env)).toThrow(
      "webhook 'onestop': unknown event 'refund.done' (events: message.dead, payment.succeeded, payment.failed, *)",
    );
    expect(() => loadConfig(configWith(['refund.done'], [smsInstance]), plugins, env)).toThrow("unknown event 'refund.done' (events: message.dead, *)");
  });

  it('refuses an event that only a plugin without an instance would emit, naming the plugins', () => {
    expect(() => loadConfig(configWith(['payment.succeeded'], [smsInstance]), plugins, env)).toThrow(
      "webhook 'onestop': event 'payment.succeeded' comes from plugin bank-a, bank-b, which no instance of this config uses: add such an instance, or leave the event out",
    );
  });
});
