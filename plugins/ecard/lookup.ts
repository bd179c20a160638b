/**
 * `lookup`: a card number or a tax code → the enterprise profile. A tax code the card service does not know is
 * looked up in the national business registry; `source` says which answered. Profiles are cached per instance, and
 * when a provider is down a cached one may be answered with `stale: true`; a refusal is never hidden that way.
 */
import type * as v from 'valibot';
import type { ecardLookupInput } from '../../core/capabilities/ecard.ts';
import { PermanentError, maskAccount } from '../../core/sdk/index.ts';
import { cardProfile, dataOf, enterpriseProfile } from './card-client.ts';
import { callsOf, notFound, type Calls, type EcardContext } from './context.ts';
import type { Profile } from './instance-state.ts';
import { profileFromCard, profileFromRegistry } from './profiles.ts';
import { registryLookup } from './registry-client.ts';
import type { TtlCache } from './ttl-cache.ts';

type LookupInput = v.InferOutput<typeof ecardLookupInput>;

const cardKey = (cardNumber: string) => `card:${cardNumber}`;
const taxKey = (taxCode: string) => `tax:${taxCode}`;
const keyOf = (input: LookupInput) => (input.cardNumber !== undefined ? cardKey(input.cardNumber) : taxKey(input.taxCode ?? ''));

export async function lookup(input: LookupInput, ctx: EcardContext): Promise<Profile> {
  const calls = callsOf(ctx);
  const { profiles } = calls.state;
  const key = keyOf(input);
  const fresh = profiles.fresh(key);
  if (fresh) return checkedAgainst(input, fresh);
  try {
    const profile = checkedAgainst(input, await fetchProfile(input, calls, ctx));
    remember(profiles, key, profile);
    return profile;
  } catch (error) {
    if (error instanceof PermanentError) {
      // A refusal stands, now and during a later outage: what was cached before it is not answered again.
      forget(profiles, key);
      throw error;
    }
    const stale = profiles.stale(key);
    if (!stale) throw error;
    ctx.log.warn({ err: error, source: stale.source }, 'provider unavailable: answering a cached profile marked stale');
    return { ...checkedAgainst(input, stale), stale: true };
  }
}

async function fetchProfile(input: LookupInput, calls: Calls, ctx: EcardContext): Promise<Profile> {
  const { cardNumber, taxCode } = input;
  if (cardNumber !== undefined) {
    const about = `card service, card ${maskAccount(cardNumber)}`;
    return profileFromCard(dataOf(await cardProfile(calls.card, cardNumber), about), ctx.config.card, ctx.log, about);
  }
  if (taxCode === undefined) throw new PermanentError('give cardNumber or taxCode', { code: 'BAD_INPUT' });
  const about = `card service, tax code ${taxCode}`;
  const answer = await enterpriseProfile(calls.card, taxCode);
  if (answer.verdict !== 'not-found') return profileFromCard(dataOf(answer, about), ctx.config.card, ctx.log, about);
  // The card service no longer knows it: a profile it gave earlier must not come back as stale while the registry is down.
  const key = taxKey(taxCode);
  if (calls.state.profiles.stale(key)?.source === 'ecard') forget(calls.state.profiles, key);
  if (!calls.registry) throw notFound(`no business with tax code ${taxCode} on an e-card (no registry configured for the fallback)`);
  const registered = await registryLookup(calls.registry, taxCode);
  if (registered.verdict !== 'ok') throw notFound(`no business with tax code ${taxCode}, neither on an e-card nor in the national business registry`);
  ctx.log.info({ taxCode }, 'the card service does not know the tax code: answered from the national business registry');
  return profileFromRegistry(registered.body, calls.registry.config, taxCode, `national business registry, tax code ${taxCode}`);
}

/** Both given: they must name one business. */
function checkedAgainst(input: LookupInput, profile: Profile): Profile {
  if (input.cardNumber !== undefined && input.taxCode !== undefined && profile.taxCode !== input.taxCode) {
    throw new PermanentError(`card ${maskAccount(input.cardNumber)} belongs to another tax code than the one given`, { code: 'TAX_CODE_MISMATCH' });
  }
  return profile;
}

/**
 * A card's profile answers for its card number and its tax code alike. A registry profile only for the tax code
 * asked: under another one it would stand in front of the card service, which answers first.
 */
function remember(profiles: TtlCache<Profile>, key: string, profile: Profile): void {
  profiles.set(key, profile);
  if (profile.source !== 'ecard') return;
  if (profile.cardNumber) profiles.set(cardKey(profile.cardNumber), profile);
  profiles.set(taxKey(profile.taxCode), profile);
}

function forget(profiles: TtlCache<Profile>, key: string): void {
  const known = profiles.stale(key);
  profiles.delete(key);
  if (known?.source !== 'ecard') return;
  if (known.cardNumber) profiles.delete(cardKey(known.cardNumber));
  profiles.delete(taxKey(known.taxCode));
}
