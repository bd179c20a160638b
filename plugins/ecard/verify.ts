/**
 * `verify`: card number + PIN or one-time code → verified or not, and whether the provider locked the card. A
 * verification is never answered from a stale cache. With `cache.verifyTtlMs` a card's successful PIN verification
 * may be reused for that long for the same PIN; every other answer for the card (a wrong PIN or code, a lockout, a
 * refusal) drops it at once. A one-time code always goes to the provider, which must see each one.
 */
import type * as v from 'valibot';
import type { ecardVerifyInput } from '../../core/capabilities/ecard.ts';
import { PermanentError, maskAccount } from '../../core/sdk/index.ts';
import { malformedAnswer } from './answer-codes.ts';
import { valueAt } from './answer-fields.ts';
import { notKnown, verifyHolder, type CardAnswer, type CardCall } from './card-client.ts';
import type { CardServiceConfig } from './config.ts';
import { callsOf, type EcardContext } from './context.ts';
import { pinDigest, type Verification } from './instance-state.ts';

type VerifyInput = v.InferOutput<typeof ecardVerifyInput>;

export async function verify(input: VerifyInput, ctx: EcardContext): Promise<Verification> {
  const calls = callsOf(ctx);
  const { pinSuccesses } = calls.state;
  const { cardNumber, pin } = input;
  const digest = pin === undefined ? undefined : pinDigest(cardNumber, pin);
  const cached = digest === undefined ? undefined : pinSuccesses.fresh(cardNumber);
  if (cached && cached.pinDigest === digest) return cached.verification;

  let verification: Verification;
  try {
    verification = await askProvider(input, calls.card);
  } catch (error) {
    if (error instanceof PermanentError) pinSuccesses.delete(cardNumber);
    throw error;
  }
  ctx.log.info({ method: pin === undefined ? 'otp' : 'pin', verified: verification.verified, locked: verification.locked }, 'card holder verification answered');
  if (verification.verified && digest !== undefined) pinSuccesses.set(cardNumber, { pinDigest: digest, verification });
  else if (!verification.verified) pinSuccesses.delete(cardNumber);
  return verification;
}

async function askProvider(input: VerifyInput, card: CardCall): Promise<Verification> {
  const method = input.pin !== undefined ? 'pin' : 'otp';
  const about = `card service, verification of card ${maskAccount(input.cardNumber)}`;
  const answer = await verifyHolder(card, input.cardNumber, method, input.pin ?? input.otp ?? '');
  const { fields } = card.config;
  switch (answer.verdict) {
    case 'ok':
      return { verified: verifiedOf(answer, card.config, about), locked: false };
    case 'wrong-secret': {
      const remaining = valueAt(answer.data, fields.remainingAttempts);
      return { verified: false, locked: false, ...(typeof remaining === 'number' && remaining >= 0 ? { remainingAttempts: remaining } : {}) };
    }
    case 'locked':
      return { verified: false, locked: true, remainingAttempts: 0 };
    case 'not-found':
      throw notKnown(answer, about);
  }
}

/** The success code verifies unless the answer says otherwise; anything but true or false there is not read as either. */
function verifiedOf(answer: CardAnswer, config: CardServiceConfig, about: string): boolean {
  const verified = valueAt(answer.data, config.fields.verified);
  if (verified === undefined) return true;
  if (typeof verified === 'boolean') return verified;
  throw malformedAnswer(about, `${config.fields.verified} is neither true nor false`);
}
