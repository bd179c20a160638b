import type { Actor, AuditInput } from './audit-store.ts';
import type { NewMessage } from './message-store.ts';

/** A durable record of a plugin instance (e.g. a payment), with a state that changes by test-and-set. */
export interface StoredRecord {
  instance: string;
  key: string;
  status: string;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface NewRecord {
  instance: string;
  key: string;
  status: string;
  data: Record<string, unknown>;
  now: number;
  actor: Actor;
}

export interface RecordChange {
  instance: string;
  key: string;
  /** Applies only when the record is in one of these states. */
  from: readonly string[];
  to: string;
  /** Merged into the record's data. */
  data?: Record<string, unknown> | undefined;
  /** Messages (events) queued in the same transaction, each with its acceptance entry. */
  enqueue?: Array<{ message: NewMessage; audit: AuditInput }>;
  now: number;
  actor: Actor;
}

/** Plugin records (payments): durable state a plugin changes by test-and-set, with its audit entries. */
export interface PluginRecordStore {
  getRecord(instance: string, key: string): Promise<StoredRecord | undefined>;
  /** Inserts unless the key exists (audited as `record.created`); answers the stored record either way. */
  createRecord(record: NewRecord): Promise<{ record: StoredRecord; created: boolean }>;
  /** The record after the change (audited as `record.transition`), or undefined when it was not in one of `from`. */
  transitionRecord(change: RecordChange): Promise<StoredRecord | undefined>;
  /** Records of an instance in one state, least recently updated first. */
  listRecords(instance: string, filter: { status: string; updatedBefore?: number | undefined; limit: number }): Promise<StoredRecord[]>;
}
