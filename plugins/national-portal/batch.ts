/**
 * Progress batching. The worker runs one `updateProgress` per message, several at once; calls of one instance
 * and one unit code that arrive within `progressBatchWindowMs` of each other go to the portal as ONE
 * CapNhatTienDoHoSoMC call of up to `progressBatchSize` entries, and each caller gets the outcome of its own
 * entries. A message's entries are never split and keep their order. Ordering across messages needs nothing
 * here: the worker runs one message per dossier at a time (the dossier code is the ordering key), so a call never
 * holds two messages of one dossier.
 *
 * Per-entry results (an assumption: the portal's batch answer is not public). The simulator answers
 * `{ error_code, message, result: [{ index, MaHoSo, error_code, message }] }`, `index` being the 0-based position
 * in `data`. Read tolerantly: the list may be under `result`, `results` or `data`; an item is a caller's when its
 * index (if it has one) falls among the caller's entries and its MaHoSo (if it has one) is the caller's dossier.
 * A refusal that one entry may have caused (a permanent one, or an unknown dossier; also an HTTP 4xx), when the
 * answer says nothing per entry, is resent one message per call, so that one bad entry cannot sink the others;
 * a busy or throttling portal is not asked again at once.
 */
import * as v from 'valibot';
import { PermanentError } from '../../core/sdk/index.ts';
import { callService, type CallTarget, type ServiceAnswer } from './client.ts';
import type { PortalConfig } from './config.ts';
import type { PortalItem } from './mapping.ts';
import { BATCH_UNATTRIBUTED, LOGIN_REFUSED, type ResultRow, rowOf } from './answer-codes.ts';

export interface ProgressRequest {
  target: CallTarget;
  madonvi: string;
  dossierCode: string;
  items: PortalItem[];
}

/** One caller's outcome: the row for its entries, with the portal's error_code and message behind it. */
export interface ProgressOutcome {
  row: ResultRow;
  errorCode: string;
  message: string;
}

interface Member extends ProgressRequest {
  resolve(outcome: ProgressOutcome): void;
  reject(error: unknown): void;
}

interface Pending {
  members: Member[];
  entries: number;
  timer: NodeJS.Timeout | undefined;
}

const pending = new Map<string, Pending>();

/** Sends a message's progress entries, alone or together with others that arrive meanwhile. */
export function sendProgress(request: ProgressRequest): Promise<ProgressOutcome> {
  return new Promise<ProgressOutcome>((resolve, reject) => {
    const member: Member = { ...request, resolve, reject };
    const { progressBatchSize: size, progressBatchWindowMs: windowMs } = request.target.config;
    if (size <= 1) {
      send([member]);
      return;
    }
    const key = `${request.target.instance}\n${request.madonvi}`;
    let batch = pending.get(key);
    if (batch && batch.entries + request.items.length > size) {
      flush(key, batch);
      batch = undefined;
    }
    if (!batch) {
      const created: Pending = { members: [], entries: 0, timer: undefined };
      created.timer = setTimeout(() => flush(key, created), windowMs);
      pending.set(key, created);
      batch = created;
    }
    batch.members.push(member);
    batch.entries += request.items.length;
    if (batch.entries >= size) flush(key, batch);
  });
}

function flush(key: string, batch: Pending): void {
  clearTimeout(batch.timer);
  if (pending.get(key) === batch) pending.delete(key);
  send(batch.members);
}

/** Sends the members' entries in one call and settles every member with its own outcome. */
function send(members: readonly Member[]): void {
  deliver(members).catch((error: unknown) => {
    // A fault here, not the portal's: no member is left waiting (one already settled stays as it was).
    for (const member of members) member.reject(error);
  });
}

async function deliver(members: readonly Member[]): Promise<void> {
  const first = members[0] as Member;
  const target = { ...first.target, signal: sharedSignal(members) };
  let answered: ServiceAnswer;
  try {
    answered = await callService(target, first.madonvi, 'CapNhatTienDoHoSoMC', { data: members.flatMap((member) => member.items) });
  } catch (error) {
    // An HTTP 4xx may be one entry's doing (or the whole call's size); a refused login is not.
    if (members.length > 1 && error instanceof PermanentError && error.code !== LOGIN_REFUSED.code) return deliverEach(members);
    for (const member of members) member.reject(error);
    return;
  }
  const { answer, row } = answered;
  const call: ProgressOutcome = { row, errorCode: answer.errorCode, message: answer.message };
  const items = itemResultsOf(answer.body);
  if (!items) {
    if (members.length > 1 && mayBeOneEntrys(row)) return deliverEach(members);
    for (const member of members) member.resolve(call);
    return;
  }
  let start = 0;
  for (const member of members) {
    member.resolve(outcomeOf(member, start, items, call, first.target.config));
    start += member.items.length;
  }
}

async function deliverEach(members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((member) => deliver([member])));
}

/** A refusal one entry may have caused; a busy, throttling or unknown answer is the portal's state and is not. */
function mayBeOneEntrys(row: ResultRow): boolean {
  return row.verdict === 'permanent' || row.verdict === 'unknownDossier' || row.verdict === 'exists';
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

/**
 * A member's outcome from the per-entry list: its first refused entry; else success when the call succeeded or
 * the list reports every one of its entries taken; else BATCH_UNATTRIBUTED. `start` is its first entry's index.
 */
function outcomeOf(member: Member, start: number, items: readonly ItemResult[], call: ProgressOutcome, config: PortalConfig): ProgressOutcome {
  const end = start + member.items.length;
  const mine = items.filter(
    (item) =>
      (item.index !== undefined || item.MaHoSo !== undefined) &&
      (item.index === undefined || (item.index >= start && item.index < end)) &&
      (item.MaHoSo === undefined || item.MaHoSo === member.dossierCode),
  );
  const outcomes = mine.map((item): ProgressOutcome => {
    const message = item.message ?? '';
    return { row: rowOf({ errorCode: item.error_code, message }, config), errorCode: item.error_code, message };
  });
  const refused = outcomes.find((outcome) => outcome.row.verdict !== 'ok');
  if (refused) return refused;
  if (call.row.verdict === 'ok') return outcomes[0] ?? call;
  const [taken] = outcomes;
  return taken && outcomes.length >= member.items.length ? taken : { ...call, row: BATCH_UNATTRIBUTED };
}
