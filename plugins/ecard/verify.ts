/**
 * `verify`: card number + PIN or one-time code → verified or not, and whether the provider locked the card. A
 * verification is never answered from a stale cache; with `cache.verifyTtlMs` a PIN answer may be reused for that
 * long, but never a lockout, and never a one-time code (the provider must see each one).
 */
import type * as v from 'valibot';
import type { ecardVerifyInput } from '../../core/capabilities/ecard.ts';
import { verifyHolder } from './card-client.ts';
import { callsOf, notFound, type EcardContext } from './context.ts';
import { pinCacheKey, type Verification } from './instance-state.ts';
import { valueAt } from './answer-fields.ts';
import { maskCardNumber } from './results.ts';

type VerifyInput = v.InferOutput<typeof ecardVerifyInput>;

export async function verify(input: VerifyInput, ctx: EcardContext): Promise<Verification> {
  const calls = callsOf(ctx);
  const method = input.pin !== undefined ? 'pin' : 'otp';
  const value = input.pin ?? input.otp ?? '';
  const cacheKey = method === 'pin' ? pinCacheKey(input.cardNumber, value) : undefined;
  const cached = cacheKey === undefined ? undefined : calls.state.verifications.fresh(cacheKey);
  if (cached) return cached;

  const answer = await verifyHolder(calls.card, input.cardNumber, method, value);
  const { fields } = ctx.config.card;
  let verification: Verification;
  switch (answer.verdict) {
    case 'ok':
      // An `ok` envelope may still say `verified: false`; only an explicit false counts as a failure.
      verification = { verified: valueAt(answer.data, fields.verified) !== false, locked: false };
      break;
    case 'wrong-secret': {
      const remaining = valueAt(answer.data, fields.remainingAttempts);
      verification = { verified: false, locked: false, ...(typeof remaining === 'number' && remaining >= 0 ? { remainingAttempts: remaining } : {}) };
      break;
    }
    case 'locked':
      verification = { verified: false, locked: true, remainingAttempts: 0 };
      break;
    case 'not-found':
      throw notFound(`card service, card ${maskCardNumber(input.cardNumber)}: no such card`);
  }
  ctx.log.info({ method, verified: verification.verified, locked: verification.locked }, 'card holder verification answered');
  if (cacheKey !== undefined && !verification.locked) calls.state.verifications.set(cacheKey, verification);
  return verification;
}
