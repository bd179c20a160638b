import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pluginServices } from '../runtime/plugin-services.ts';
import type { AuditEntry } from '../store/types.ts';
import { START, type TestGateway, openTestGateway } from './app-fixture.test-helper.ts';

/**
 * What providers' notices write to the audit log: one `callback.received` per notice, taken, refused, failed on
 * or too large, and the changes a notice makes to a plugin's records.
 */

const LIMIT = 2_048;

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway({ limits: { bodyBytes: LIMIT } });
  // What a sync payment/create does: the plugin creates its record, acting for the caller's key.
  await pluginServices(gateway.context, 'payment-a', `key:${gateway.client.key.id}`).records.create('pay_1', 'pending', { payerName: 'Nguyễn Văn An' });
});
afterEach(() => gateway.dispose());

const notice = (body: unknown, headers: Record<string, string> = {}) => gateway.request('/v1/callbacks/payment-a', { token: null, body, headers });

async function entries(action: string): Promise<AuditEntry[]> {
  return (await gateway.store.listAudit({}, 500)).filter((entry) => entry.action === action);
}

const provider = { actor: 'provider:payment-a', action: 'callback.received', instance: 'payment-a' };
const requestId = expect.any(String);

describe('the audit entries of a callback', () => {
  it('records a notice taken, and the record it changed', async () => {
    gateway.clock.t += 1_000;
    expect((await notice({ paymentId: 'pay_1', signature: 'valid' })).status).toBe(200);

    const [received] = await entries('callback.received');
    expect(received).toMatchObject({ ...provider, at: START + 1_000 });
    expect(received?.messageId).toBeUndefined();
    expect(received?.summary).toEqual({ paymentId: 'pay_1', repeated: false, status: 200, accepted: true, requestId });
    expect(await entries('record.transition')).toEqual([
      expect.objectContaining({ at: START + 1_000, actor: 'provider:payment-a', instance: 'payment-a', summary: { key: 'pay_1', from: 'pending', to: 'paid' } }),
    ]);
  });

  it('records a refused notice as not taken, its personal data masked', async () => {
    expect((await notice({ paymentId: 'pay_1', signature: 'forged', payerName: 'Nguyễn Văn An' })).status).toBe(200);
    const [received] = await entries('callback.received');
    expect(received).toMatchObject(provider);
    expect(received?.summary).toEqual({ reason: 'bad signature', payerName: 'N***** V** A*', status: 200, accepted: false, requestId });
    expect(await entries('record.transition')).toEqual([]);
  });

  it('records a notice the plugin failed on, with the masked error', async () => {
    expect((await notice({ paymentId: 'pay 0981234567', signature: 'crash' })).status).toBe(500);
    const [received] = await entries('callback.received');
    expect(received).toMatchObject(provider);
    expect(received?.summary).toEqual({ status: 500, accepted: false, error: 'store unavailable while handling pay 0981***567', requestId });
  });

  it('records a notice over the body limit as refused, without reading it', async () => {
    const oversized = { paymentId: 'pay_1', signature: 'valid', padding: 'x'.repeat(LIMIT) };
    expect((await notice(oversized)).status).toBe(413);
    const [received] = await entries('callback.received');
    expect(received).toMatchObject(provider);
    expect(received?.summary).toEqual({ status: 413, accepted: false, reason: `the body is over ${LIMIT} bytes`, requestId });
    expect(gateway.payment.calls).toEqual([]);
    expect(await gateway.store.getRecord('payment-a', 'pay_1')).toMatchObject({ status: 'pending' });
  });

  it('records a notice over the body limit sent in chunks, without a Content-Length, over real HTTP', async () => {
    const server = await new Promise<ServerType>((resolve) => {
      const listening: ServerType = serve({ fetch: gateway.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
    });
    try {
      const { port } = server.address() as AddressInfo;
      // Chunked: Node's parser cannot refuse it by its length; the limit counts the bytes as they come.
      const status = await new Promise<number>((resolve, reject) => {
        const sent = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/callbacks/payment-a', headers: { 'content-type': 'application/json' } }, (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        });
        sent.on('error', reject);
        sent.write(`{"paymentId":"pay_1","signature":"valid","padding":"`);
        for (let i = 0; i < 4; i++) sent.write('x'.repeat(LIMIT / 2));
        sent.end('"}');
      });
      expect(status).toBe(413);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const [received] = await entries('callback.received');
    expect(received).toMatchObject(provider);
    expect(received?.summary).toEqual({ status: 413, accepted: false, reason: `the body is over ${LIMIT} bytes`, requestId });
    expect(gateway.payment.calls).toEqual([]);
    expect(await gateway.store.getRecord('payment-a', 'pay_1')).toMatchObject({ status: 'pending' });
  });

  it('records nothing for an oversized body sent to an instance that takes no callbacks, or to no instance', async () => {
    const oversized = { padding: 'x'.repeat(LIMIT) };
    expect((await gateway.request('/v1/callbacks/sms-a', { token: null, body: oversized })).status).toBe(413);
    expect((await gateway.request('/v1/callbacks/nobody', { token: null, body: oversized })).status).toBe(413);
    expect(await entries('callback.received')).toEqual([]);
  });
});

describe('the audit entry of a record created by a plugin', () => {
  it('names the instance, the record and its state, for whoever the plugin acted for, never its data', async () => {
    expect(await entries('record.created')).toEqual([
      expect.objectContaining({ at: START, actor: `key:${gateway.client.key.id}`, instance: 'payment-a', summary: { key: 'pay_1', status: 'pending' } }),
    ]);
    expect(JSON.stringify(await gateway.store.listAudit({}, 500))).not.toContain('Nguyễn');
  });
});
