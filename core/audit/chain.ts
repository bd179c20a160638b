import { type KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** The hash an empty log chains from. */
export const GENESIS = '0'.repeat(64);

/** What a state change says about itself; the chain adds `seq`, `prevHash` and `hash`. */
export interface AuditInput {
  at: number;
  /** Who: `key:<key id>` for API calls, `worker`, `provider:<instance>`, `cli`, `system`. */
  actor: string;
  /** What: `message.accepted`, `attempt`, `message.replayed`, `message.cancelled`, `callback.received`, … */
  action: string;
  messageId?: string | undefined;
  instance?: string | undefined;
  /** Facts about the change, personal data already masked. */
  summary: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  seq: number;
  prevHash: string;
  hash: string;
}

/** The bytes an entry's hash covers: everything but the hash itself. */
export function entryContent(entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return canonicalJson({
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    messageId: entry.messageId ?? null,
    instance: entry.instance ?? null,
    summary: entry.summary,
  });
}

/** Made once per key: handing createHmac raw bytes imports the key anew on every entry. */
const keyObjects = new WeakMap<Buffer, KeyObject>();

/**
 * hash = HMAC-SHA256(auditKey, prevHash + canonical JSON of the entry), exactly as README.md states it under
 * "How an entry is hashed": its test vector (readme-vector.test.ts) and an implementation in another language
 * written from that text (tests/audit-verifier/verify.py) hold this code to it.
 */
export function entryHash(key: Buffer, prevHash: string, entry: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return createHmac('sha256', keyObject).update(prevHash).update(entryContent(entry)).digest('hex');
}

/**
 * Appends inputs after `head`, giving each its sequence number and chained hash. The hash covers the summary as
 * it will be stored and read back (canonical JSON follows JSON.stringify: a Date becomes its string, undefined goes).
 */
export function chainEntries(key: Buffer, head: { seq: number; hash: string }, inputs: AuditInput[]): AuditEntry[] {
  let { seq, hash } = head;
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    seq += 1;
    const prevHash = hash;
    // The fields one by one rather than spreads of the input: cheaper, and nothing else rides along into the log.
    const entry: AuditEntry = {
      at: input.at,
      actor: input.actor,
      action: input.action,
      messageId: input.messageId,
      instance: input.instance,
      summary: input.summary,
      seq,
      prevHash,
      hash: '',
    };
    hash = entryHash(key, prevHash, entry);
    entry.hash = hash;
    entries.push(entry);
  }
  return entries;
}

export function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
