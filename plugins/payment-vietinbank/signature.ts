/**
 * RSA signatures the VietinBank way: the values of the message's fields (SIGNATURE_FIELDS) concatenated without
 * separators, signed PKCS#1 v1.5 with SHA-256 or SHA-1, Base64-encoded. A missing field counts as empty text.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { SIGNATURE_FIELDS, type SignedMessage } from './signature-fields.ts';

export type SignatureHash = 'sha256' | 'sha1';

/** The text a field contributes: strings as they are, numbers in plain decimal, nothing for absent values. */
function valueAt(body: Record<string, unknown>, path: string): string {
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[key];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' && Number.isFinite(current)) return String(current);
  return '';
}

/** What is signed for `message`: its fields' values, concatenated in table order. */
export function signedText(message: SignedMessage, body: Record<string, unknown>): string {
  return SIGNATURE_FIELDS[message].map((path) => valueAt(body, path)).join('');
}

// Parsed once per PEM: parsing a key costs more than a signature.
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let key = cache.get(pem);
  if (!key) {
    key = parse(pem);
    if (cache.size > 100) cache.clear();
    cache.set(pem, key);
  }
  return key;
}

export function signMessage(message: SignedMessage, body: Record<string, unknown>, privateKeyPem: string, hash: SignatureHash): string {
  const key = cached(privateKeys, privateKeyPem, createPrivateKey);
  return sign(hash, Buffer.from(signedText(message, body), 'utf8'), key).toString('base64');
}

/** True when `body.signature` is the signature of `message` by the holder of the public key. */
export function verifyMessage(message: SignedMessage, body: Record<string, unknown>, publicKeyPem: string, hash: SignatureHash): boolean {
  const signature = body.signature;
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  const key = cached(publicKeys, publicKeyPem, createPublicKey);
  try {
    return verify(hash, Buffer.from(signedText(message, body), 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** The body with its `signature` field added. */
export function signed<T extends Record<string, unknown>>(message: SignedMessage, body: T, privateKeyPem: string, hash: SignatureHash): T & { signature: string } {
  return { ...body, signature: signMessage(message, body, privateKeyPem, hash) };
}
