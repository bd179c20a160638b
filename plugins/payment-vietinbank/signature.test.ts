import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_FIELDS, type SignedMessage } from './signature-fields.ts';
import { signMessage, signedText, verifyMessage, type SignatureHash } from './signature.ts';
import { rsaKeyPair } from './simulator/index.ts';

const signer = rsaKeyPair();
const stranger = rsaKeyPair();

/** Text of every kind a field may hold: digits, Vietnamese with diacritics, URLs, empty. */
function generatedValue(): string {
  switch (randomInt(5)) {
    case 0:
      return String(randomInt(1, 10_000_000_000));
    case 1:
      return 'Lệ phí hồ sơ 000.00.01.H22-' + randomBytes(3).toString('hex');
    case 2:
      return `https://motcua.test/v1/callbacks/${randomBytes(4).toString('hex')}?a=1&b=đ`;
    case 3:
      return '';
    default:
      return randomBytes(randomInt(1, 24)).toString('base64');
  }
}

/** A body of `message` with every signed field set (nested ones too), plus a field that is not signed. */
function generatedBody(message: SignedMessage): Record<string, unknown> {
  const body: Record<string, unknown> = { unsigned: generatedValue() };
  for (const path of SIGNATURE_FIELDS[message]) {
    const [head, tail] = path.split('.') as [string, string | undefined];
    if (tail) body[head] = { ...(body[head] as object | undefined), [tail]: generatedValue() };
    else body[head] = generatedValue();
  }
  return body;
}

function withChangedField(message: SignedMessage, body: Record<string, unknown>): Record<string, unknown> {
  const fields = SIGNATURE_FIELDS[message];
  const path = fields[randomInt(fields.length)] as string;
  const [head, tail] = path.split('.') as [string, string | undefined];
  const changed = structuredClone(body);
  if (tail) {
    const inner = changed[head] as Record<string, unknown>;
    inner[tail] = `${String(inner[tail])}x`;
  } else changed[head] = `${String(changed[head])}x`;
  return changed;
}

const messages = Object.keys(SIGNATURE_FIELDS) as SignedMessage[];

describe('signatures over the concatenated fields', () => {
  it('concatenates the table fields in order, without separators, absent ones as empty text', () => {
    const body = { transId: 'NT1', errorCode: '00', errorDesc: 'Success', extra: 'not signed' };
    expect(signedText('noticeAnswer', body)).toBe('NT100Success');
    expect(signedText('noticeAnswer', { transId: 'NT1', errorCode: 0 })).toBe('NT10');
    expect(signedText('createAnswer', { requestId: 'R1', providerId: 'P', merchantId: 'M', status: { code: '05' } })).toBe('R1PM05');
  });

  it.each(['sha256', 'sha1'] as SignatureHash[])('round-trips for many generated bodies of every message (%s); one changed field breaks it', (hash) => {
    for (let round = 0; round < 60; round++) {
      for (const message of messages) {
        const body = generatedBody(message);
        const signature = signMessage(message, body, signer.privateKey, hash);
        expect(verifyMessage(message, { ...body, signature }, signer.publicKey, hash)).toBe(true);
        // A field outside the table may change: it is not signed.
        expect(verifyMessage(message, { ...body, unsigned: 'other', signature }, signer.publicKey, hash)).toBe(true);
        expect(verifyMessage(message, { ...withChangedField(message, body), signature }, signer.publicKey, hash)).toBe(false);
        expect(verifyMessage(message, { ...body, signature }, stranger.publicKey, hash)).toBe(false);
        expect(verifyMessage(message, { ...body, signature }, signer.publicKey, hash === 'sha256' ? 'sha1' : 'sha256')).toBe(false);
      }
    }
  });

  it('refuses a missing, empty or non-Base64 signature', () => {
    const body = generatedBody('notice');
    for (const signature of [undefined, '', 'not base64!', 42]) {
      expect(verifyMessage('notice', { ...body, signature }, signer.publicKey, 'sha256')).toBe(false);
    }
  });

  it('signs PKCS#1 v1.5: the same text gives the same signature, Base64 of 256 bytes for RSA-2048', () => {
    const body = generatedBody('inquiryRequest');
    const first = signMessage('inquiryRequest', body, signer.privateKey, 'sha256');
    expect(signMessage('inquiryRequest', structuredClone(body), signer.privateKey, 'sha256')).toBe(first);
    expect(Buffer.from(first, 'base64')).toHaveLength(256);
  });
});
