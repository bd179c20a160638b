/** NGSP's token: Basic auth, cached until expiry less the margin, one request for concurrent callers. Injected clock. */
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { issueToken, registryLookup, type RegistryCall } from './registry-client.ts';
import { TokenCache, type IssuedToken } from './token-cache.ts';
import { credentials, failure, testConfig, testContext } from './test-support/context.ts';
import { ngspAnswering, registryBody } from './test-support/msw-ecard.ts';

const server = useMswServer();

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function registryCall(tokens: TokenCache): RegistryCall {
  const config = testConfig();
  const ctx = testContext(config);
  if (!config.registry) throw new Error('the test config has a registry');
  return { config: config.registry, http: ctx.http, signal: ctx.signal, requestId: ctx.messageId, tokens };
}

describe('TokenCache', () => {
  it('keeps a token until its expiry less the margin, then fetches a new one', async () => {
    const clock = manualClock();
    const cache = new TokenCache(60_000, clock.now);
    let issued = 0;
    const fetchToken = async (): Promise<IssuedToken> => ({ accessToken: `t${++issued}`, expiresInMs: 3_600_000 });
    expect(await cache.get(fetchToken)).toBe('t1');
    clock.advance(3_600_000 - 60_000 - 1);
    expect(await cache.get(fetchToken)).toBe('t1');
    clock.advance(1);
    expect(await cache.get(fetchToken)).toBe('t2');
    expect(issued).toBe(2);
  });

  it('makes one request for many concurrent callers, and does not keep a failure', async () => {
    const cache = new TokenCache(60_000, manualClock().now);
    let calls = 0;
    let release: (token: IssuedToken) => void = () => {};
    const pending = new Promise<IssuedToken>((resolve) => (release = resolve));
    const waiting = Array.from({ length: 5 }, () => cache.get(() => (calls++, pending)));
    release({ accessToken: 'shared', expiresInMs: 3_600_000 });
    expect(await Promise.all(waiting)).toEqual(Array(5).fill('shared'));
    expect(calls).toBe(1);

    const failing = new TokenCache(60_000, manualClock().now);
    await expect(failing.get(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await failing.get(async () => ({ accessToken: 'after', expiresInMs: 3_600_000 }))).toBe('after');
  });

  it('uses a token without a lifetime once, a short-lived one for half its life, and forgets a refused one', async () => {
    const clock = manualClock();
    const cache = new TokenCache(60_000, clock.now);
    let issued = 0;
    expect(await cache.get(async () => ({ accessToken: `a${++issued}`, expiresInMs: undefined }))).toBe('a1');
    expect(await cache.get(async () => ({ accessToken: `a${++issued}`, expiresInMs: 30_000 }))).toBe('a2');
    clock.advance(14_999);
    expect(await cache.get(async () => ({ accessToken: `a${++issued}`, expiresInMs: 30_000 }))).toBe('a2');
    clock.advance(1);
    expect(await cache.get(async () => ({ accessToken: `a${++issued}`, expiresInMs: 3_600_000 }))).toBe('a3');
    cache.invalidate('not-the-current-one');
    expect(await cache.get(async () => ({ accessToken: 'never', expiresInMs: 1 }))).toBe('a3');
    cache.invalidate('a3');
    expect(await cache.get(async () => ({ accessToken: 'a4', expiresInMs: 3_600_000 }))).toBe('a4');
  });
});

describe('the registry client with the token cache', () => {
  it('asks for a token with Basic auth and the client-credentials grant, and sends it as Bearer', async () => {
    const { tokens, lookups } = ngspAnswering(server, () => HttpResponse.json(registryBody()));
    expect(await registryLookup(registryCall(new TokenCache(60_000)), '0314409058-002')).toMatchObject({ verdict: 'ok' });
    const [token] = tokens;
    expect(token?.headers.get('authorization')).toBe(`Basic ${Buffer.from(`${credentials.registryKey}:${credentials.registrySecret}`).toString('base64')}`);
    expect(token?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(token?.text).toBe('grant_type=client_credentials');
    const [lookup] = lookups;
    expect(lookup?.url.searchParams.get('msdn')).toBe('0314409058-002');
    expect(lookup?.headers.get('authorization')).toBe('Bearer token-1');
  });

  it('reuses the token across look-ups until its expiry less the margin (injected clock), then renews it', async () => {
    const clock = manualClock();
    const cache = new TokenCache(60_000, clock.now);
    const { tokens, lookups } = ngspAnswering(server, () => HttpResponse.json(registryBody()), (_, issued) =>
      HttpResponse.json({ access_token: `token-${issued}`, token_type: 'Bearer', expires_in: '600' }),
    );
    const call = registryCall(cache);
    await Promise.all([registryLookup(call, '0100109106'), registryLookup(call, '0100109106'), registryLookup(call, '0100109106')]);
    clock.advance(540_000 - 1);
    await registryLookup(call, '0100109106');
    expect(tokens).toHaveLength(1);
    clock.advance(1);
    await registryLookup(call, '0100109106');
    expect(tokens).toHaveLength(2);
    expect(lookups.map((sent) => sent.headers.get('authorization'))).toEqual([...Array(4).fill('Bearer token-1'), 'Bearer token-2']);
  });

  it('refuses a token answer without access_token as malformed, and keeps the secret out of every error', async () => {
    ngspAnswering(server, () => HttpResponse.json({}), () => HttpResponse.json({ token_type: 'Bearer' }));
    const error = await failure(issueToken(registryCall(new TokenCache(0))));
    expect(error).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(credentials.registrySecret);
  });
});
