/**
 * The adapter test kit: what a plugin's tests import besides `./index.ts`. Built from the runtime's own pieces (the
 * same HTTP client, services and store), so a plugin is tested against what the gateway really hands it.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../runtime/outbound/http-client.ts';

export { expectCapabilityOutput } from './testing/capability-output.ts';
export { testConfig, type ConfigOverrides, type ConfiguredPlugin } from './testing/config.ts';
export { failure, thrown } from './testing/failure.ts';
export { useMswServer } from './testing/msw.ts';
export { sandboxClient, type CallOptions, type MessageView, type SandboxAddress, type SandboxClient } from './testing/sandbox-client.ts';
export { announceSandbox, spawnSandbox, type SandboxProcess } from './testing/sandbox-process.ts';
export { startTestSandbox, type ChildSandboxOptions, type InProcessSandboxOptions, type TestSandbox, type TestSandboxSettings } from './testing/test-sandbox.ts';
export {
  readSentRequest,
  recordJsonRequests,
  recordRequests,
  type RecordedRequests,
  type SentJsonRequest,
  type SentRequest,
} from './testing/sent-requests.ts';
export { simulatorClient, type SimulatorClient } from './testing/simulator-client.ts';
export {
  TEST_AGENCIES,
  TEST_PUBLIC_URL,
  noServices,
  openTestServices,
  testCallbackContext,
  testHealthContext,
  testOperationContext,
  testTaskContext,
  type TestInstance,
  type TestOperation,
  type TestServices,
  type TestServicesOptions,
  type TestTask,
} from './testing/plugin-context.ts';

/** The outbound client an instance gets, with its own pool: keep-alive, no redirects, errors classified. */
export function testHttpClient(options: { timeoutMs?: number; maxSockets?: number } = {}): AxiosInstance {
  return createHttpClient({ timeoutMs: options.timeoutMs ?? 5_000, maxSockets: options.maxSockets ?? 4 });
}
