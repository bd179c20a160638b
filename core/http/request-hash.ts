import { createHash } from 'node:crypto';

/** Tells one request from another under the same Idempotency-Key: the operation and its validated input. */
export function requestHash(capability: string, operation: string, input: unknown): string {
  return createHash('sha256').update(`${capability}/${operation}\n${JSON.stringify(input)}`).digest('hex');
}

const KEY_FORM = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKeyOf(header: string | undefined): string | undefined | Error {
  if (header === undefined) return undefined;
  return KEY_FORM.test(header) ? header : new Error('Idempotency-Key is 1-255 printable ASCII characters');
}
