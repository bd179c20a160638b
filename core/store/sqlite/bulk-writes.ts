/**
 * The bulk halves of group commit: a batch of accepts or of attempt outcomes in a few statements. Each batch
 * is bound as ONE JSON parameter that SQLite unpacks with jsonb_each: binding hundreds of parameters one by one
 * costs the event loop more than the whole rest of an accept, while jsonb_each runs on SQLite's own thread. jsonb_each,
 * not json_each: it parses the text once and hands each row over as JSONB, which `->>` reads without parsing again
 * (json_each parsed every row's text anew for each of its fields: about 40% more of SQLite's time on an accept).
 */
import type { AcceptResult, AuditInput, CompleteAttempt, IdempotencyClaim, MessageStatus, NewMessage } from '../types.ts';
import type { PayloadCodec } from '../payload-cipher.ts';
import type { Connection } from './connection.ts';

export interface Acceptance {
  message: NewMessage;
  idempotency: IdempotencyClaim | undefined;
  /** Written only if the message is (not for a repeated Idempotency-Key). */
  audit: AuditInput | undefined;
}

const INSERT_MESSAGES = `
  INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, dossier_code, ordering_key, ordering_rank,
                        status, attempts, max_attempts, next_attempt_at, created_at, updated_at, expires_at)
  SELECT value->>'id', value->>'capability', value->>'operation', value->>'agency', value->>'instance',
         value->>'plugin', value->>'payload', value->>'reference', value->>'dossierCode', value->>'orderingKey', COALESCE(value->>'orderingRank', 0),
         'queued', 0, value->>'maxAttempts', value->>'createdAt', value->>'createdAt', value->>'createdAt', value->>'expiresAt'
    FROM jsonb_each(?)`;

export async function insertMessages(db: Connection, messages: NewMessage[], codec: PayloadCodec): Promise<void> {
  if (messages.length === 0) return;
  // The payload goes in as its own JSON text (encrypted when a data key is set), stored exactly as accepted.
  const rows = messages.map((message) => ({ ...message, payload: codec.encode(JSON.stringify(message.payload)) }));
  await db.run(INSERT_MESSAGES, [JSON.stringify(rows)]);
}

/** Every accept of a batch in one INSERT, after settling their idempotency keys. */
export async function insertAcceptances(db: Connection, acceptances: Acceptance[], audit: AuditInput[], codec: PayloadCodec): Promise<AcceptResult[]> {
  const results: AcceptResult[] = [];
  const fresh: NewMessage[] = [];
  for (const { message, idempotency, audit: entry } of acceptances) {
    if (idempotency) {
      const { changes } = await db.run(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, message_id, created_at) VALUES (?, ?, ?, ?, ?)',
        [idempotency.scope, idempotency.key, idempotency.requestHash, message.id, message.createdAt],
      );
      if (changes === 0) {
        const existing = await db.get<{ request_hash: string; message_id: string | null }>(
          'SELECT request_hash, message_id FROM idempotency_keys WHERE scope = ? AND key = ?',
          [idempotency.scope, idempotency.key],
        );
        results.push(
          existing?.request_hash === idempotency.requestHash && existing.message_id
            ? { outcome: 'repeated', messageId: existing.message_id }
            : { outcome: 'conflict' },
        );
        continue;
      }
    }
    fresh.push(message);
    if (entry) audit.push(entry);
    results.push({ outcome: 'accepted', messageId: message.id });
  }
  await insertMessages(db, fresh, codec);
  return results;
}

/**
 * The message side of outcomes: only where the lease is still ours. `+messages.status` keeps SQLite from driving the
 * join from the index of processing messages, which read the whole batch's JSON again for each of them (a batch of
 * 1,000 outcomes cost 1.5 ms of SQLite's time per message); from the JSON, each message is one primary-key look-up.
 */
const UPDATE_OUTCOMES = `
  UPDATE messages
     SET status = c.status, next_attempt_at = c.next, lease_owner = NULL, lease_until = NULL,
         last_error = CASE WHEN c.status = 'succeeded' THEN NULL ELSE COALESCE(c.error, messages.last_error) END, result = COALESCE(c.result, messages.result), updated_at = c.now
    FROM (SELECT value->>'id' AS id, value->>'owner' AS owner, value->>'status' AS status, value->>'next' AS next,
                 value->>'error' AS error, value->>'result' AS result, value->>'now' AS now
            FROM jsonb_each(?)) AS c
   WHERE messages.id = c.id AND messages.lease_owner = c.owner AND +messages.status = 'processing'
  RETURNING messages.id AS id`;

/** An attempt happened even when its lease was lost meanwhile: it is recorded all the same. */
const INSERT_ATTEMPTS = `
  INSERT OR IGNORE INTO attempts (message_id, round, number, started_at, finished_at, outcome, error, provider_code)
  SELECT m.id, m.replays, a.value->>'number', a.value->>'startedAt', a.value->>'finishedAt', a.value->>'outcome',
         a.value->>'error', a.value->>'providerCode'
    FROM jsonb_each(?) AS a JOIN messages m ON m.id = a.value->>'id'`;

/**
 * The outcomes of a batch of attempts: one UPDATE for the messages, one INSERT for the attempt records, one
 * for the events they emit. Answers, per outcome, whether the lease held.
 */
export async function completeAttempts(db: Connection, completions: CompleteAttempt[], audit: AuditInput[], codec: PayloadCodec): Promise<boolean[]> {
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
