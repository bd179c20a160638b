import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKey } from './api-keys.ts';
import { openTempStore, type TempStore } from './store/temp-store.test-helper.ts';

/** What creating and revoking API keys writes to the audit log: who did it and which key, never the key itself. */

const T0 = Date.parse('2026-11-21T09:30:00+07:00');

let db: TempStore;
beforeEach(async () => {
  db = await openTempStore();
});
afterEach(() => db.dispose());

describe('the audit entries of API keys', () => {
  it('records a key created with its id, role, agencies and label, and neither the token nor its hash', async () => {
    const { token, key } = await createKey(db.store, { actor: 'cli', role: 'client', agencies: ['000.00.01.H22'], label: 'Một cửa Sở Tư pháp' }, T0);
    const { key: operator } = await createKey(db.store, { role: 'operator' }, T0 + 1);

    const entries = await db.store.listAudit({}, 10);
    expect(entries).toEqual([
      expect.objectContaining({ at: T0, actor: 'cli', action: 'key.created', summary: { keyId: key.id, role: 'client', agencies: ['000.00.01.H22'], label: 'Một cửa Sở Tư pháp' } }),
      expect.objectContaining({ at: T0 + 1, actor: 'system', action: 'key.created', summary: { keyId: operator.id, role: 'operator', agencies: ['*'], label: null } }),
    ]);
    for (const entry of entries) expect([entry.messageId, entry.instance]).toEqual([undefined, undefined]);
    const written = JSON.stringify(entries);
    expect(written).not.toContain(token);
    expect(written).not.toContain(key.hash);
  });

  it('records a revocation once, by whoever revoked it', async () => {
    const { key } = await createKey(db.store, { actor: 'sandbox', role: 'client' }, T0);
    expect(await db.store.revokeKey(key.id, T0 + 60_000, 'cli')).toBe(true);
    expect(await db.store.revokeKey(key.id, T0 + 120_000, 'cli')).toBe(false);
    expect(await db.store.revokeKey('key_000000000000', T0 + 120_000, 'cli')).toBe(false);

    expect((await db.store.listAudit({}, 10)).filter((entry) => entry.action === 'key.revoked')).toEqual([
      expect.objectContaining({ at: T0 + 60_000, actor: 'cli', action: 'key.revoked', summary: { keyId: key.id } }),
    ]);
    expect(await db.store.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
  });
});
