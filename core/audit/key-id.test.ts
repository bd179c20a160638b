import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, readmeVector } from '../testing/readme-vector.ts';
import { auditKeyId } from './key-id.ts';
import { AuditKeyring, parseAuditKeys } from './keyring.ts';

describe('the audit key id', () => {
  it('is 16 hex digits of HMAC-SHA256(key, "lienthong audit key id"), as the README states for its vector key', () => {
    const key = Buffer.from(readmeVector().key, 'utf8');
    expect(auditKeyId(key)).toBe(createHmac('sha256', key).update('lienthong audit key id').digest('hex').slice(0, 16));
    expect(readFileSync(README, 'utf8')).toContain(`(for the test vector's key below: \`${auditKeyId(key)}\`)`);
  });

  it('is the same for the same key, differs between keys, and holds nothing of the key', () => {
    const text = randomBytes(48).toString('base64');
    const key = Buffer.from(text, 'utf8');
    expect(auditKeyId(Buffer.from(text, 'utf8'))).toBe(auditKeyId(key));
    expect(auditKeyId(Buffer.from(`${text}x`, 'utf8'))).not.toBe(auditKeyId(key));
    expect(auditKeyId(key)).toMatch(/^[0-9a-f]{16}$/);
    for (let i = 0; i + 4 <= text.length; i++) expect(auditKeyId(key)).not.toContain(text.slice(i, i + 4));
  });
});

describe('a keyring', () => {
  const a = 'a'.repeat(40);
  const b = 'b'.repeat(32);
  const c = 'c+/='.repeat(10);

  it('takes keys separated by newlines, commas or spaces, and skips comment lines', () => {
    const keys = parseAuditKeys(`# replaced 2026-11\n${a}\n\n  ${b} , ${c}\r\n# ${'d'.repeat(40)}\n`, 'LIENTHONG_AUDIT_KEYS');
    expect(keys.map((key) => key.toString('utf8'))).toEqual([a, b, c]);
  });

  it('refuses a key shorter than 32 characters, naming its source and position, not the key', () => {
    expect(() => parseAuditKeys(`${a},short-key`, 'LIENTHONG_AUDIT_KEYS')).toThrow(
      /^LIENTHONG_AUDIT_KEYS: key 2 is shorter than 32 characters; keys are separated by newlines, commas or spaces$/,
    );
  });

  it('finds each key by its id', () => {
    const ring = new AuditKeyring([Buffer.from(a), Buffer.from(b)]);
    expect(ring.get(auditKeyId(Buffer.from(b)))?.toString()).toBe(b);
    expect(ring.has(auditKeyId(Buffer.from(c)))).toBe(false);
    expect(ring.add(Buffer.from(c))).toBe(auditKeyId(Buffer.from(c)));
    expect(ring.has(auditKeyId(Buffer.from(c)))).toBe(true);
  });
});
