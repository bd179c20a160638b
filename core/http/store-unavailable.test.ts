import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Connection, openConnection } from '../store/sqlite/connection.ts';
import { type TestGateway, expectProblem, openTestGateway, smsBody } from './app-fixture.test-helper.ts';

/** An upper bound for what the store's own probe does by itself (every 20 ms here), not a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

let gateway: TestGateway;
let holder: Connection | undefined;

beforeEach(async () => {
  gateway = await openTestGateway({ store: { busyTimeoutMs: 50, probeIntervalMs: 20 } });
});
afterEach(async () => {
  await holder?.close().catch(() => undefined);
  holder = undefined;
  await gateway.dispose();
});

/** Another process's connection (a CLI verb, a stalled process) takes the store's write lock and keeps it. */
async function holdWriteLock(): Promise<Connection> {
  holder = await openConnection(gateway.file);
  await holder.exec('BEGIN IMMEDIATE');
  return holder;
}

describe('a store that cannot write, as callers see it', () => {
  it('answers a write 503 problem+json with Retry-After, never 500, and stores nothing', async () => {
    await holdWriteLock();
    const response = await gateway.request('/v1/sms/send', { body: smsBody(), headers: { 'idempotency-key': 'dossier-0001-sms' } });
    const problem = await expectProblem(response, 503, 'store-unavailable');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(problem.detail).toBe("the gateway's store cannot write (another process holds its write lock); nothing was stored: retry after 5 s");
    // No path of the server's in what a caller reads.
    expect(JSON.stringify(problem)).not.toContain(gateway.file);
    expect(await gateway.messages()).toEqual([]);
  });

  it('answers /readyz 503 with the reason while it cannot write, and 200 again by itself once it can', async () => {
    const lock = await holdWriteLock();
    expect((await gateway.request('/readyz', { token: null })).status).toBe(200);
    expect((await gateway.request('/v1/sms/send', { body: smsBody() })).status).toBe(503);

    const notReady = await gateway.request('/readyz', { token: null });
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('5');
    expect(await notReady.json()).toEqual({ status: 'not ready', detail: 'the store cannot write: another process holds its write lock' });

    await lock.exec('ROLLBACK');
    // Nothing is written meanwhile: the store's own probe finds it writable.
    await vi.waitFor(async () => expect((await gateway.request('/readyz', { token: null })).status).toBe(200), WAIT);
    const accepted = await gateway.request('/v1/sms/send', { body: smsBody() });
    expect(accepted.status).toBe(202);
    expect(await gateway.messages()).toHaveLength(1);
  });

  it('keeps answering reads: a message stored before is still shown', async () => {
    const sent = await gateway.request('/v1/sms/send', { body: smsBody() });
    const { id } = (await sent.json()) as { id: string };
    await holdWriteLock();
    expect((await gateway.request('/v1/sms/send', { body: smsBody() })).status).toBe(503);
    const shown = await gateway.request(`/v1/messages/${id}`);
    expect(shown.status).toBe(200);
  });
});
