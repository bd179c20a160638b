import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';
import { loadConfig } from '../core/config/load.ts';
import { Instances } from '../core/runtime/instances.ts';
import { buildMessage } from '../core/delivery/new-message.ts';
import { DeliveryWorker } from '../core/delivery/worker.ts';
import { pluginServices } from '../core/runtime/plugin-services.ts';
import { createLogger } from '../core/logger.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { plugins } from '../app/plugins.ts';
import { AGENCY } from './accept.ts';
import { explained, startChild, urlReady } from './children.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { RECEIVED_LIST_LIMIT, simulatorClient } from './simulator-control.ts';
/** A run that takes longer has stalled (a receiver refusing, a lost lease): fail rather than wait for ever. */
const SETTLE_TIMEOUT_MS = 120_000;

export interface DeliveryRun {
  concurrency: number;
  messages: number;
  /** From the worker's start until the store reports every message succeeded. */
  seconds: number;
  perSecond: number;
  /** How long storing the messages took (group commit, in this process, no HTTP). */
  acceptSeconds: number;
  /** Distinct `webhook-id`s the receiver verified, all of them ours. */
  receivedDistinct: number;
  /** Deliveries beyond one per message (at-least-once: a retry after a lost answer). */
  redeliveries: number;
  /**
   * CPU seconds of this process (the store and its SQLite threads, the worker; all threads, from /proc) over the
   * same span, worker start and stop included; null without /proc. The receiver's CPU is not in it.
   */
  cpuSeconds: number | null;
  cpuMicrosPerMessage: number | null;
}

const receivedShape = v.array(
  v.union([v.object({ id: v.string(), deliveries: v.number() }), v.object({ id: v.optional(v.string()), rejected: v.string() })]),
);

/**
 * End-to-end delivery through core webhook delivery: the receiver in a child process, the store and the worker
 * here. For each concurrency: a fresh SQLite file, `messages` events accepted first, then the worker timed
 * until all of them succeeded, and the receiver asked which ids it verified.
 */
export async function benchWebhookDelivery(dir: string, messages: number, concurrencies: number[]): Promise<DeliveryRun[]> {
  if (messages > RECEIVED_LIST_LIMIT) throw new Error(`BENCH_MESSAGES is at most ${RECEIVED_LIST_LIMIT}: the receiver lists no more`);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = await startChild('bench/webhook-receiver-server.ts', { BENCH_WEBHOOK_SECRET: secret }, urlReady);
  try {
    return await explained(receiver, async () => {
      const runs: DeliveryRun[] = [];
      for (const concurrency of concurrencies) {
        runs.push(await deliverOnce({ file: join(dir, `webhook-c${concurrency}.db`), messages, concurrency, receiverUrl: receiver.ready.url, secret }));
      }
      return runs;
    });
  } finally {
    await receiver.stop();
  }
}

export interface RunOptions {
  /** A SQLite file of its own, made fresh. */
  file: string;
  messages: number;
  concurrency: number;
  receiverUrl: string;
  secret: string;
}

/**
 * One timed delivery run: `messages` events stored first, then the worker timed until all succeeded; the receiver
 * (any server that lists `{ id, deliveries }` at `GET /__received`) must have got every id.
 */
export async function deliverOnce({ file, messages, concurrency, receiverUrl, secret }: RunOptions): Promise<DeliveryRun> {
  const config = loadConfig(
    {
      agencies: [{ code: AGENCY }],
      webhooks: [{ id: 'bench', url: `${receiverUrl}/webhook`, secret: { env: 'BENCH_WEBHOOK_SECRET' }, delivery: { concurrency } }],
    },
    plugins,
    { BENCH_WEBHOOK_SECRET: secret },
  );
  const log = createLogger('warn', process.stderr);
  const instances = new Instances(config, log);
  const instance = instances.get('webhook-bench');
  if (!instance) throw new Error('the config made no webhook-bench instance');
  const store = await SqliteStore.open(file, { auditKey: randomBytes(32) });
  try {
    await simulatorClient(receiverUrl).clearReceived();
    const now = Date.now();
    const timestamp = new Date(now).toISOString();
    const acceptStarted = performance.now();
    const accepted = await Promise.all(
      Array.from({ length: messages }, (_, n) =>
        store.accept(buildMessage(instance, 'deliver', { agency: AGENCY, event: { type: 'bench.event', timestamp, data: { n } } }, now)),
      ),
    );
    const acceptSeconds = (performance.now() - acceptStarted) / 1000;
    const ids = new Set(accepted.map((result) => (result.outcome === 'accepted' ? result.messageId : '')));
    ids.delete('');
    if (ids.size !== messages) throw new Error(`only ${ids.size} of ${messages} webhook messages were accepted`);

    const services = pluginServices({ store, instances, clock: { now: () => Date.now() }, notify: () => undefined, publicUrl: () => 'http://127.0.0.1' }, instance.id, 'worker');
    const worker = new DeliveryWorker({ store, instances, log, services: () => services });
    const cpuBefore = processCpuSeconds(process.pid);
    const started = performance.now();
    worker.start();
    try {
      await waitUntilSucceeded(store, instance.id, messages);
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = processCpuSeconds(process.pid);
    const cpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? null : cpuAfter - cpuBefore;
    const { distinct, redeliveries } = await receivedBy(receiverUrl, ids);
    if (distinct !== messages) throw new Error(`the receiver verified ${distinct} of our ${messages} webhook ids`);
    return {
      concurrency,
      messages,
      seconds,
      perSecond: messages / seconds,
      acceptSeconds,
      receivedDistinct: distinct,
      redeliveries,
      cpuSeconds,
      cpuMicrosPerMessage: cpuSeconds === null ? null : (cpuSeconds / messages) * 1e6,
    };
  } finally {
    await store.close();
  }
}

/** Polls the store's counts; a dead message fails the bench at once, since the receiver never refuses. */
async function waitUntilSucceeded(store: SqliteStore, instance: string, messages: number): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const stats = (await store.queueStats()).find((entry) => entry.instance === instance);
    if (stats && stats.dead > 0) throw new Error(`${stats.dead} webhook messages went dead`);
    if (stats && stats.succeeded >= messages) return;
    if (performance.now() > deadline) throw new Error(`delivery stalled: ${JSON.stringify(stats)} after ${SETTLE_TIMEOUT_MS} ms`);
    await sleep(10);
  }
}

async function receivedBy(receiverUrl: string, ids: ReadonlySet<string>): Promise<{ distinct: number; redeliveries: number }> {
  const entries = v.parse(receivedShape, await simulatorClient(receiverUrl).received());
  const rejected = entries.filter((entry) => 'rejected' in entry);
  if (rejected.length > 0) throw new Error(`the receiver rejected ${rejected.length} deliveries, e.g. ${JSON.stringify(rejected[0])}`);
  const ours = entries.filter((entry): entry is { id: string; deliveries: number } => 'deliveries' in entry && ids.has(entry.id));
  const distinct = new Set(ours.map((entry) => entry.id)).size;
  return { distinct, redeliveries: ours.reduce((sum, entry) => sum + entry.deliveries, 0) - distinct };
}
