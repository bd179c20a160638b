import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, adminHelpers, openTestGateway, paymentBody, smsBody } from '../app-fixture.test-helper.ts';
import { documentValidator } from './ajv.test-helper.ts';
import { buildOpenApiDocument } from './document.ts';

/** What the real app answers, held to what the document says it answers. */
const validator = documentValidator(buildOpenApiDocument());

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});
const { send, admin } = adminHelpers(() => gateway);

async function expectDocumented(response: Response, status: number, component: string): Promise<void> {
  expect(response.status).toBe(status);
  const result = validator.component(component, await response.json());
  expect(result.valid, `${component}: ${result.errors}`).toBe(true);
}

describe('answers of the app match the document', () => {
  it('async operation, message view, admin list, detail and cancel', async () => {
    await expectDocumented(await gateway.request('/v1/sms/send', { body: smsBody({ reference: 'HS-1' }) }), 202, 'Accepted');
    const id = await send();
    await expectDocumented(await gateway.request(`/v1/messages/${id}`), 200, 'MessageView');
    await expectDocumented(await admin('/admin/v1/messages'), 200, 'MessagePage');
    await expectDocumented(await admin(`/admin/v1/messages/${id}`), 200, 'MessageDetail');
    await expectDocumented(await admin(`/admin/v1/messages/${id}/cancel`, { method: 'POST' }), 200, 'OperatorMessage');
  });

  it('replay of a dead message, by id and by filter', async () => {
    const id = await send();
    await gateway.killDue('sms-a');
    await expectDocumented(await admin('/admin/v1/replay', { body: { dryRun: true } }), 200, 'ReplayOutcome');
    await expectDocumented(await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' }), 200, 'Accepted');
    await expectDocumented(await admin('/admin/v1/replay', { body: {} }), 200, 'ReplayOutcome');
  });

  it('instances, paused and resumed', async () => {
    await send();
    await expectDocumented(await admin('/admin/v1/instances'), 200, 'InstanceList');
    await expectDocumented(await admin('/admin/v1/instances/sms-a/pause', { body: { reason: 'bảo trì' } }), 200, 'InstancePauseState');
    await expectDocumented(await admin('/admin/v1/instances'), 200, 'InstanceList');
    await expectDocumented(await admin(`/v1/messages/${await send()}`), 200, 'MessageView');
    await expectDocumented(await admin('/admin/v1/instances/sms-a/resume', { method: 'POST' }), 200, 'InstancePauseState');
  });

  it('a sync operation', async () => {
    await expectDocumented(await gateway.request('/v1/payment/create', { body: paymentBody() }), 200, 'PaymentCreateOutput');
  });

  it('problems, invalid input included', async () => {
    await expectDocumented(await gateway.request('/v1/sms/send', { body: smsBody({ to: 'nobody' }) }), 400, 'Problem');
    await expectDocumented(await gateway.request('/v1/sms/send', { body: smsBody(), token: null }), 401, 'Problem');
    await expectDocumented(await gateway.request('/admin/v1/instances'), 403, 'Problem');
  });
});
