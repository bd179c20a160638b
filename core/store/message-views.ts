import type { MessageRecord, MessageStatus } from './message-store.ts';
import type { StoredRecord } from './plugin-record-store.ts';

export interface InstanceQueueStats {
  instance: string;
  queued: number;
  processing: number;
  dead: number;
  succeeded: number;
  /** Creation time of the oldest message still waiting (queued or processing). */
  oldestWaitingAt: number | null;
}

/** Messages of one status, capability and agency, over every instance. */
export interface MessageCount {
  capability: string;
  agency: string;
  status: MessageStatus;
  count: number;
}

export interface InstanceActivity {
  instance: string;
  /** Of its messages; null for an instance known only by its sync calls. */
  capability: string | null;
  queued: number;
  processing: number;
  dead: number;
  succeeded: number;
  /** Creation time of the oldest message still waiting (queued or processing). */
  oldestWaitingAt: number | null;
  /** Attempts started and failed (any outcome but success) over the last hour: deliveries and sync calls. */
  lastHour: { attempts: number; failures: number };
}

/** What the overview shows, read from counters and indexes, never by counting the messages. */
export interface Overview {
  /** Non-zero counts only. */
  counts: MessageCount[];
  /** Every instance with a message or an attempt in the last hour, by id. */
  instances: InstanceActivity[];
}

interface DossierEntryFacts {
  /** When it began: a message's creation, a record's. */
  at: number;
  id: string;
  status: string;
  instance: string;
  /** Null for a record whose data names no agency. */
  agency: string | null;
}

/** A message about the dossier: a portal sync, its progress, an SMS. */
export interface DossierMessageEntry extends DossierEntryFacts {
  kind: 'message';
  capability: string;
  operation: string;
  message: MessageRecord;
}

/** An event about the dossier delivered to the one-stop software (`payment.succeeded`, `message.dead` …). */
export interface DossierEventEntry extends DossierEntryFacts {
  kind: 'event';
  capability: string;
  operation: string;
  /** Null once retention removed the payload. */
  eventType: string | null;
  message: MessageRecord;
}

/** A plugin record about the dossier (a payment): `id` is its key. */
export interface DossierRecordEntry extends DossierEntryFacts {
  kind: 'record';
  record: StoredRecord;
}

export type DossierEntry = DossierMessageEntry | DossierEventEntry | DossierRecordEntry;

/** What operators read about messages: queues, counts and a dossier's timeline, from counters and indexes. */
export interface MessageViews {
  queueStats(): Promise<InstanceQueueStats[]>;
  /**
   * Counts per status × instance × capability × agency, and per instance its queue, oldest waiting message and the
   * last hour's attempts (as of `now`); only `agencies`' when given (an API key's scope, `*` for all).
   */
  overview(now: number, agencies?: readonly string[]): Promise<Overview>;
  /**
   * Everything about one dossier (its code matched exactly), oldest first: its messages, its events and its plugin
   * records (payments); only `agencies`' when given. At most `limit` entries (default 1000), the oldest.
   */
  dossierTimeline(code: string, options?: { agencies?: readonly string[] | undefined; limit?: number }): Promise<DossierEntry[]>;
}
