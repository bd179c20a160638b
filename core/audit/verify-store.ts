import type { AuditEntry, AuditStore, AuditVerification } from '../store/types.ts';
import { type ChainKeys, verifyChain } from './verify.ts';

const PAGE = 5000;

/** Every entry of the store's log, in sequence order, read page by page. */
export async function* allEntries(store: AuditStore, afterSeq = 0): AsyncGenerator<AuditEntry> {
  let after = afterSeq;
  for (;;) {
    const page = await store.listAudit({ afterSeq: after }, PAGE);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = last.seq;
  }
}

/**
 * The store's whole chain, and, given the last entry of an earlier export, that the log still holds it:
 * a truncated tail chains perfectly on its own, only a copy kept elsewhere shows the loss.
 */
export async function verifyStore(store: AuditStore, keys: ChainKeys, exported?: AuditEntry): Promise<AuditVerification> {
  const result = await verifyChain(keys, allEntries(store));
  if (!result.ok || !exported) return result;
  const [held] = await store.listAudit({ afterSeq: exported.seq - 1 }, 1);
  if (!held || held.seq !== exported.seq) {
    return { ok: false, checked: result.checked, seq: exported.seq, problem: `entries from ${result.head.seq + 1} to ${exported.seq} were removed: the export holds entry ${exported.seq}, the log ends at ${result.head.seq}` };
  }
  if (held.hash !== exported.hash) {
    return { ok: false, checked: result.checked, seq: exported.seq, problem: `entry ${exported.seq} differs from the exported one: the log was rewritten after the export` };
  }
  return result;
}
