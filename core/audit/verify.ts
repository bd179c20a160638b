import { type AuditEntry, GENESIS, entryHash, sameHash } from './chain.ts';
import { auditKeyId } from './key-id.ts';
import { AuditKeyring } from './keyring.ts';

/** The action of the last entry chained under a key that is being replaced; its summary's `newKeyId` names the next. */
export const KEY_ROTATED = 'audit.key.rotated';

export type VerifyResult =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  /** `missingKeyId`: not tampering found, but a key the verifier was not given, needed from entry `seq` on. */
  | { ok: false; checked: number; seq: number; problem: string; missingKeyId?: string };

/** The keys to verify with, and which of them chained the first entry checked. */
export interface ChainKeys {
  keyring: AuditKeyring;
  firstKeyId: string;
}

/**
 * Recomputes the chain entry by entry, in sequence order, and names the first entry that was altered,
 * removed, inserted or moved. `entries` may come from the store or from an export; `from` is where the
 * first one chains from (genesis for a whole log). Across a key rotation, the `audit.key.rotated` entry (hashed
 * under the old key) names the key of the entries after it; without that key the answer says which key id is
 * needed, and from which entry.
 */
export async function verifyChain(
  keys: Buffer | ChainKeys,
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): Promise<VerifyResult> {
  const { keyring, firstKeyId } = Buffer.isBuffer(keys) ? { keyring: new AuditKeyring([keys]), firstKeyId: auditKeyId(keys) } : keys;
  let keyId = firstKeyId;
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  let checked = 0;
  for await (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      const problem = entry.seq > expectedSeq
        ? `entries ${expectedSeq}${entry.seq - 1 > expectedSeq ? `-${entry.seq - 1}` : ''} are missing (removed)`
        : `entry ${entry.seq} is out of order or duplicated (moved or inserted)`;
      return { ok: false, checked, seq: Math.min(entry.seq, expectedSeq), problem };
    }
    if (!sameHash(entry.prevHash, prevHash)) {
      return { ok: false, checked, seq: entry.seq, problem: `entry ${entry.seq} does not chain from entry ${entry.seq - 1} (an entry was removed, inserted or moved)` };
    }
    const key = keyring.get(keyId);
    if (!key) {
      return { ok: false, checked, seq: entry.seq, missingKeyId: keyId, problem: `entries from ${entry.seq} on are chained with audit key id ${keyId}, which is not among the keys given` };
    }
    if (!sameHash(entryHash(key, prevHash, entry), entry.hash)) {
      return { ok: false, checked, seq: entry.seq, problem: `entry ${entry.seq} was altered: its hash does not match its content` };
    }
    if (entry.action === KEY_ROTATED) {
      const next = entry.summary.newKeyId;
      if (typeof next !== 'string') return { ok: false, checked, seq: entry.seq, problem: `entry ${entry.seq} rotates the audit key but names no newKeyId` };
      keyId = next;
    }
    prevHash = entry.hash;
    expectedSeq += 1;
    checked += 1;
  }
  return { ok: true, checked, head: { seq: expectedSeq - 1, hash: prevHash } };
}
