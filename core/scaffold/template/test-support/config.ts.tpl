import { Secret } from '../../../core/sdk/index.ts';
import { testConfig as schemaConfig, type ConfigOverrides } from '../../../core/sdk/testing.ts';
import type { __NAME__Config } from '../config.ts';
import plugin from '../index.ts';

export const ENDPOINT = 'https://api.__ID__.test';
export const API_KEY = 'test-key-0123456789abcdef';

/** An instance config for tests: the schema's defaults, a made-up account, then `overrides`. */
export function testConfig(overrides: ConfigOverrides<__NAME__Config> = {}): __NAME__Config {
  return schemaConfig(plugin, { endpoint: ENDPOINT, apiKey: new Secret(API_KEY) }, overrides);
}
