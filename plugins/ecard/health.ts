/**
 * The operator's check of an instance (the admin instances view): the card service answers its health path, and,
 * when a registry is configured, NGSP issues a token for the consumer key and secret. Both are asked at once; the
 * detail says which failed and why, in the plugin's own words (no key, secret or token in them).
 */
import { randomUUID } from 'node:crypto';
import { errorMessage, type HealthContext, type HealthReport } from '../../core/sdk/index.ts';
import { pingCardService } from './card-client.ts';
import type { EcardConfig } from './config.ts';
import { issueToken } from './registry-client.ts';

const outcome = (check: Promise<unknown>): Promise<string> => check.then(
  () => 'ok',
  (error: unknown) => errorMessage(error),
);

export async function health(ctx: HealthContext<EcardConfig>): Promise<HealthReport> {
  const { config, http, signal } = ctx;
  const registry = config.registry;
  const [card, token] = await Promise.all([
    outcome(pingCardService({ config: config.card, http, signal, requestId: `health-${randomUUID()}` })),
    registry ? outcome(issueToken({ config: registry, http, signal })) : Promise.resolve('not configured'),
  ]);
  return { ok: card === 'ok' && (token === 'ok' || token === 'not configured'), detail: { card, registry: token } };
}
