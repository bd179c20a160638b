/**
 * The plugin against its simulator over real HTTP on 127.0.0.1: both services, the fallback, documents with their
 * real SHA-256, the lockout, fault injection and the controls.
 */
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, RetryableError, Secret, type RunningSimulator } from '../../../core/sdk/index.ts';
import { simulatorClient, type SimulatorClient } from '../../../core/sdk/testing.ts';
import { document, documents } from '../documents.ts';
import { health } from '../health.ts';
import { lookup } from '../lookup.ts';
import { credentials, failure, testConfig, testContext } from '../test-support/context.ts';
import { verify } from '../verify.ts';
import { simulatedCards, UNKNOWN_TAX_CODES } from './businesses.ts';
import { CARD_PREFIX, NGSP_PREFIX, startEcardSimulator } from './server.ts';

const agency = '000.00.01.H22';
let simulator: RunningSimulator;
let controls: SimulatorClient;

beforeEach(async () => {
  simulator = await startEcardSimulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), credentials, lockAfter: 3 });
  controls = simulatorClient(simulator.url);
});
afterEach(() => simulator.close());

const config = (extra: Record<string, unknown> = {}) =>
  testConfig(extra, `${simulator.url}${CARD_PREFIX}`, `${simulator.url}${NGSP_PREFIX}`, `${simulator.url}${NGSP_PREFIX}/token`);

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(`${simulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

const received = () => controls.received();

describe('lookup against the simulator', () => {
  it('answers a card holder by tax code from the card service, dates as ISO and the status normalised', async () => {
    const ctx = testContext(config());
    expect(await lookup({ agency, taxCode: '0100233488' }, ctx)).toEqual({
      source: 'ecard',
      cardNumber: 'TTH-EC-000101',
      taxCode: '0100233488',
      name: 'Công ty Cổ phần Thương mại Dịch vụ Hương Giang',
      address: '12 Lê Lợi, phường Vĩnh Ninh, thành phố Huế, Thừa Thiên Huế',
      legalRepresentative: 'Nguyễn Văn An',
      status: 'active',
      issueDate: '2024-03-15',
      expiryDate: '2029-03-14',
    });
    expect(await received()).toEqual([{ service: 'card', operation: 'enterprise', taxCode: '0100233488', requestId: ctx.messageId }]);
  });

  it('answers by card number, a branch card with its 13-digit tax code, and a revoked card as revoked', async () => {
    const ctx = testContext(config());
    expect(await lookup({ agency, cardNumber: 'TTH-EC-000103' }, ctx)).toMatchObject({ source: 'ecard', taxCode: '0314409058-002', status: 'active' });
    expect(await lookup({ agency, cardNumber: 'TTH-EC-000104' }, ctx)).toMatchObject({ source: 'ecard', taxCode: '3300102110', status: 'revoked' });
  });

  it('falls back to the national registry for a tax code only the registry knows, with source registry', async () => {
    const ctx = testContext(config());
    expect(await lookup({ agency, taxCode: '0100109106' }, ctx)).toEqual({
      source: 'registry',
      taxCode: '0100109106',
      name: 'Công ty Cổ phần Vận tải Biển Đông Hà',
      address: '27 Trần Phú, phường Đông Lễ, thành phố Đông Hà, Quảng Trị',
      legalRepresentative: 'Đặng Thu Hà',
      status: 'active',
    });
    expect(await lookup({ agency, taxCode: '3301014523' }, ctx)).toMatchObject({ source: 'registry', status: 'suspended' });
    // One token for both look-ups.
    expect((await received()).filter((entry) => entry.operation === 'token')).toHaveLength(1);
  });

  it('refuses a tax code neither service knows as not found, and a card number the service does not know', async () => {
    const ctx = testContext(config());
    const unknown = await failure(lookup({ agency, taxCode: UNKNOWN_TAX_CODES[0] }, ctx));
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('neither on an e-card nor in the national business registry') });
    expect(await failure(lookup({ agency, cardNumber: 'TTH-EC-999999' }, ctx))).toMatchObject({ name: 'NotFoundError', code: 'CARD_01' });
  });

  it('renews the registry token the registry no longer accepts', async () => {
    const ctx = testContext(config());
    await lookup({ agency, taxCode: '0100109106' }, ctx);
    expect((await post('/__tokens/revoke')).status).toBe(204);
    await lookup({ agency, taxCode: '3301014523' }, { ...ctx, messageId: 'msg_2' });
    const registry = (await received()).filter((entry) => entry.service === 'registry').map((entry) => entry.operation);
    expect(registry).toEqual(['token', 'lookup', 'lookup', 'token', 'lookup']);
  });

  it('is refused permanently with a wrong API key or wrong registry credentials', async () => {
    const wrongKey = testContext(config({ card: { apiKey: new Secret('not-the-key') } }));
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, wrongKey))).toMatchObject({ name: 'PermanentError', code: 'CARD_41' });
    const wrongSecret = testContext(config({ registry: { consumerSecret: new Secret('not-the-secret') } }));
    expect(await failure(lookup({ agency, taxCode: '0100109106' }, wrongSecret))).toMatchObject({ name: 'PermanentError', code: 'INVALID_CLIENT' });
  });

  it('answers a cached profile marked stale while the provider fails, and fails without one', async () => {
    const ctx = testContext(config({ cache: { lookupTtlMs: 0, staleIfErrorMs: 60_000 } }));
    const fresh = await lookup({ agency, taxCode: '0314409058' }, ctx);
    expect(fresh.stale).toBeUndefined();
    await controls.control({ failRate: 1, failMode: 'transient' });
    expect(await lookup({ agency, taxCode: '0314409058' }, ctx)).toEqual({ ...fresh, stale: true });
    // Cached under the card number too.
    expect(await lookup({ agency, cardNumber: 'TTH-EC-000102' }, ctx)).toEqual({ ...fresh, stale: true });
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, ctx))).toBeInstanceOf(RetryableError);
    // A refusal is not masked by the cache.
    await controls.control({ failRate: 1, failMode: 'permanent' });
    expect(await failure(lookup({ agency, taxCode: '0314409058' }, ctx))).toMatchObject({ name: 'PermanentError', code: 'CARD_42' });
  });
});

describe('documents against the simulator', () => {
  it('lists the documents and hands on each one with bytes whose SHA-256 is the listed one', async () => {
    const ctx = testContext(config());
    const list = await documents({ agency, cardNumber: 'TTH-EC-000101' }, ctx);
    const expected = simulatedCards()[0]?.documents ?? [];
    expect(list.documents.map((entry) => [entry.id, entry.sha256, entry.issueDate])).toEqual(expected.map((doc) => [doc.id, doc.sha256, doc.issueDate]));
    // The simulator lists a download URL on the card service, as a real one may: never handed on.
    expect(JSON.stringify(list)).not.toMatch(/https?:|\/content/);
    for (const entry of list.documents) {
      const file = await document({ agency, cardNumber: 'TTH-EC-000101', documentId: entry.id }, ctx);
      expect(createHash('sha256').update(file.body).digest('hex')).toBe(entry.sha256);
      expect(file.sha256).toBe(entry.sha256);
      expect(file.filename).toMatch(new RegExp(`^${entry.id}\\.(pdf|xml)$`));
      if (file.contentType === 'application/pdf') expect(Buffer.from(file.body).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
      else expect(Buffer.from(file.body).toString('utf8')).toContain('<MaSoThue>0100233488</MaSoThue>');
    }
  });

  it('refuses a corrupted document, then hands it on once healed', async () => {
    const ctx = testContext(config());
    const documentId = 'DKDN-0100233488-01';
    await documents({ agency, cardNumber: 'TTH-EC-000101' }, ctx);
    expect((await post('/__corrupt', { cardNumber: 'TTH-EC-000101', documentId })).status).toBe(200);
    const refused = await failure(document({ agency, cardNumber: 'TTH-EC-000101', documentId }, ctx));
    expect(refused).toMatchObject({ name: 'RetryableError', code: 'HASH_MISMATCH' });
    // The list cached by `documents` was fetched again before refusing: a fresh list, the same verdict.
    expect((await received()).filter((entry) => entry.operation === 'documents')).toHaveLength(2);
    expect((await fetch(`${simulator.url}/__corrupt`, { method: 'DELETE' })).status).toBe(204);
    expect((await document({ agency, cardNumber: 'TTH-EC-000101', documentId }, ctx)).body.length).toBeGreaterThan(0);
  });

  it('refuses a document the card does not list without fetching its bytes', async () => {
    const ctx = testContext(config());
    expect(await failure(document({ agency, cardNumber: 'TTH-EC-000102', documentId: 'DKDN-0100233488-01' }, ctx))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await received()).filter((entry) => entry.operation === 'document')).toEqual([]);
  });
});

describe('verify against the simulator', () => {
  it('verifies the right PIN, counts wrong ones down, and reports the lockout, after which even the right PIN fails', async () => {
    const ctx = testContext(config());
    const cardNumber = 'TTH-EC-000102';
    expect(await verify({ agency, cardNumber, pin: '135790' }, ctx)).toEqual({ verified: true, locked: false });
    expect(await verify({ agency, cardNumber, pin: '000000' }, ctx)).toEqual({ verified: false, locked: false, remainingAttempts: 2 });
    expect(await verify({ agency, cardNumber, pin: '111111' }, ctx)).toEqual({ verified: false, locked: false, remainingAttempts: 1 });
    expect(await verify({ agency, cardNumber, pin: '222222' }, ctx)).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    expect(await verify({ agency, cardNumber, pin: '135790' }, ctx)).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    const entries = JSON.stringify(await received());
    for (const pin of ['135790', '000000', '111111', '222222']) expect(entries).not.toContain(pin);
  });

  it('verifies a one-time code once only', async () => {
    const ctx = testContext(config());
    const cardNumber = 'TTH-EC-000101';
    const { otp } = (await (await fetch(`${simulator.url}/__otp/${cardNumber}`)).json()) as { otp: string };
    expect(await verify({ agency, cardNumber, otp }, ctx)).toEqual({ verified: true, locked: false });
    expect(await verify({ agency, cardNumber, otp }, ctx)).toEqual({ verified: false, locked: false, remainingAttempts: 2 });
  });

  it('with the verification cache on, reports the lockout even for the PIN that passed before', async () => {
    const ctx = testContext(config({ cache: { verifyTtlMs: 60_000 } }));
    const cardNumber = 'TTH-EC-000102';
    expect(await verify({ agency, cardNumber, pin: '135790' }, ctx)).toEqual({ verified: true, locked: false });
    for (const pin of ['000000', '111111', '222222']) await verify({ agency, cardNumber, pin }, ctx);
    expect(await verify({ agency, cardNumber, pin: '135790' }, ctx)).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
  });

  it('refuses to verify a revoked card, and answers no verification while the service fails', async () => {
    const ctx = testContext(config());
    expect(await failure(verify({ agency, cardNumber: 'TTH-EC-000104', pin: '902113' }, ctx))).toMatchObject({ name: 'PermanentError', code: 'CARD_13' });
    await verify({ agency, cardNumber: 'TTH-EC-000101', pin: '246810' }, ctx);
    await controls.control({ failRate: 1, failMode: 'transient' });
    expect(await failure(verify({ agency, cardNumber: 'TTH-EC-000101', pin: '246810' }, ctx))).toBeInstanceOf(RetryableError);
  });
});

describe('health against the simulator', () => {
  it('is ok while both services answer, and says which fails under an injected outage', async () => {
    const { instance, log, http } = testContext(config());
    const check = () => health({ instance, config: config(), log, http, signal: new AbortController().signal });
    expect(await check()).toEqual({ ok: true, detail: { card: 'ok', registry: 'ok' } });
    expect((await received()).map((entry) => `${String(entry.service)} ${String(entry.operation)}`)).toEqual(['card health', 'registry token']);
    await controls.control({ failRate: 1, failMode: 'permanent' });
    expect(await check()).toEqual({ ok: false, detail: { card: expect.stringContaining('may not do this'), registry: expect.stringContaining('HTTP 403') } });
  });
});

describe('simulator controls', () => {
  it('times out when told to, and the client gives up with a retryable error', async () => {
    const ctx = testContext(config({ card: { timeoutMs: 200 } }));
    await controls.control({ failRate: 1, failMode: 'timeout' });
    expect(await failure(lookup({ agency, taxCode: '0100233488' }, ctx))).toBeInstanceOf(RetryableError);
  });

  it('starts afresh on /__reset: locks lifted, corruption healed, nothing received', async () => {
    const ctx = testContext(config());
    for (const pin of ['000000', '111111', '222222']) await verify({ agency, cardNumber: 'TTH-EC-000105', pin }, ctx).catch(() => undefined);
    await post('/__corrupt', { cardNumber: 'TTH-EC-000102', documentId: 'DKDN-0314409058-03' });
    expect((await post('/__reset')).status).toBe(204);
    expect(await received()).toEqual([]);
    expect((await document({ agency, cardNumber: 'TTH-EC-000102', documentId: 'DKDN-0314409058-03' }, ctx)).sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
