/** `lookup` with msw: which source answers, the cache, stale-while-error, and the checks around them. */
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import plugin from './index.ts';
import { lookup } from './lookup.ts';
import { capturedLog, failure, testConfig, testContext } from './test-support/context.ts';
import { cardAnswering, cardData, envelope, ngspAnswering, registryBody } from './test-support/msw-ecard.ts';

const server = useMswServer();
const agency = '000.00.01.H22';

describe('sources', () => {
  it('answers from the card service without asking the registry', async () => {
    cardAnswering(server, () => envelope('00', cardData()));
    const { tokens, lookups } = ngspAnswering(server, () => HttpResponse.json(registryBody()));
    const profile = await lookup({ agency, taxCode: '0100233488' }, testContext(testConfig()));
    expect(profile).toMatchObject({ source: 'ecard', cardNumber: 'TTH-EC-000101' });
    expectCapabilityOutput(plugin, 'lookup', profile);
    expect([tokens.length, lookups.length]).toEqual([0, 0]);
  });

  it('asks the registry when the card service does not know the tax code, and says so in `source`', async () => {
    cardAnswering(server, () => envelope('02', undefined, 404));
    ngspAnswering(server, () => HttpResponse.json(registryBody()));
    const profile = await lookup({ agency, taxCode: '0100109106' }, testContext(testConfig()));
    expect(profile).toEqual({
      source: 'registry',
      taxCode: '0100109106',
      name: 'Công ty Cổ phần Vận tải Biển Đông Hà',
      address: '27 Trần Phú, Đông Hà, Quảng Trị',
      legalRepresentative: 'Đặng Thu Hà',
      status: 'active',
    });
    expectCapabilityOutput(plugin, 'lookup', profile);
  });

  it('does not fall back when the card service is down (that is not "unknown")', async () => {
    cardAnswering(server, () => envelope('99', undefined, 500));
    const { lookups } = ngspAnswering(server, () => HttpResponse.json(registryBody()));
    expect(await failure(lookup({ agency, taxCode: '0100109106' }, testContext(testConfig())))).toMatchObject({ name: 'RetryableError', code: 'CARD_99' });
    expect(lookups).toHaveLength(0);
  });

  it('answers not found without a registry configured, and for an unknown card number without asking the registry', async () => {
    cardAnswering(server, () => envelope('02', undefined, 404));
    const noRegistry = await failure(lookup({ agency, taxCode: '0100109106' }, testContext(testConfig({ registry: undefined }))));
    expect(noRegistry).toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND', message: expect.stringContaining('no registry configured') });
    cardAnswering(server, () => envelope('01', undefined, 404));
    const { tokens } = ngspAnswering(server, () => HttpResponse.json(registryBody()));
    expect(await failure(lookup({ agency, cardNumber: 'TTH-EC-999999' }, testContext(testConfig())))).toMatchObject({ name: 'NotFoundError', code: 'CARD_01' });
    expect(tokens).toHaveLength(0);
  });

  it('writes a branch tax code as the API does, so that it matches the one asked for', async () => {
    cardAnswering(server, () => envelope('00', cardData({ cardNumber: 'TTH-EC-000103', taxCode: '0314409058002' })));
    const profile = await lookup({ agency, cardNumber: 'TTH-EC-000103', taxCode: '0314409058-002' }, testContext(testConfig()));
    expect(profile).toMatchObject({ source: 'ecard', taxCode: '0314409058-002' });
  });

  it('refuses a card number and tax code that name different businesses', async () => {
    cardAnswering(server, () => envelope('00', cardData()));
    const error = await failure(lookup({ agency, cardNumber: 'TTH-EC-000101', taxCode: '0314409058' }, testContext(testConfig())));
    expect(error).toMatchObject({ name: 'PermanentError', code: 'TAX_CODE_MISMATCH' });
  });
});

describe('cache', () => {
  it('answers a repeat from memory within the TTL, under the card number and the tax code alike', async () => {
    const sent = cardAnswering(server, () => envelope('00', cardData()));
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 60_000 } }));
    const first = await lookup({ agency, taxCode: '0100233488' }, ctx);
    expect(await lookup({ agency, taxCode: '0100233488' }, { ...ctx, messageId: 'msg_2' })).toEqual(first);
    expect(await lookup({ agency, cardNumber: 'TTH-EC-000101' }, { ...ctx, messageId: 'msg_3' })).toEqual(first);
    expect(sent).toHaveLength(1);
  });

  it('asks every time with the cache off, and then has nothing stale to answer', async () => {
    let down = false;
    const sent = cardAnswering(server, () => (down ? new HttpResponse(null, { status: 503 }) : envelope('00', cardData())));
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 0, staleIfErrorMs: 0 } }));
    await lookup({ agency, taxCode: '0100233488' }, ctx);
    await lookup({ agency, taxCode: '0100233488' }, ctx);
    expect(sent).toHaveLength(2);
    down = true;
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, ctx))).toMatchObject({ name: 'RetryableError', code: 'HTTP_5xx' });
  });

  it('keeps a registry profile under the tax code asked only: another stays the card service\'s to answer', async () => {
    const sent = cardAnswering(server, () => envelope('02', undefined, 404));
    ngspAnswering(server, () => HttpResponse.json(registryBody({ ENTERPRISE_GDT_CODE: '0100233488' })));
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 60_000 } }));
    await lookup({ agency, taxCode: '0100109106' }, ctx);
    await lookup({ agency, taxCode: '0100109106' }, ctx);
    await lookup({ agency, taxCode: '0100233488' }, ctx);
    expect(sent.map((request) => request.url.pathname.split('/').pop())).toEqual(['0100109106', '0100233488']);
  });

  it('never hides a refusal: after "no such card" an outage answers no stale profile', async () => {
    let answer = () => envelope('00', cardData());
    cardAnswering(server, () => answer());
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 0, staleIfErrorMs: 3_600_000 } }));
    await lookup({ agency, cardNumber: 'TTH-EC-000101' }, ctx);
    answer = () => envelope('01', undefined, 404);
    expect(await failure(lookup({ agency, cardNumber: 'TTH-EC-000101' }, ctx))).toMatchObject({ name: 'NotFoundError', code: 'CARD_01' });
    answer = () => new HttpResponse(null, { status: 503 });
    expect(await failure(lookup({ agency, cardNumber: 'TTH-EC-000101' }, ctx))).toMatchObject({ name: 'RetryableError', code: 'HTTP_5xx' });
    // Nor under the tax code the card's profile was also kept under.
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, ctx))).toMatchObject({ name: 'RetryableError', code: 'HTTP_5xx' });
  });

  it('answers no stale card profile for a tax code the card service has since said it does not know', async () => {
    let cardKnows = true;
    cardAnswering(server, () => (cardKnows ? envelope('00', cardData()) : envelope('02', undefined, 404)));
    ngspAnswering(server, () => new HttpResponse(null, { status: 502 }));
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 0, staleIfErrorMs: 3_600_000 } }));
    await lookup({ agency, taxCode: '0100233488' }, ctx);
    cardKnows = false;
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, ctx))).toMatchObject({ name: 'RetryableError', code: 'HTTP_5xx' });
  });

  it('answers a cached registry profile marked stale when the registry is down, and logs no personal data', async () => {
    cardAnswering(server, () => envelope('02', undefined, 404));
    let registryDown = false;
    ngspAnswering(server, () => (registryDown ? new HttpResponse(null, { status: 502 }) : HttpResponse.json(registryBody())));
    const { log, lines } = capturedLog();
    const ctx = testContext(testConfig({ cache: { lookupTtlMs: 0 } }), { log });
    const fresh = await lookup({ agency, taxCode: '0100109106' }, ctx);
    registryDown = true;
    expect(await lookup({ agency, taxCode: '0100109106' }, ctx)).toEqual({ ...fresh, stale: true });
    const logged = lines.join('\n');
    expect(logged).toContain('marked stale');
    expect(logged).not.toContain('Đặng Thu Hà');
  });
});
