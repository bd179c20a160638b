import { describe, expect, it } from 'vitest';
import { type AuditEntry, type AuditInput, GENESIS, chainEntries } from './chain.ts';
import { auditKeyId } from './key-id.ts';
import { AuditKeyring } from './keyring.ts';
import { KEY_ROTATED, verifyChain } from './verify.ts';

const OLD = Buffer.from('old audit key for rotation tests, 0123456789', 'utf8');
const NEW = Buffer.from('new audit key for rotation tests, 9876543210', 'utf8');
const NEWER = Buffer.from('newer audit key for rotation tests, abcdefghij', 'utf8');

const note = (at: number): AuditInput => ({ at, actor: 'cli', action: 'key.revoked', summary: { keyId: `key_${at}` } });
const rotation = (at: number, from: Buffer, to: Buffer): AuditInput => ({
  at, actor: 'cli', action: KEY_ROTATED, summary: { previousKeyId: auditKeyId(from), newKeyId: auditKeyId(to) },
});

/** Entries 1-3 under OLD, 4 rotates to NEW (under OLD), 5-7 under NEW, 8 rotates to NEWER (under NEW), 9 under NEWER. */
function rotatedLog(): AuditEntry[] {
  const first = chainEntries(OLD, { seq: 0, hash: GENESIS }, [note(1), note(2), note(3), rotation(4, OLD, NEW)]);
  const second = chainEntries(NEW, first.at(-1)!, [note(5), note(6), note(7), rotation(8, NEW, NEWER)]);
  const third = chainEntries(NEWER, second.at(-1)!, [note(9)]);
  return [...first, ...second, ...third];
}

const ring = (...keys: Buffer[]) => ({ keyring: new AuditKeyring(keys), firstKeyId: auditKeyId(OLD) });

describe('verifying a chain across key rotations', () => {
  it('follows each audit.key.rotated entry to the key it names', async () => {
    const log = rotatedLog();
    expect(await verifyChain(ring(OLD, NEW, NEWER), log)).toEqual({ ok: true, checked: 9, head: { seq: 9, hash: log[8]!.hash } });
  });

  it('fails with the old key alone where the new key starts: one key does not verify a rotated log', async () => {
    expect(await verifyChain(OLD, rotatedLog())).toMatchObject({ ok: false, seq: 5, checked: 4, missingKeyId: auditKeyId(NEW) });
  });

  it('without an old key, says which key id it needs and from which entry', async () => {
    expect(await verifyChain(ring(NEW, NEWER), rotatedLog())).toEqual({
      ok: false, checked: 0, seq: 1, missingKeyId: auditKeyId(OLD),
      problem: `entries from 1 on are chained with audit key id ${auditKeyId(OLD)}, which is not among the keys given`,
    });
    expect(await verifyChain(ring(OLD, NEWER), rotatedLog())).toMatchObject({ ok: false, checked: 4, seq: 5, missingKeyId: auditKeyId(NEW) });
  });

  it('names an entry altered after a rotation', async () => {
    const log = rotatedLog().map((entry) => (entry.seq === 6 ? { ...entry, summary: { keyId: 'key_other' } } : entry));
    expect(await verifyChain(ring(OLD, NEW, NEWER), log)).toMatchObject({ ok: false, seq: 6, problem: 'entry 6 was altered: its hash does not match its content' });
  });

  it('names a rotation entry made to name another key: its hash under the old key covers the new key id', async () => {
    const log = rotatedLog().map((entry) => (entry.seq === 4 ? { ...entry, summary: { ...entry.summary, newKeyId: auditKeyId(NEWER) } } : entry));
    expect(await verifyChain(ring(OLD, NEW, NEWER), log)).toMatchObject({ ok: false, seq: 4, problem: expect.stringMatching(/entry 4 was altered/) });
  });

  it('refuses a rotation entry inserted by someone without the key, and entries removed across a rotation', async () => {
    const log = rotatedLog();
    const forged = chainEntries(NEWER, log[1]!, [rotation(3, OLD, NEWER)])[0]!;
    expect(await verifyChain(ring(OLD, NEW, NEWER), [log[0]!, log[1]!, forged, ...log.slice(3)])).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/altered/) });
    expect(await verifyChain(ring(OLD, NEW, NEWER), log.filter((entry) => entry.seq !== 4))).toMatchObject({ ok: false, seq: 4, problem: expect.stringMatching(/missing/) });
  });
});
