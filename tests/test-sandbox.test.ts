/**
 * Whole-gateway: the test kit's sandbox (core/sdk/testing/test-sandbox.ts), as an adapter author starts it, with the
 * echo SMS stand-in: in this process and in a child process, called and read back through its client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClient, startTestSandbox, type TestSandbox } from '../core/sdk/testing.ts';
import type { EchoReceipt } from './support/echo-sms/simulator.ts';
import echoSms from './support/echo-sms/index.ts';

const AGENCY = '000.00.01.H22';
const sms = (n: number) => ({ agency: AGENCY, to: '0981234567', text: `Hồ sơ HS-${n} đã được tiếp nhận` });

const control = (sandbox: TestSandbox, settings: Record<string, unknown>) => simulatorClient(sandbox.simulators['echo-sms'] ?? '').control(settings);

describe('a test sandbox in this process', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ plugins: [echoSms], delivery: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 2 } });
  });
  afterAll(() => sandbox?.stop());

  it('queues an SMS with the client key, and waits until it is delivered through the simulator', async () => {
    const answer = await sandbox.call('sms', 'send', sms(1));
    expect(answer.status).toBe(202);
    const { id } = (await answer.json()) as { id: string };
    const delivered = await sandbox.waitFor(id, 'succeeded');
    expect(delivered).toMatchObject({ id, capability: 'sms', operation: 'send', agency: AGENCY, plugin: 'echo-sms', status: 'succeeded', result: { providerMessage: 'accepted' } });
    const received = (await (await fetch(`${sandbox.simulators['echo-sms']}/__received`)).json()) as EchoReceipt[];
    expect(received).toContainEqual(expect.objectContaining({ requestId: id, to: '84981234567' }));
  });

  it('answers a repeat with the same Idempotency-Key with the same message', async () => {
    const first = (await (await sandbox.call('sms', 'send', sms(2), { idempotencyKey: 'hs-2' })).json()) as { id: string };
    const again = (await (await sandbox.call('sms', 'send', sms(2), { idempotencyKey: 'hs-2' })).json()) as { id: string };
    expect(again.id).toBe(first.id);
  });

  it('fails waitFor with the last error when the message goes dead instead', async () => {
    await control(sandbox, { failRate: 1, failMode: 'permanent' });
    const { id } = (await (await sandbox.call('sms', 'send', sms(3))).json()) as { id: string };
    await expect(sandbox.waitFor(id, 'succeeded')).rejects.toThrow(`message ${id} is dead, not succeeded: provider answered rejected`);
    await control(sandbox, { failRate: 0 });
    expect((await sandbox.message(id)).status).toBe('dead');
  });

  it('reads the admin API with the operator key; the client key is refused there', async () => {
    const { instances } = await sandbox.admin<{ instances: Array<{ id: string; plugin: string }> }>('/admin/v1/instances');
    expect(instances.map((instance) => instance.plugin)).toContain('echo-sms');
    const refused = await fetch(`${sandbox.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${sandbox.keys.client}` } });
    expect(refused.status).toBe(403);
  });
});

describe('a test sandbox in a child process', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ child: { plugins: [new URL('./support/echo-sms/index.ts', import.meta.url)] } });
  });
  afterAll(() => sandbox?.stop());

  it('runs the plugins it was given in a process of its own, and delivers through them', async () => {
    expect(sandbox.process?.child.pid).not.toBe(process.pid);
    expect(Object.keys(sandbox.simulators).sort()).toEqual(['echo-sms', 'webhook']);
    const { id } = (await (await sandbox.call('sms', 'send', sms(4))).json()) as { id: string };
    expect(await sandbox.waitFor(id, 'succeeded')).toMatchObject({ plugin: 'echo-sms', attempts: 1 });
  });

  it('stops on SIGTERM', async () => {
    await sandbox.stop();
    expect(await sandbox.process?.exited).toBe(0);
  });
});
