import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, openTestGateway, smsBody } from './app-fixture.test-helper.ts';

/** A queued message held by its instance's open circuit says so, to the caller and to operators. */
let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway({ instances: [{ id: 'sms-a', plugin: 'test-sms', agencies: ['*'], delivery: { breakerThreshold: 2, breakerCooldownMs: 60_000 } }] });
});
afterEach(async () => {
  await gateway.dispose();
});

async function view(path: string, token: string) {
  return (await (await gateway.request(path, { token })).json()) as { waitingFor: string | null; status: string };
}

describe('waitingFor', () => {
  it("is null while the circuit is closed, 'circuit' while it is open, for the caller and for operators", async () => {
    const { id } = (await (await gateway.request('/v1/sms/send', { body: smsBody() })).json()) as { id: string };
    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toMatchObject({ status: 'queued', waitingFor: null });

    const instance = gateway.context.instances.get('sms-a');
    instance?.breaker.failed(gateway.clock.now());
    instance?.breaker.failed(gateway.clock.now());

    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toMatchObject({ status: 'queued', waitingFor: 'circuit' });
    expect(await view(`/admin/v1/messages/${id}`, gateway.operator.token)).toMatchObject({ waitingFor: 'circuit' });
  });
});
