import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestServices, TEST_PUBLIC_URL, openTestServices } from '../sdk/testing/plugin-context.ts';

let services: TestServices;
beforeEach(async () => {
  services = await openTestServices({ instance: 'bank-hue', actor: 'provider:bank-hue' });
});
afterEach(() => services.dispose());

const paid = { type: 'payment.succeeded', agency: '000.00.01.H22', data: { paymentId: 'pay_1', amount: 50_000 } };

describe('plugin records', () => {
  it('creates a record once: a second create answers the stored record', async () => {
    const first = await services.records.create('pay_1', 'pending', { amount: 50_000 });
    const second = await services.records.create('pay_1', 'pending', { amount: 99 });
    expect(first).toMatchObject({ created: true, record: { key: 'pay_1', status: 'pending', data: { amount: 50_000 } } });
    expect(second).toMatchObject({ created: false, record: { data: { amount: 50_000 } } });
    expect(await services.records.get('pay_1')).toMatchObject({ status: 'pending' });
    expect(await services.records.get('pay_2')).toBeUndefined();
  });

  it('changes state only from the named states, merging data', async () => {
    await services.records.create('pay_1', 'pending', { amount: 50_000 });
    expect(await services.records.transition('pay_1', { from: ['failed'], to: 'paid' })).toBeUndefined();
    const after = await services.records.transition('pay_1', { from: ['pending'], to: 'paid', data: { bankRef: 'FT123' } });
    expect(after).toMatchObject({ status: 'paid', data: { amount: 50_000, bankRef: 'FT123' } });
    expect(await services.records.transition('missing', { from: ['pending'], to: 'paid' })).toBeUndefined();
  });

  it('lets one of many concurrent transitions through, and emits its event exactly once', async () => {
    await services.records.create('pay_1', 'pending', { amount: 50_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => services.records.transition('pay_1', { from: ['pending'], to: 'paid', emit: [paid] })),
    );
    expect(outcomes.filter((outcome) => outcome !== undefined)).toHaveLength(1);
    expect(await services.emitted()).toEqual([paid]);
  });

  it('raises no event when a record is kept in its state, only its data noted', async () => {
    await services.records.create('pay_1', 'pending', {});
    const kept = await services.records.transition('pay_1', { from: ['pending'], to: 'pending', data: { lastAskedAt: 'now' }, emit: [paid] });
    expect(kept).toMatchObject({ status: 'pending', data: { lastAskedAt: 'now' } });
    expect(await services.emitted()).toEqual([]);
  });

  it('writes creations and transitions to the audit log, with key and states but not the data', async () => {
    await services.records.create('pay_1', 'pending', { payerName: 'Nguyễn Văn An' });
    await services.records.transition('pay_1', { from: ['pending'], to: 'paid', emit: [paid] });
    const entries = await services.store.listAudit({}, 100);
    const actions = entries.map((entry) => [entry.action, entry.actor, entry.instance]);
    expect(actions).toEqual([
      ['record.created', 'provider:bank-hue', 'bank-hue'],
      ['record.transition', 'provider:bank-hue', 'bank-hue'],
      ['message.accepted', 'provider:bank-hue', 'webhook-onestop'],
    ]);
    expect(entries[1]?.summary).toEqual({ key: 'pay_1', from: 'pending', to: 'paid' });
    expect(JSON.stringify(entries)).not.toContain('Nguyễn');
    expect(await services.store.verifyAudit()).toMatchObject({ ok: true, checked: 3 });
  });

  it('lists records of one state, least recently updated first, before a time', async () => {
    let now = Date.parse('2026-11-21T00:00:00Z');
    const timed = await openTestServices({ instance: 'bank-hue', now: () => now });
    try {
      for (const key of ['a', 'b', 'c']) {
        now += 1000;
        await timed.records.create(key, 'pending', {});
      }
      now += 1000;
      await timed.records.transition('b', { from: ['pending'], to: 'paid' });
      expect((await timed.records.list({ status: 'pending' })).map((record) => record.key)).toEqual(['a', 'c']);
      const cut = new Date(Date.parse('2026-11-21T00:00:02.500Z')).toISOString();
      expect((await timed.records.list({ status: 'pending', updatedBefore: cut })).map((record) => record.key)).toEqual(['a']);
      expect((await timed.records.list({ status: 'pending', limit: 1 })).map((record) => record.key)).toEqual(['a']);
      await expect(timed.records.list({ status: 'pending', updatedBefore: 'yesterday' })).rejects.toThrow(/not a date/);
    } finally {
      await timed.dispose();
    }
  });

  it('keeps each instance to its own records', async () => {
    const other = await openTestServices({ instance: 'bank-hcm' });
    try {
      await services.records.create('pay_1', 'pending', {});
      expect(await other.records.get('pay_1')).toBeUndefined();
    } finally {
      await other.dispose();
    }
  });
});

describe('plugin events and callback URL', () => {
  it('queues an emitted event for the webhook subscription', async () => {
    await services.emit(paid);
    expect(await services.emitted()).toEqual([paid]);
  });

  it("queues events with an ordering key under that key, so that one payment's events keep their order", async () => {
    await services.emit({ ...paid, orderingKey: 'pay_1' });
    const page = await services.store.listMessages({ capability: 'webhook' }, { limit: 10 });
    expect(page.messages.map((message) => message.orderingKey)).toEqual(['pay_1']);
  });

  it('gives the instance its callback URL on the public base URL', () => {
    expect(services.callbackUrl).toBe(`${TEST_PUBLIC_URL}/v1/callbacks/bank-hue`);
  });
});
