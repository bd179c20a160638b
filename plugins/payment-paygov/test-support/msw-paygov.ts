/** Test support for the msw tests: contexts against a fake platform, and what the plugin sent to it. */
import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { Secret, type CallbackContext, type OperationContext, type PluginServices, type TaskContext } from '../../../core/sdk/index.ts';
import {
  type ConfigOverrides,
  recordRequests,
  type SentRequest,
  type TestServices,
  testCallbackContext,
  testOperationContext,
  testTaskContext,
} from '../../../core/sdk/testing.ts';
import type { PaygovConfig } from '../config.ts';
import { reconcilePending } from '../reconcile.ts';
import { testConfig } from './config.ts';
import { INSTANCE } from './services.ts';
export { failure } from '../../../core/sdk/testing.ts';

export const endpoint = 'https://thanhtoan.dvcqg.test';
export const initUrl = `${endpoint}/api/payment/init`;
export const queryUrl = `${endpoint}/api/payment/query`;
export const secretText = `s3cret|${randomBytes(8).toString('hex')}`;
export const agency = '000.00.02.H22';
export const createInput = { agency, dossierCode: '000.00.02.H22-261121-0001', amount: 50_000, description: 'Lệ phí hồ sơ 000.00.02.H22-261121-0001' };

export function config(overrides: ConfigOverrides<PaygovConfig> = {}): PaygovConfig {
  return testConfig({ endpoint, secret: new Secret(secretText), ...overrides });
}

export function context(services: PluginServices, overrides: Partial<OperationContext<PaygovConfig>> = {}, configOverrides: ConfigOverrides<PaygovConfig> = {}): OperationContext<PaygovConfig> {
  return testOperationContext({ instance: INSTANCE, config: config(configOverrides), agency, messageId: 'msg_01JDQ4ZK8X7V2M3N4P5Q6R7S8T', services }, overrides);
}

export function callbackContext(services: PluginServices, configOverrides: ConfigOverrides<PaygovConfig> = {}): CallbackContext<PaygovConfig> {
  return testCallbackContext({ instance: INSTANCE, config: config(configOverrides), services });
}

export function taskContext(services: TestServices, configOverrides: ConfigOverrides<PaygovConfig> = {}): TaskContext<PaygovConfig> {
  return testTaskContext({ instance: INSTANCE, config: config(configOverrides), services, task: reconcilePending.name });
}

/** Answers every POST to `url` with `answer` and keeps what was sent. */
export function platformAnswering(server: SetupServer, url: string, answer: (sent: SentRequest) => Response | Promise<Response>): SentRequest[] {
  const messages = recordRequests();
  server.use(
    http.post(url, async ({ request }) => answer(await messages.record(request))),
  );
  return messages.sent;
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => HttpResponse.json(body as Record<string, unknown>, { status, headers });

