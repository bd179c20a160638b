/** The unified enterprise profile from either source's answer, with the paths the config names. */
import type { Logger } from 'pino';
import { normaliseTaxCode } from '../../core/capabilities/identifiers.ts';
import { malformedAnswer, profileStatus } from './answer-codes.ts';
import { isoDateOf, textAt } from './answer-fields.ts';
import type { CardServiceConfig, RegistryConfig } from './config.ts';
import type { Profile } from './instance-state.ts';

/** A date that cannot be read is left out (and said so in the log) rather than failing the whole look-up. */
function dateAt(data: unknown, path: string, log: Logger, what: string): string | undefined {
  const raw = textAt(data, path);
  const date = isoDateOf(raw);
  if (raw !== undefined && date === undefined) log.warn({ field: what }, 'the provider sent a date in a form the plugin does not read; left out');
  return date;
}

/** As the API writes tax codes (`XXXXXXXXXX-YYY` for a branch), so that it compares with the one asked for. */
const taxCodeAt = (data: unknown, path: string) => {
  const raw = textAt(data, path);
  return raw === undefined ? undefined : (normaliseTaxCode(raw) ?? raw);
};

function withOptional(profile: Profile, optional: Record<string, string | undefined>): Profile {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(profile, { [key]: value });
  return profile;
}

export function profileFromCard(data: unknown, config: CardServiceConfig, log: Logger, about: string): Profile {
  const { fields } = config;
  const taxCode = taxCodeAt(data, fields.taxCode);
  const name = textAt(data, fields.name);
  const status = textAt(data, fields.status);
  if (!taxCode || !name || !status) throw malformedAnswer(about, `a profile needs ${fields.taxCode}, ${fields.name} and ${fields.status}`);
  return withOptional(
    { source: 'ecard', taxCode, name, status: profileStatus('card-status', status) },
    {
      cardNumber: textAt(data, fields.cardNumber),
      address: textAt(data, fields.address),
      legalRepresentative: textAt(data, fields.legalRepresentative),
      issueDate: dateAt(data, fields.issueDate, log, 'issueDate'),
      expiryDate: dateAt(data, fields.expiryDate, log, 'expiryDate'),
    },
  );
}

/** The registry knows no card: no card number, issue or expiry date. The tax code asked for stands if it sent none. */
export function profileFromRegistry(body: unknown, config: RegistryConfig, taxCode: string, about: string): Profile {
  const { fields } = config;
  const name = textAt(body, fields.name);
  if (!name) throw malformedAnswer(about, `no ${fields.name}`);
  const status = textAt(body, fields.status);
  return withOptional(
    { source: 'registry', taxCode: taxCodeAt(body, fields.taxCode) ?? taxCode, name, status: status === undefined ? 'unknown' : profileStatus('registry-status', status) },
    { address: textAt(body, fields.address), legalRepresentative: textAt(body, fields.legalRepresentative) },
  );
}
