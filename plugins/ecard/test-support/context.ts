/** Test support: an instance config with the schema's defaults and an operation context around it. */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import * as v from 'valibot';
import { Secret, type OperationContext } from '../../../core/sdk/index.ts';
import { testOperationContext } from '../../../core/sdk/testing.ts';
import { ecardConfigSchema, type EcardConfig } from '../config.ts';
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

/** A parsed config (defaults filled in) pointing at `cardBase` and `ngspBase`; `extra` is merged before parsing. */
export function testConfig(extra: Record<string, unknown> = {}, cardBase = CARD_BASE, ngspBase = NGSP_BASE, tokenUrl = TOKEN_URL): EcardConfig {
  const raw = {
    card: { baseUrl: cardBase, apiKey: new Secret(credentials.cardApiKey), ...(extra.card as object | undefined) },
    registry: extra.registry === null ? undefined : {
      tokenUrl,
      baseUrl: ngspBase,
      consumerKey: credentials.registryKey,
      consumerSecret: new Secret(credentials.registrySecret),
      ...(extra.registry as object | undefined),
    },
    cache: extra.cache,
  };
  return v.parse(ecardConfigSchema, raw);
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

