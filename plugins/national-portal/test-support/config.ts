import { Secret } from '../../../core/sdk/index.ts';
import type { PortalConfig } from '../config.ts';

/** An instance config for tests, with the defaults the schema fills in; made-up credentials. */
export function testConfig(overrides: Partial<PortalConfig> = {}): PortalConfig {
  return {
    adapterUrl: 'http://portal.test',
    authPath: '/api/auth/login',
    integrationPath: '/api/integration',
    username: 'ubnd_tthue',
    password: new Secret('not-a-real-password'),
    dstcode: '000.00.01.H22',
    unitCodes: {},
    progressBatchSize: 20,
    progressBatchWindowMs: 5,
    existsCodes: ['3', '-3'],
    sessionRejectedCodes: ['-2', '401'],
    ...overrides,
  };
}
