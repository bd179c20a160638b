import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { standardWebhookSignature } from './signature.ts';

describe('standardWebhookSignature', () => {
  it('signs exactly as the reference Standard Webhooks library, for any key length and any text', () => {
    const bodies = ['{}', '{"text":"Hồ sơ đã được tiếp nhận ✓"}', 'x'.repeat(70_000), '{"emoji":"🇻🇳"}'];
    for (const bytes of [24, 32, 64]) {
      const secret = `whsec_${randomBytes(bytes).toString('base64')}`;
      for (const body of bodies) {
        const seconds = 1_765_000_000 + bytes;
        expect(standardWebhookSignature(secret, 'msg_01ABC', seconds, body)).toBe(new Webhook(secret).sign('msg_01ABC', new Date(seconds * 1000), body));
      }
    }
  });

  it('is verified by the reference library', () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const seconds = Math.floor(Date.now() / 1000);
    const body = '{"type":"payment.succeeded"}';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(seconds), 'webhook-signature': standardWebhookSignature(secret, 'msg_1', seconds, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ type: 'payment.succeeded' });
  });
});
