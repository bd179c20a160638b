/**
 * `lookup`: a card number or a tax code → the enterprise profile. A tax code the card service does not know is
 * looked up in the national business registry; `source` says which answered. Profiles are cached per instance, and
 * when a provider is down a cached one may be answered with `stale: true`.
 */
import type * as v from 'valibot';
import type { ecardLookupInput } from '../../core/capabilities/ecard.ts';
import { PermanentError } from '../../core/plugin.ts';
import { cardProfile, enterpriseProfile } from './card-client.ts';
import { callsOf, notFound, type Calls, type EcardContext } from './context.ts';
import type { InstanceState, Profile } from './instance-state.ts';
import { profileFromCard, profileFromRegistry } from './profiles.ts';
import { registryLookup } from './registry-client.ts';
import { maskCardNumber } from './results.ts';

type LookupInput = v.InferOutput<typeof ecardLookupInput>;

const keyOf = (input: LookupInput) => (input.cardNumber !== undefined ? `card:${input.cardNumber}` : `tax:${input.taxCode ?? ''}`);

export async function lookup(input: LookupInput, ctx: EcardContext): Promise<Profile> {
  const calls = callsOf(ctx);
  const key = keyOf(input);
  const fresh = calls.state.profiles.fresh(key);
  if (fresh) return checkedAgainst(input, fresh);
  try {
    const profile = checkedAgainst(input, await fetchProfile(input, calls, ctx));
    remember(calls.state, key, profile);
    return profile;
  } catch (error) {
    // A refusal stands; only a provider that could not answer leaves room for what we knew.
    if (error instanceof PermanentError) throw error;
    const stale = calls.state.profiles.stale(key);
    if (!stale) throw error;
    ctx.log.warn({ err: error, source: stale.source }, 'provider unavailable: answering a cached profile marked stale');
    return { ...checkedAgainst(input, stale), stale: true };
  }
}

async function fetchProfile(input: LookupInput, calls: Calls, ctx: EcardContext): Promise<Profile> {
  const { cardNumber, taxCode } = input;
  if (cardNumber !== undefined) {
    const about = `card service, card ${maskCardNumber(cardNumber)}`;
    const answer = await cardProfile(calls.card, cardNumber);
    if (answer.verdict !== 'ok') throw notFound(`${about}: no such card`);
    return profileFromCard(answer.data, ctx.config.card, ctx.log, about);
  }
  if (taxCode === undefined) throw new PermanentError('give cardNumber or taxCode', { code: 'BAD_INPUT' });
  const about = `card service, tax code ${taxCode}`;
  const answer = await enterpriseProfile(calls.card, taxCode);
  if (answer.verdict === 'ok') return profileFromCard(answer.data, ctx.config.card, ctx.log, about);
  if (answer.verdict !== 'not-found') throw notFound(`${about}: unexpected answer`);
  if (!calls.registry) throw notFound(`no business with tax code ${taxCode} on an e-card (no registry configured for the fallback)`);
  const registryAbout = `national business registry, tax code ${taxCode}`;
  const registered = await registryLookup(calls.registry, taxCode);
  if (registered.verdict !== 'ok') throw notFound(`no business with tax code ${taxCode}, neither on an e-card nor in the national business registry`);
  ctx.log.info({ taxCode }, 'the card service does not know the tax code: answered from the national business registry');
  return profileFromRegistry(registered.body, calls.registry.config, taxCode, registryAbout);
}

/** Both given: they must name one business. */
function checkedAgainst(input: LookupInput, profile: Profile): Profile {
  if (input.cardNumber !== undefined && input.taxCode !== undefined && profile.taxCode !== input.taxCode) {
    throw new PermanentError(`card ${maskCardNumber(input.cardNumber)} belongs to another tax code than the one given`, { code: 'TAX_CODE_MISMATCH' });
  }
  return profile;
}

function remember(state: InstanceState, key: string, profile: Profile): void {
  state.profiles.set(key, profile);
  if (profile.cardNumber) state.profiles.set(`card:${profile.cardNumber}`, profile);
  state.profiles.set(`tax:${profile.taxCode}`, profile);
}
