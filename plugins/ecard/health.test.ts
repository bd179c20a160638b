/** The operator's health check with msw: what it asks of each service, and what it reports (never a secret). */
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { testHealthContext, useMswServer } from '../../core/sdk/testing.ts';
import type { EcardConfig } from './config.ts';
import { health } from './health.ts';
import { credentials, testConfig } from './test-support/context.ts';
import { cardAnswering, envelope, ngspAnswering } from './test-support/msw-ecard.ts';

const server = useMswServer();

function check(config: EcardConfig, signal = new AbortController().signal) {
  return health(testHealthContext({ instance: 'ecard-hue', config }, { signal }));
}

describe('health', () => {
  it('is ok when the card service answers its health path and NGSP issues a token', async () => {
    const sent = cardAnswering(server, () => envelope('00', { status: 'UP' }));
    const { tokens, lookups } = ngspAnswering(server, () => HttpResponse.json({}));
    expect(await check(testConfig())).toEqual({ ok: true, detail: { card: 'ok', registry: 'ok' } });
    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual(['GET /api/v1/health']);
    expect(sent[0]?.headers.get('x-api-key')).toBe(credentials.cardApiKey);
    expect(tokens[0]?.text).toBe('grant_type=client_credentials');
    expect(lookups).toEqual([]);
  });

  it('says which service failed and why, without the key or the secret', async () => {
    cardAnswering(server, () => envelope('41', undefined, 401));
    ngspAnswering(server, () => HttpResponse.json({}), () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }));
    const report = await check(testConfig());
    expect(report).toEqual({
      ok: false,
      detail: { card: expect.stringContaining('refused the API key'), registry: expect.stringContaining('refused the consumer key or secret') },
    });
    expect(JSON.stringify(report)).not.toContain(credentials.cardApiKey);
    expect(JSON.stringify(report)).not.toContain(credentials.registrySecret);
  });

  it('reports the registry as not configured, the card service alone deciding', async () => {
    cardAnswering(server, () => new HttpResponse(null, { status: 503 }));
    expect(await check(testConfig({ registry: undefined }))).toEqual({ ok: false, detail: { card: expect.stringContaining('HTTP 503'), registry: 'not configured' } });
  });

  it('gives up when the gateway stops waiting (its signal)', async () => {
    cardAnswering(server, () => envelope('00'));
    ngspAnswering(server, () => HttpResponse.json({}));
    const report = await check(testConfig(), AbortSignal.abort());
    expect(report.ok).toBe(false);
    expect(report.detail).toEqual({ card: expect.stringContaining('aborted'), registry: expect.stringContaining('aborted') });
  });
});
