/**
 * Progress batching. The worker runs one `updateProgress` per message, several at once; calls of one instance
 * and one unit code that arrive within `progressBatchWindowMs` of each other go to the portal as ONE
 * CapNhatTienDoHoSoMC call of up to `progressBatchSize` entries, and each caller gets the outcome of its own
 * entries. A message's entries are never split and keep their order.
 *
 * Per-entry results (an assumption: the portal's batch answer is not public). The simulator answers
 * `{ error_code, message, result: [{ index, MaHoSo, error_code, message }] }`, `index` being the 0-based position
 * in `data`. Read tolerantly: the list may be under `result`, `results` or `data`; an item is matched by `index`
 * when it has one, else by `MaHoSo`. A caller whose entries have no item takes the call's own answer when that is
 * a success; a refused call of several messages that says nothing per entry is resent one message per call, so
 * that one bad entry cannot sink the others.
 */
import * as v from 'valibot';
import { callService, type CallTarget, type ServiceAnswer } from './client.ts';
import type { PortalItem } from './mapping.ts';
import { type ResultRow, rowOf } from './results.ts';

export interface ProgressRequest {
  target: CallTarget;
  madonvi: string;
  dossierCode: string;
  items: PortalItem[];
}

/** One caller's outcome: its own row (from its items, or the call's answer). */
export type ProgressOutcome = Pick<ServiceAnswer, 'row'> & { errorCode: string; message: string };

interface Waiting extends ProgressRequest {
  resolve(outcome: ProgressOutcome): void;
  reject(error: unknown): void;
}

interface Pending {
  waiting: Waiting[];
  entries: number;
  timer: NodeJS.Timeout | undefined;
}

const pending = new Map<string, Pending>();

/** Sends a message's progress entries, alone or together with others that arrive meanwhile. */
export function sendProgress(request: ProgressRequest): Promise<ProgressOutcome> {
  const { progressBatchSize: size, progressBatchWindowMs: windowMs } = request.target.config;
  if (size <= 1) return sendTogether([request]).then((outcomes) => outcomes[0] as ProgressOutcome);
  return new Promise<ProgressOutcome>((resolve, reject) => {
    const key = `${request.target.instance}\n${request.madonvi}`;
    let batch = pending.get(key);
    if (batch && batch.entries + request.items.length > size) {
      flush(key, batch);
      batch = undefined;
    }
    if (!batch) {
      const created: Pending = { waiting: [], entries: 0, timer: undefined };
      created.timer = setTimeout(() => flush(key, created), windowMs);
      pending.set(key, created);
      batch = created;
    }
    batch.waiting.push({ ...request, resolve, reject });
    batch.entries += request.items.length;
    if (batch.entries >= size) flush(key, batch);
  });
}

function flush(key: string, batch: Pending): void {
  clearTimeout(batch.timer);
  if (pending.get(key) === batch) pending.delete(key);
  const { waiting } = batch;
  sendTogether(waiting).then(
    (outcomes) => waiting.forEach((member, n) => member.resolve(outcomes[n] as ProgressOutcome)),
    (error: unknown) => waiting.forEach((member) => member.reject(error)),
  );
}

/** Aborted only once every member gave up: one caller's timeout must not cut the others' call short. */
function sharedSignal(members: readonly ProgressRequest[]): AbortSignal {
  const signals = members.map((member) => member.target.signal);
  if (signals.length === 1) return signals[0] as AbortSignal;
  const controller = new AbortController();
  const check = () => {
    if (signals.every((signal) => signal.aborted)) controller.abort();
  };
  for (const signal of signals) signal.addEventListener('abort', check, { once: true });
  check();
  return controller.signal;
}

const itemResult = v.looseObject({
  index: v.optional(v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))])),
  MaHoSo: v.optional(v.string()),
  error_code: v.union([v.pipe(v.number(), v.transform(String)), v.string()]),
  message: v.optional(v.nullable(v.string()), ''),
});
type ItemResult = v.InferOutput<typeof itemResult>;

function itemResultsOf(body: Record<string, unknown>): ItemResult[] | undefined {
  for (const name of ['result', 'results', 'data']) {
    const list = v.safeParse(v.array(itemResult), body[name]);
    if (list.success && list.output.length > 0) return list.output;
  }
  return undefined;
}

async function sendTogether(members: readonly ProgressRequest[]): Promise<ProgressOutcome[]> {
  const first = members[0] as ProgressRequest;
  const data = members.flatMap((member) => member.items);
  const target = { ...first.target, signal: sharedSignal(members) };
  const { answer, row } = await callService(target, first.madonvi, 'CapNhatTienDoHoSoMC', { data });
  const own: ProgressOutcome = { row, errorCode: answer.errorCode, message: answer.message };
  const items = itemResultsOf(answer.body);
  if (!items) {
    if (row.verdict === 'ok' || members.length === 1) return members.map(() => own);
    return Promise.all(members.map((member) => sendTogether([member]).then((outcomes) => outcomes[0] as ProgressOutcome)));
  }
  let offset = 0;
  return members.map((member) => {
    const start = offset;
    offset += member.items.length;
    const mine = items.filter((item) =>
      item.index !== undefined ? item.index >= start && item.index < offset : item.MaHoSo === member.dossierCode,
    );
    if (mine.length === 0) return row.verdict === 'ok' ? own : unattributed(row, answer.errorCode, answer.message);
    const outcomes = mine.map((item): ProgressOutcome => {
      const message = item.message ?? '';
      return { row: rowOf({ errorCode: item.error_code, message }, first.target.config), errorCode: item.error_code, message };
    });
    return outcomes.find((outcome) => outcome.row.verdict !== 'ok') ?? (outcomes[0] as ProgressOutcome);
  });
}

/** A refused call whose per-entry list leaves this caller out: nothing says its entries were taken, try again. */
function unattributed(row: ResultRow, errorCode: string, message: string): ProgressOutcome {
  return { row: { ...row, verdict: 'retryable', code: 'BATCH_UNATTRIBUTED', meaning: 'the portal refused the batch without naming these entries' }, errorCode, message };
}
