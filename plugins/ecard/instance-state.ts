/**
 * What an instance keeps in memory between calls: the registry token and the caches. Keyed by the instance's HTTP
 * client (dropped with the instance) and its config object (a new config starts afresh).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import type * as v from 'valibot';
import type { ecardDocumentsOutput, ecardVerifyOutput, enterpriseProfile } from '../../core/capabilities/ecard.ts';
import type { EcardConfig } from './config.ts';
import { TokenCache } from './token-cache.ts';
import { TtlCache } from './ttl-cache.ts';

export type Profile = v.InferOutput<typeof enterpriseProfile>;
export type DocumentList = v.InferOutput<typeof ecardDocumentsOutput>;
export type Verification = v.InferOutput<typeof ecardVerifyOutput>;

/** A card's last successful PIN verification, and an HMAC of the PIN that passed (never the PIN). */
export interface PinSuccess {
  pinDigest: string;
  verification: Verification;
}

export interface InstanceState {
  tokens: TokenCache;
  /** Under `card:<card number>` and `tax:<tax code>`. */
  profiles: TtlCache<Profile>;
  /** Under the card number. */
  documents: TtlCache<DocumentList>;
  /** Under the card number: one success a card, so that a later failure or refusal for the card drops it. */
  pinSuccesses: TtlCache<PinSuccess>;
}

const states = new WeakMap<AxiosInstance, Map<string, { config: EcardConfig; state: InstanceState }>>();

export function createInstanceState(config: EcardConfig, now: () => number = Date.now): InstanceState {
  const { cache } = config;
  const sized = { maxEntries: cache.maxEntries, now };
  return {
    tokens: new TokenCache(config.registry?.tokenMarginMs ?? 0, now),
    profiles: new TtlCache({ ttlMs: cache.lookupTtlMs, staleMs: cache.staleIfErrorMs, ...sized }),
    documents: new TtlCache({ ttlMs: cache.documentsTtlMs, staleMs: 0, ...sized }),
    // Never stale: a verification is answered by the provider or not at all.
    pinSuccesses: new TtlCache({ ttlMs: cache.verifyTtlMs, staleMs: 0, ...sized }),
  };
}

export function instanceState(ctx: { instance: string; config: EcardConfig; http: AxiosInstance }): InstanceState {
  let byInstance = states.get(ctx.http);
  if (!byInstance) {
    byInstance = new Map();
    states.set(ctx.http, byInstance);
  }
  const kept = byInstance.get(ctx.instance);
  if (kept && kept.config === ctx.config) return kept.state;
  const state = createInstanceState(ctx.config);
  byInstance.set(ctx.instance, { config: ctx.config, state });
  return state;
}

/** Per process: the cache holds an HMAC of a PIN under a key that never leaves memory. */
const PIN_KEY = randomBytes(32);

export function pinDigest(cardNumber: string, pin: string): string {
  return createHmac('sha256', PIN_KEY).update(`${cardNumber}\n${pin}`).digest('base64url');
}
