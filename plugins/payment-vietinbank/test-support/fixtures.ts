/**
 * Test support: an account with key pairs made at run time, an instance config for it, the bank's signed answers,
 * and operation, callback and task contexts built by the test kit, backed by its real SQLite records.
 */
import { pino } from 'pino';
import type { CallbackContext, OperationContext, TaskContext } from '../../../core/sdk/index.ts';
import {
  type ConfigOverrides,
  openTestServices as openKitServices,
  testCallbackContext,
  testConfig as schemaConfig,
  testHttpClient,
  testOperationContext,
  type TestServices,
  type TestServicesOptions,
  testTaskContext,
} from '../../../core/sdk/testing.ts';
import type { VietinbankConfig } from '../config.ts';
import plugin from '../index.ts';
import { reconcileTask } from '../reconcile.ts';
import { signed } from '../signature.ts';
import type { SignedMessage } from '../signature-fields.ts';
import { instanceConfigFor, newSandboxAccount, type SandboxAccount } from '../simulator/index.ts';

export const ENDPOINT = 'http://api.vietinbank.test/vtb';
export const AGENCY = '000.00.01.H22';

/** Made once per test file: RSA key generation is the slow part. */
let shared: SandboxAccount | undefined;
export const account = (): SandboxAccount => (shared ??= newSandboxAccount());

/** An instance config for tests: the schema's defaults, the test account's keys at `endpoint`, then `overrides`. */
export function testConfig(overrides: ConfigOverrides<VietinbankConfig> = {}, endpoint = ENDPOINT): VietinbankConfig {
  return schemaConfig(plugin, instanceConfigFor(account(), endpoint), overrides);
}

export const silentLog = pino({ level: 'silent' });

export const http = () => testHttpClient({ timeoutMs: 5_000, maxSockets: 4 });

export function operationContext(services: TestServices, overrides: Partial<OperationContext<VietinbankConfig>> = {}): OperationContext<VietinbankConfig> {
  return testOperationContext({ instance: services.instance, config: testConfig(), agency: AGENCY, messageId: 'msg_01PAYMENT', services }, overrides);
}

export function callbackContext(services: TestServices, config = testConfig()): CallbackContext<VietinbankConfig> {
  return testCallbackContext({ instance: services.instance, config, services });
}

export function taskContext(services: TestServices, config = testConfig()): TaskContext<VietinbankConfig> {
  return testTaskContext({ instance: services.instance, config, services, task: reconcileTask.name });
}

/** A body signed by the bank, as its answers and notices are. */
export function bankSigned<T extends Record<string, unknown>>(type: SignedMessage, body: T) {
  return signed(type, body, account().bankPrivateKey, 'sha256');
}

/** The test kit's services for this plugin: an event it emits without declaring it fails the test. */
export const openTestServices = (options: TestServicesOptions = {}) => openKitServices({ plugin, ...options });
export type { TestServices };

/** A payment as create stores it, written straight to the records. */
export async function storePayment(services: TestServices, paymentId = 'PAY000000001', data: Record<string, unknown> = {}) {
  const stored = {
    requestId: paymentId,
    amount: 150000,
    agency: AGENCY,
    dossierCode: '000.00.01.H22-261121-0001',
    expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    ...data,
  };
  await services.records.create(paymentId, 'pending', stored);
  return stored;
}
