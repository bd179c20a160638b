/**
 * The Store interface: everything the gateway keeps. The SQLite implementation is the default; a PostgreSQL one
 * plugs in behind the same interface. All times are epoch milliseconds, passed in by the caller (tests use fake
 * clocks), and every write that belongs together happens in one transaction.
 *
 * Each concern is its own interface, in its own file beside its records; `Store` is all of them. A caller that needs
 * one concern may take that interface alone.
 */

import type { ApiKeyStore } from './api-key-store.ts';
import type { AuditStore } from './audit-store.ts';
import type { IdempotencyStore } from './idempotency-store.ts';
import type { InstancePauseStore } from './instance-pause-store.ts';
import type { MessageStore } from './message-store.ts';
import type { MessageViews } from './message-views.ts';
import type { PluginRecordStore } from './plugin-record-store.ts';
import type { StoreLifecycle } from './store-lifecycle.ts';

export type { ApiKeyRecord, ApiKeyStore, KeyRole } from './api-key-store.ts';
export type { Actor, AuditEntry, AuditFilter, AuditInput, AuditKeyRotation, AuditStore, AuditVerification } from './audit-store.ts';
export type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './idempotency-store.ts';
export type { InstancePause, InstancePauseStore, InstanceResume } from './instance-pause-store.ts';
export type {
  AcceptResult,
  AttemptOutcome,
  AttemptRecord,
  CompleteAttempt,
  MessageFilter,
  MessagePage,
  MessageRecord,
  MessageStatus,
  MessageStore,
  NewMessage,
  ReplayPlan,
  ReplayTarget,
} from './message-store.ts';
export type {
  DossierEntry,
  DossierEventEntry,
  DossierMessageEntry,
  DossierRecordEntry,
  InstanceActivity,
  InstanceQueueStats,
  MessageCount,
  MessageViews,
  Overview,
} from './message-views.ts';
export type { NewRecord, PluginRecordStore, RecordChange, StoredRecord } from './plugin-record-store.ts';
export type { StoreLifecycle } from './store-lifecycle.ts';

export interface Store
  extends MessageStore,
    MessageViews,
    IdempotencyStore,
    ApiKeyStore,
    PluginRecordStore,
    AuditStore,
    InstancePauseStore,
    StoreLifecycle {}
