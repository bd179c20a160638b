import { pino } from 'pino';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { indexPlugins } from '../config/plugins.ts';
import { Instances } from '../runtime/instances.ts';
import { type PluginServices, pluginServices } from '../runtime/plugin-services.ts';
import { type AnyPlugin, definePlugin } from '../sdk/index.ts';
import { openTestServices, type TestServices } from '../sdk/testing/plugin-context.ts';
import { openTempStore, type TempStore } from '../store/temp-store.test-helper.ts';
import { checkDeclared, coreEvents, declaredEvents } from './events.ts';

const AGENCY = '000.00.01.H22';
const bank = definePlugin({
  id: 'bank-test',
  capability: 'payment',
  configSchema: v.object({}),
  operations: { create: { run: async () => ({ paymentId: 'p', paymentUrl: 'https://pay.example', expiresAt: '2026-11-21T10:00:00+07:00' }) }, query: { run: async () => ({ paymentId: 'p', status: 'pending' as const }) } },
  events: { 'payment.succeeded': 'paid', 'payment.failed': 'ended unpaid' },
});
const paid = { type: 'payment.succeeded', agency: AGENCY, data: { paymentId: 'pay_1' } };
const misspelt = { ...paid, type: 'payment.succeded' };

describe('what a plugin may emit', () => {
  it('is what it declares; anything else is refused naming the plugin, the event and the one meant', () => {
    expect(() => checkDeclared(bank, paid)).not.toThrow();
    expect(() => checkDeclared(bank, misspelt)).toThrow(
      "plugin 'bank-test' emitted event 'payment.succeded', which it does not declare (did you mean 'payment.succeeded'?): fix the type, or add it to the plugin's events",
    );
    expect(() => checkDeclared({ id: 'sms-test', events: {} }, paid)).toThrow("plugin 'sms-test' emitted event 'payment.succeeded', which it does not declare: fix");
    expect(() => checkDeclared({ id: 'sms-test' }, paid)).toThrow(/does not declare/);
  });

  it("is never core's own event", () => {
    expect([...declaredEvents([bank]).entries()]).toEqual([
      ['message.dead', []],
      ['payment.succeeded', ['bank-test']],
      ['payment.failed', ['bank-test']],
    ]);
    expect(Object.keys(coreEvents)).toEqual(['message.dead']);
  });
});

describe("the gateway's services refuse an undeclared event", () => {
  let temp: TempStore;
  let services: PluginServices;

  beforeEach(async () => {
    temp = await openTempStore();
    const config = loadConfig(
      {
        agencies: [{ code: AGENCY }],
        instances: [{ id: 'bank-hue', plugin: 'bank-test' }],
        webhooks: [{ id: 'onestop', url: 'http://127.0.0.1:9/events', secret: { env: 'HOOK_SECRET' } }],
      },
      [bank],
      { HOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` },
    );
    const deps = { store: temp.store, instances: new Instances(config, pino({ level: 'silent' })), clock: { now: () => Date.now() }, notify: () => undefined, publicUrl: () => 'http://127.0.0.1:8080' };
    services = pluginServices(deps, 'bank-hue', 'provider:bank-hue');
  });
  afterEach(() => temp.dispose());

  const webhookMessages = async () => (await temp.store.listMessages({ capability: 'webhook' }, { limit: 100 })).messages;

  it('from emit, queueing nothing', async () => {
    await expect(services.emit(misspelt)).rejects.toThrow(/plugin 'bank-test' emitted event 'payment\.succeded', which it does not declare/);
    expect(await webhookMessages()).toEqual([]);
    await services.emit(paid);
    expect(await webhookMessages()).toHaveLength(1);
  });

  it('from a record transition, leaving the record as it was', async () => {
    await services.records.create('pay_1', 'pending', {});
    await expect(services.records.transition('pay_1', { from: ['pending'], to: 'paid', emit: [misspelt] })).rejects.toThrow(/does not declare/);
    expect(await services.records.get('pay_1')).toMatchObject({ status: 'pending' });
    expect(await webhookMessages()).toEqual([]);
  });
});

describe("the test kit's services, given the plugin under test", () => {
  let services: TestServices;
  beforeEach(async () => {
    services = await openTestServices({ instance: 'bank-hue', plugin: bank });
  });
  afterEach(() => services.dispose());

  it('refuse what the gateway would refuse, so a plugin test finds the typo', async () => {
    await expect(services.emit(misspelt)).rejects.toThrow(/which it does not declare \(did you mean 'payment\.succeeded'\?\)/);
    await services.emit(paid);
    expect(await services.emitted()).toEqual([{ type: 'payment.succeeded', agency: AGENCY, data: { paymentId: 'pay_1' } }]);
  });
});

describe("a plugin's event declarations", () => {
  const declaring = (events: unknown) => ({ ...bank, id: 'sms-test', events }) as unknown as AnyPlugin;

  it.each([
    ['a list instead of an object', ['payment.succeeded'], /plugin 'sms-test': events must be an object/],
    ['a type that is not dotted words', { Delivered: 'x' }, /plugin 'sms-test': event 'Delivered' must be lower-case words joined by dots/],
    ["core's own event", { 'message.dead': 'x' }, /plugin 'sms-test': event 'message\.dead' is core's own/],
    ['an event without a description', { 'sms.delivered': '' }, /plugin 'sms-test': event 'sms\.delivered' needs a description/],
  ])('refuses %s when the plugin list is checked', (_, events, message) => {
    expect(() => indexPlugins([declaring(events)])).toThrow(message);
  });

  it('accepts a plugin that declares none, or says nothing', () => {
    expect(() => indexPlugins([declaring({})])).not.toThrow();
    expect(() => indexPlugins([declaring(undefined)])).not.toThrow();
  });
});
