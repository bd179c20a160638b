/**
 * The adapter test kit: what a plugin's tests import besides `./index.ts`. Built from the runtime's own pieces (the
 * same HTTP client, services and store), so a plugin is tested against what the gateway really hands it.
 */
import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../runtime/outbound/http-client.ts';

export { failure } from './testing/failure.ts';
export { useMswServer } from './testing/msw.ts';
export { simulatorClient, type SimulatorClient } from './testing/simulator-client.ts';
export {
  TEST_AGENCIES,
  TEST_PUBLIC_URL,
  noServices,
  openTestServices,
  testOperationContext,
  type TestOperation,
  type TestServices,
} from './testing/plugin-context.ts';

/** The outbound client an instance gets, with its own pool: keep-alive, no redirects, errors classified. */
export function testHttpClient(options: { timeoutMs?: number; maxSockets?: number } = {}): AxiosInstance {
  return createHttpClient({ timeoutMs: options.timeoutMs ?? 5_000, maxSockets: options.maxSockets ?? 4 });
}
