import { Secret } from '../../../core/sdk/index.ts';
import { type ConfigOverrides, testConfig as schemaConfig } from '../../../core/sdk/testing.ts';
import type { PortalConfig } from '../config.ts';
import plugin from '../index.ts';

/** The fields the schema has no default for: the adapter's paths and a made-up account. */
const ACCOUNT = {
  adapterUrl: 'http://portal.test',
  authPath: '/api/auth/login',
  integrationPath: '/api/integration',
  username: 'ubnd_tthue',
  password: new Secret('not-a-real-password'),
  dstcode: '000.00.01.H22',
};

/** An instance config for tests: the schema's defaults, the made-up account, then `overrides`. */
export function testConfig(overrides: ConfigOverrides<PortalConfig> = {}): PortalConfig {
  return schemaConfig(plugin, ACCOUNT, overrides);
}
