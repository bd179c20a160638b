import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, openTestGateway } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
  await gateway.store.createRecord({ instance: 'payment-a', key: 'pay_1', status: 'pending', data: {}, now: gateway.clock.t, actor: 'test' });
});
afterEach(() => gateway.dispose());

const notice = (body: Record<string, unknown>) => gateway.request('/v1/callbacks/payment-a', { token: null, body });
const callbackEntries = async () => (await gateway.store.listAudit({}, 100)).filter((entry) => entry.action === 'callback.received');

describe('POST /v1/callbacks/{instance}', () => {
  it("hands the notice to the instance's plugin, whose records change once however often it comes", async () => {
    const answers = await Promise.all([notice({ paymentId: 'pay_1', signature: 'valid' }), notice({ paymentId: 'pay_1', signature: 'valid' })]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await gateway.store.getRecord('payment-a', 'pay_1')).toMatchObject({ status: 'paid' });
    const transitions = (await gateway.store.listAudit({}, 100)).filter((entry) => entry.action === 'record.transition');
    expect(transitions).toHaveLength(1);
    const entries = await callbackEntries();
    expect(entries.map((entry) => entry.summary.repeated).sort()).toEqual([false, true]);
    expect(entries.every((entry) => entry.actor === 'provider:payment-a' && entry.summary.accepted === true)).toBe(true);
  });

  it("audits a refused notice as not accepted even when the provider's form answers HTTP 200, personal data masked", async () => {
    const answer = await notice({ paymentId: 'pay_1', signature: 'forged', payerName: 'Nguyễn Văn An' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ code: '97' });
    expect(await gateway.store.getRecord('payment-a', 'pay_1')).toMatchObject({ status: 'pending' });
    const [entry] = await callbackEntries();
    expect(entry?.summary).toMatchObject({ accepted: false, status: 200, reason: 'bad signature' });
    expect(JSON.stringify(entry)).not.toContain('Nguyễn Văn An');
  });

  it('takes a bare Response as accepted when it is a 2xx', async () => {
    const answer = await notice({ paymentId: 'pay_1', signature: 'plain' });
    expect(answer.status).toBe(202);
    const [entry] = await callbackEntries();
    expect(entry?.summary).toMatchObject({ accepted: true, status: 202 });
  });

  it('audits a notice the plugin failed on, and answers 500', async () => {
    const answer = await notice({ paymentId: 'pay_1', signature: 'crash' });
    expect(answer.status).toBe(500);
    const [entry] = await callbackEntries();
    expect(entry?.summary).toMatchObject({ accepted: false, status: 500, error: 'store unavailable while handling pay_1' });
  });

  it('answers 404 for an instance that takes no callbacks, and audits nothing', async () => {
    const answer = await gateway.request('/v1/callbacks/sms-a', { token: null, body: {} });
    expect(answer.status).toBe(404);
    expect(await callbackEntries()).toEqual([]);
  });
});
