/** An operation context for the plugin's tests: a fresh instance id each time, so no test shares a session. */
import type { OperationContext } from '../../../core/sdk/index.ts';
import { testOperationContext } from '../../../core/sdk/testing.ts';
import type { PortalConfig } from '../config.ts';

/** The agency of the tests' messages (the sandbox's first agency). */
export const AGENCY = '000.00.01.H22';

let instances = 0;

/** The plugin keeps no records and emits nothing: `noServices()` fails a test that touches them. */
export function portalContext(config: PortalConfig, overrides: Partial<OperationContext<PortalConfig>> = {}): OperationContext<PortalConfig> {
  instances += 1;
  return testOperationContext({ instance: `portal-test-${instances}`, config, agency: AGENCY, messageId: 'msg_01PORTAL', sequence: 42 }, overrides);
}
