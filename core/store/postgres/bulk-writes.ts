/**
 * The bulk halves of group commit on PostgreSQL: a batch of accepts or of attempt outcomes in a few statements,
 * each batch bound as ONE JSON parameter that the server unpacks (jsonb_to_recordset): one round trip per statement
 * whatever the batch's size.
 */
import type { AcceptResult, AuditInput, CompleteAttempt, MessageStatus, NewMessage } from '../types.ts';
import type { PayloadCodec } from '../payload-cipher.ts';
import type { Acceptance } from '../sqlite/bulk-writes.ts';
import { INSERT_ENTRIES } from './audit-log.ts';
import type { Queries } from './connection.ts';

const INSERT_MESSAGES = `
  INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, dossier_code, ordering_key, ordering_rank,
                        status, attempts, max_attempts, next_attempt_at, created_at, updated_at, expires_at)
  SELECT id, capability, operation, agency, instance, plugin, payload, reference, "dossierCode", "orderingKey", COALESCE("orderingRank", 0),
         'queued', 0, "maxAttempts", "createdAt", "createdAt", "createdAt", "expiresAt"
    FROM jsonb_to_recordset(?::jsonb) AS m(id text, capability text, operation text, agency text, instance text, plugin text, payload text,
         reference text, "dossierCode" text, "orderingKey" text, "orderingRank" integer, "maxAttempts" integer, "createdAt" bigint, "expiresAt" bigint)`;

export async function insertMessages(db: Queries, messages: NewMessage[], codec: PayloadCodec): Promise<void> {
  if (messages.length === 0) return;
  await db.run(INSERT_MESSAGES, [JSON.stringify(messageRows(messages, codec))]);
}

/** The payload goes in as its own JSON text (encrypted when a data key is set), stored exactly as accepted. */
function messageRows(messages: NewMessage[], codec: PayloadCodec): unknown[] {
  return messages.map((message) => ({ ...message, payload: codec.encode(JSON.stringify(message.payload)) }));
}

/**
 * Claims the batch's Idempotency-Keys in one statement: a key taken by an earlier accept of the batch, or by
 * another process (whose transaction this one waits for), is not inserted again and answers that message.
 */
const CLAIM_KEYS = `
  INSERT INTO idempotency_keys (scope, key, request_hash, message_id, created_at)
  SELECT scope, key, "requestHash", "messageId", "createdAt"
    FROM jsonb_to_recordset(?::jsonb) AS k(scope text, key text, "requestHash" text, "messageId" text, "createdAt" bigint)
  ON CONFLICT (scope, key) DO NOTHING
  RETURNING message_id`;

/** Chains audit entries after the head the transaction holds, for a statement that writes them (audit-log.ts). */
export type ChainNow = (inputs: AuditInput[]) => { rows: string; seq: number; hash: string } | undefined;

/**
 * Every accept of a batch in one INSERT, after settling their idempotency keys. With the audit head held, the
 * messages, their entries and the head's move are one statement: one round trip, the head held for less time.
 */
export async function insertAcceptances(db: Queries, acceptances: Acceptance[], audit: AuditInput[], codec: PayloadCodec, chainNow?: ChainNow): Promise<AcceptResult[]> {
  const claims = acceptances.flatMap(({ message, idempotency }) =>
    idempotency ? [{ ...idempotency, messageId: message.id, createdAt: message.createdAt }] : [],
  );
  const claimed = new Set<string>();
  const existing = new Map<string, { request_hash: string; message_id: string | null }>();
  if (claims.length > 0) {
    for (const row of await db.all<{ message_id: string }>(CLAIM_KEYS, [JSON.stringify(claims)])) claimed.add(row.message_id);
    const lost = claims.filter((claim) => !claimed.has(claim.messageId));
    if (lost.length > 0) {
      const rows = await db.all<{ scope: string; key: string; request_hash: string; message_id: string | null }>(
        `SELECT i.scope, i.key, i.request_hash, i.message_id FROM idempotency_keys i
           JOIN jsonb_to_recordset(?::jsonb) AS k(scope text, key text) ON i.scope = k.scope AND i.key = k.key`,
        [JSON.stringify(lost.map(({ scope, key }) => ({ scope, key })))],
      );
      for (const row of rows) existing.set(JSON.stringify([row.scope, row.key]), row);
    }
  }
  const results: AcceptResult[] = [];
  const fresh: NewMessage[] = [];
  const entries: AuditInput[] = [];
  for (const { message, idempotency, audit: entry } of acceptances) {
    if (idempotency && !claimed.has(message.id)) {
      const held = existing.get(JSON.stringify([idempotency.scope, idempotency.key]));
      results.push(
        held?.request_hash === idempotency.requestHash && held.message_id
          ? { outcome: 'repeated', messageId: held.message_id }
          : { outcome: 'conflict' },
      );
      continue;
    }
    fresh.push(message);
    if (entry) entries.push(entry);
    results.push({ outcome: 'accepted', messageId: message.id });
  }
  const chained = entries.length > 0 ? chainNow?.(entries) : undefined;
  if (chained) {
    await db.run(`WITH accepted AS (${INSERT_MESSAGES}), appended AS (${INSERT_ENTRIES}) UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, [
      JSON.stringify(messageRows(fresh, codec)),
      chained.rows,
      chained.seq,
      chained.hash,
    ]);
    return results;
  }
  audit.push(...entries);
  await insertMessages(db, fresh, codec);
  return results;
}

/** The message side of outcomes: only where the lease is still ours. */
const UPDATE_OUTCOMES = `
  UPDATE messages
     SET status = c.status, next_attempt_at = c.next, lease_owner = NULL, lease_until = NULL,
         last_error = CASE WHEN c.status = 'succeeded' THEN NULL ELSE COALESCE(c.error, messages.last_error) END,
         result = COALESCE(c.result, messages.result), updated_at = c.now
    FROM jsonb_to_recordset(?::jsonb) AS c(id text, owner text, status text, next bigint, error text, result text, now bigint)
   WHERE messages.id = c.id AND messages.lease_owner = c.owner AND messages.status = 'processing'
  RETURNING messages.id AS id`;

/** An attempt happened even when its lease was lost meanwhile: it is recorded all the same. */
const INSERT_ATTEMPTS = `
  INSERT INTO attempts (message_id, round, number, started_at, finished_at, outcome, error, provider_code)
  SELECT m.id, m.replays, a.number, a."startedAt", a."finishedAt", a.outcome, a.error, a."providerCode"
    FROM jsonb_to_recordset(?::jsonb) AS a(id text, number integer, "startedAt" bigint, "finishedAt" bigint, outcome text, error text, "providerCode" text)
    JOIN messages m ON m.id = a.id
  ON CONFLICT DO NOTHING`;

/**
 * The outcomes of a batch of attempts: one UPDATE for the messages, one INSERT for the attempt records, one
 * for the events they emit. Answers, per outcome, whether the lease held.
 */
export async function completeAttempts(db: Queries, completions: CompleteAttempt[], audit: AuditInput[], codec: PayloadCodec): Promise<boolean[]> {
  const outcomes = completions.map((completion) => {
    const status: MessageStatus = completion.outcome === 'retry' ? 'queued' : completion.outcome;
    return {
      id: completion.messageId,
      owner: completion.leaseOwner,
      status,
      next: completion.outcome === 'retry' ? (completion.nextAttemptAt ?? completion.now) : null,
      error: completion.error ?? null,
      result: completion.result === undefined ? null : JSON.stringify(completion.result),
      now: completion.now,
    };
  });
  const rows = await db.all<{ id: string }>(UPDATE_OUTCOMES, [JSON.stringify(outcomes)]);
  const updated = new Set(rows.map((row) => row.id));

  const attempts = completions.flatMap((completion) =>
    completion.attempt
      ? [{
          id: completion.messageId,
          number: completion.attempt.number,
          startedAt: completion.attempt.startedAt,
          finishedAt: completion.now,
          outcome: completion.attempt.skipped ? 'skipped' : completion.outcome,
          error: completion.error ?? null,
          providerCode: completion.providerCode ?? null,
        }]
      : [],
  );
  if (attempts.length > 0) await db.run(INSERT_ATTEMPTS, [JSON.stringify(attempts)]);

  await insertMessages(db, completions.filter((completion) => updated.has(completion.messageId)).flatMap((completion) => completion.enqueue ?? []), codec);
  // The attempt is a fact even when the lease was lost: its entries are written all the same.
  for (const completion of completions) audit.push(...(completion.audit ?? []));
  return completions.map((completion) => updated.has(completion.messageId));
}
