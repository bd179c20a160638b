import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/sdk/index.ts';
import { ecardConfigSchema } from './config.ts';

const minimal = { card: { baseUrl: 'https://ecard.example.vn/api', apiKey: new Secret('k-1') } };
const messages = (raw: unknown) => {
  const parsed = v.safeParse(ecardConfigSchema, raw);
  return parsed.success ? [] : parsed.issues.map((issue) => `${v.getDotPath(issue) ?? ''}: ${issue.message}`);
};

describe('ecard config', () => {
  it('fills in the defaults: paths, field names, caches (verify off), no registry', () => {
    const config = v.parse(ecardConfigSchema, minimal);
    expect(config.card).toMatchObject({ apiKeyHeader: 'X-API-Key', timeoutMs: 5000, paths: { card: '/v1/cards/{cardNumber}' }, fields: { code: 'code', name: 'enterpriseName' } });
    expect(config.cache).toEqual({ lookupTtlMs: 60_000, staleIfErrorMs: 3_600_000, documentsTtlMs: 60_000, verifyTtlMs: 0, maxEntries: 1000 });
    expect(config.registry).toBeUndefined();
  });

  it('fills in the registry defaults: the NGSP look-up path, the token margin and the known field paths', () => {
    const registry = { tokenUrl: 'https://api.ngsp.gov.vn/token', baseUrl: 'https://api.ngsp.gov.vn', consumerKey: 'ck', consumerSecret: new Secret('cs') };
    const config = v.parse(ecardConfigSchema, { ...minimal, registry });
    expect(config.registry).toMatchObject({ lookupPath: '/apiCSDLDKDN/1.0/chiTietDoanhNghiep', tokenMarginMs: 60_000, fields: { name: 'Data.MainInformation.NAME', legalRepresentative: 'Data.Representatives.FULL_NAME' } });
  });

  it('refuses a key or secret written in the file, without quoting it', () => {
    const problems = messages({ card: { baseUrl: 'https://ecard.example.vn', apiKey: 'written-out-key' } });
    expect(problems).toEqual(['card.apiKey: must be given as { "env": "NAME" } or { "file": "path" }, never written in the config']);
    const registry = { tokenUrl: 'https://n/token', baseUrl: 'https://n', consumerKey: 'ck', consumerSecret: 'written-out-secret' };
    expect(messages({ ...minimal, registry }).join()).not.toContain('written-out-secret');
  });

  it('names the field of each problem', () => {
    expect(messages({})).toEqual(['card: card is required']);
    expect(messages({ card: { ...minimal.card, baseUrl: 'ftp://x', paths: { card: 'cards/{cardNumber}' } } })).toEqual([
      'card.baseUrl: card.baseUrl must be an absolute http or https URL, e.g. https://ecard.example.vn/api',
      'card.paths.card: card.paths.card must start with /',
    ]);
    expect(messages({ ...minimal, cache: { lookupTtlMs: -1 } })).toEqual(['cache.lookupTtlMs: cache.lookupTtlMs must be at least 0']);
    expect(messages({ card: { apiKey: minimal.card.apiKey }, registry: { tokenUrl: 'https://n/token', baseUrl: 'https://n' } })).toEqual([
      'card.baseUrl: card.baseUrl is required',
      'registry.consumerKey: registry.consumerKey is required',
      'registry.consumerSecret: registry.consumerSecret is required',
    ]);
    expect(messages({ card: 'https://ecard.example.vn' })).toEqual(['card: card must be an object']);
    expect(messages('ecard')).toEqual([': the ecard config must be an object']);
  });
});
