import { Secret } from '../../../core/sdk/index.ts';
import { type ConfigOverrides, testConfig as schemaConfig } from '../../../core/sdk/testing.ts';
import type { ViettelConfig } from '../config.ts';
import plugin from '../index.ts';

/** The fields the schema has no default for: a made-up account. */
const ACCOUNT = {
  endpoint: 'http://ams.tinnhanthuonghieu.vn:8009/bulkapi',
  user: 'ubnd_tthue',
  password: new Secret('not-a-real-password'),
  cpCode: 'UBNDTTHUE',
  brandname: 'UBND-TTHUE',
};

/** An instance config for tests: the schema's defaults, the made-up account, then `overrides`. */
export function testConfig(overrides: ConfigOverrides<ViettelConfig> = {}): ViettelConfig {
  return schemaConfig(plugin, ACCOUNT, overrides);
}
