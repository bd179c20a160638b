import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from './failure.ts';
import { type TestServices, TEST_PUBLIC_URL, noServices, openTestServices, testCallbackContext, testHealthContext, testOperationContext, testTaskContext } from './plugin-context.ts';

const config = { endpoint: 'http://bank.test' };
let services: TestServices;
beforeEach(async () => {
  services = await openTestServices({ instance: 'bank-hue' });
});
afterEach(() => services.dispose());

describe("the test kit's contexts", () => {
  it('gives an operation its first attempt, the message and the callback URL of the services', () => {
    const ctx = testOperationContext({ instance: 'bank-hue', config, agency: '000.00.01.H22', messageId: 'msg_1', services });
    expect(ctx).toMatchObject({ instance: 'bank-hue', config, agency: '000.00.01.H22', messageId: 'msg_1', attempt: 1, triedBefore: false, sequence: undefined });
    expect(ctx.callbackUrl).toBe(`${TEST_PUBLIC_URL}/v1/callbacks/bank-hue`);
    expect(ctx.signal.aborted).toBe(false);
    expect(testOperationContext({ instance: 'bank-hue', config, agency: '000.00.01.H22', messageId: 'msg_1' }, { attempt: 3 }).attempt).toBe(3);
  });

  it("gives a callback the services' records and events", async () => {
    const ctx = testCallbackContext({ instance: 'bank-hue', config, services });
    await ctx.records.create('pay_1', 'pending', {});
    expect(await services.records.get('pay_1')).toMatchObject({ status: 'pending' });
    expect(Object.keys(ctx).sort()).toEqual(['config', 'emit', 'http', 'instance', 'log', 'records']);
  });

  it('refuses records and events to a hook given no services', async () => {
    const ctx = testCallbackContext({ instance: 'bank-hue', config });
    expect((await failure(ctx.records.get('pay_1'))).message).toBe('this test gives the plugin no records');
    expect(noServices().callbackUrl).toBe(`${TEST_PUBLIC_URL}/v1/callbacks/test-instance`);
  });

  it("gives a task an audit that writes as the task runner does: as the task, for the instance, personal data masked", async () => {
    const ctx = testTaskContext({ instance: 'bank-hue', config, services, task: 'reconcile' });
    await ctx.audit('payment.answer-refused', { paymentId: 'pay_1', payerPhone: '0981234567' });
    const [entry] = (await services.store.listAudit({}, 10)).filter((found) => found.action === 'payment.answer-refused');
    expect(entry).toMatchObject({ actor: 'task:reconcile', instance: 'bank-hue', summary: { paymentId: 'pay_1' } });
    expect(JSON.stringify(entry)).not.toContain('0981234567');
    expect(ctx.signal.aborted).toBe(false);
  });

  it("gives a health check the instance's config and a signal, the given one when there is one", () => {
    const ctx = testHealthContext({ instance: 'bank-hue', config });
    expect(Object.keys(ctx).sort()).toEqual(['config', 'http', 'instance', 'log', 'signal']);
    expect(testHealthContext({ instance: 'bank-hue', config }, { signal: AbortSignal.abort() }).signal.aborted).toBe(true);
  });
});
