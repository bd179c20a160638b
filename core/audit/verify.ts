import { type AuditEntry, GENESIS, entryHash, sameHash } from './chain.ts';

export type VerifyResult =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  | { ok: false; checked: number; seq: number; problem: string };

/**
 * Recomputes the chain entry by entry, in sequence order, and names the first entry that was altered,
 * removed, inserted or moved. `entries` may come from the store or from an export; `from` is where the
 * first one chains from (genesis for a whole log).
 */
export async function verifyChain(
  key: Buffer,
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
  from: { seq: number; hash: string } = { seq: 0, hash: GENESIS },
): Promise<VerifyResult> {
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
    if (!sameHash(entryHash(key, prevHash, entry), entry.hash)) {
      return { ok: false, checked, seq: entry.seq, problem: `entry ${entry.seq} was altered: its hash does not match its content` };
    }
    prevHash = entry.hash;
    expectedSeq += 1;
    checked += 1;
  }
  return { ok: true, checked, head: { seq: expectedSeq - 1, hash: prevHash } };
}
