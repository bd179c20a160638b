import type { AuditEntry, AuditInput } from '../audit/chain.ts';

export type { AuditEntry, AuditInput } from '../audit/chain.ts';

/** Who asked for a change an operator or a caller makes, for its audit entry: e.g. `key:key_3f2a9c`, `cli`. */
export type Actor = string;

export type AuditVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  /** `missingKeyId`: no tampering found, but the key of that id, which chains the log from entry `seq` on, was not given. */
  | { ok: false; checked: number; seq: number; problem: string; missingKeyId?: string };

/** An audit key rotation: entry `seq` (under the previous key) names the new key; entries after it use that key. */
export interface AuditKeyRotation {
  seq: number;
  previousKeyId: string;
  newKeyId: string;
}

export interface AuditFilter {
  messageId?: string;
  since?: number;
  until?: number;
  /** Entries after this sequence number (paging, exports). */
  afterSeq?: number;
}

/** The audit chain: entries appended, read, verified, and the key that chains them. */
export interface AuditStore {
  /** Appends audit entries that record no stored change of their own (a callback received, config loaded). */
  appendAudit(entries: AuditInput[]): Promise<void>;
  /** Audit entries in sequence order. */
  listAudit(filter: AuditFilter, limit: number): Promise<AuditEntry[]>;
  /**
   * Recomputes the whole chain with the store's key and names the first entry altered, removed, inserted or
   * moved; given the last entry of an earlier export, also that the log still ends no earlier than it.
   */
  verifyAudit(exported?: AuditEntry): Promise<AuditVerification>;
  /**
   * Chains new entries with `newKey` from now on: appends `audit.key.rotated` (naming the new key's id, hashed under
   * the current key) and records the change in the same transaction. Verification then needs both keys.
   */
  rotateAuditKey(newKey: Buffer, at: number, actor: Actor): Promise<AuditKeyRotation>;
}
