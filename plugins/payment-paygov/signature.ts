/**
 * MaXacThuc: lowercase hex SHA-256 (a plain hash, not an HMAC) of a message's fields joined by `|`, in the order
 * of fields.ts, with the shared secret as the last element.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { FIELD_ORDER, type MessageKind, type SignedFields } from './fields.ts';

export function maXacThuc<K extends MessageKind>(kind: K, fields: SignedFields<K>, secret: string): string {
  const values: string[] = FIELD_ORDER[kind].map((name: keyof SignedFields<K>) => fields[name]);
  return createHash('sha256').update([...values, secret].join('|'), 'utf8').digest('hex');
}

/** Compares in constant time; anything but 64 hex digits is simply wrong. Upper-case hex is accepted. */
export function hasValidMaXacThuc<K extends MessageKind>(kind: K, fields: SignedFields<K>, received: string, secret: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(received)) return false;
  const expected = Buffer.from(maXacThuc(kind, fields, secret), 'hex');
  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}
