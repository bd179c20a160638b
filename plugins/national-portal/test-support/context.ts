/** An operation context for the plugin's tests: a fresh instance id each time, so no test shares a session. */
import { pino } from 'pino';
import { createHttpClient } from '../../../core/outbound/http-client.ts';
import type { OperationContext } from '../../../core/plugin.ts';
import { noServices } from '../../../tests/support/plugin-services.ts';
import type { PortalConfig } from '../config.ts';

/** The agency of the tests' messages (the sandbox's first agency). */
export const AGENCY = '000.00.01.H22';

let instances = 0;

/** The plugin keeps no records and emits nothing: `noServices()` fails a test that touches them. */
export function portalContext(config: PortalConfig, overrides: Partial<OperationContext<PortalConfig>> = {}): OperationContext<PortalConfig> {
  instances += 1;
  return {
    instance: `portal-test-${instances}`,
    config,
    log: pino({ level: 'silent' }),
    messageId: 'msg_01PORTAL',
    sequence: 42,
    attempt: 1,
    triedBefore: false,
    agency: AGENCY,
    signal: new AbortController().signal,
    http: createHttpClient({ timeoutMs: 5_000, maxSockets: 4 }),
    ...noServices(),
    ...overrides,
  };
}
