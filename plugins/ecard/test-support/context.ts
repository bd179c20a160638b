/** Test support: an instance config with the schema's defaults and an operation context around it. */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Secret, type OperationContext } from '../../../core/sdk/index.ts';
import { type ConfigOverrides, testConfig as schemaConfig, testOperationContext } from '../../../core/sdk/testing.ts';
import type { EcardConfig } from '../config.ts';
import plugin from '../index.ts';
export { failure } from '../../../core/sdk/testing.ts';

/** Made per test run: nothing here is a real credential. */
export const credentials = {
  cardApiKey: randomBytes(18).toString('base64url'),
  registryKey: `test_${randomBytes(4).toString('hex')}`,
  registrySecret: randomBytes(18).toString('base64url'),
};

export const CARD_BASE = 'http://ecard.test/api';
export const NGSP_BASE = 'http://ngsp.test';
export const TOKEN_URL = 'http://ngsp.test/token';

/**
 * An instance config for tests, with a registry: the schema's defaults, the services at `cardBase`, `ngspBase` and
 * `tokenUrl` with the made-up credentials, then `overrides` (`registry: undefined` leaves the registry out).
 */
export function testConfig(overrides: ConfigOverrides<EcardConfig> = {}, cardBase = CARD_BASE, ngspBase = NGSP_BASE, tokenUrl = TOKEN_URL): EcardConfig {
  const services = {
    card: { baseUrl: cardBase, apiKey: new Secret(credentials.cardApiKey) },
    registry: { tokenUrl, baseUrl: ngspBase, consumerKey: credentials.registryKey, consumerSecret: new Secret(credentials.registrySecret) },
  };
  return schemaConfig(plugin, services, overrides);
}

/** Log lines the plugin wrote, as text, so tests can check what was (not) logged. */
export function capturedLog() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

let counter = 0;

/** A fresh context; each gets its own HTTP client, so caches and tokens start empty unless `http` is shared. */
export function testContext(config: EcardConfig, overrides: Partial<OperationContext<EcardConfig>> = {}): OperationContext<EcardConfig> {
  counter += 1;
  // No services: the plugin keeps no records and emits nothing, and using them fails the test.
  return testOperationContext({ instance: 'ecard-hue', config, agency: '000.00.01.H22', messageId: `msg_ECARD${String(counter).padStart(4, '0')}` }, overrides);
}

