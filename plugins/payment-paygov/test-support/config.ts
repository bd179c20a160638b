import { Secret } from '../../../core/sdk/index.ts';
import { type ConfigOverrides, testConfig as schemaConfig } from '../../../core/sdk/testing.ts';
import type { PaygovConfig } from '../config.ts';
import plugin from '../index.ts';

/** The fields the schema has no default for, a made-up partner and secret, and the address the tests' INITs carry. */
const PARTNER = {
  endpoint: 'https://thanhtoan.dvcqg.test',
  partnerCode: 'UBND_TTHUE',
  secret: new Secret('not-a-real-secret-0001'),
  ip: '10.0.0.7',
};

/** An instance config for tests: the schema's defaults, the made-up partner, then `overrides`. */
export function testConfig(overrides: ConfigOverrides<PaygovConfig> = {}): PaygovConfig {
  return schemaConfig(plugin, PARTNER, overrides);
}
