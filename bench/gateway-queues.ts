import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';

/** How often the bench asks the gateway how far delivery is; a clock that stops on it is this coarse. */
const POLL_MS = 20;

const queueShape = v.object({ queued: v.number(), processing: v.number(), dead: v.number(), succeeded: v.number() });
/** One instance's messages by state, as `GET /admin/v1/instances` counts them (succeeded: since the gateway started on its file). */
export type Queue = v.InferOutput<typeof queueShape>;
const instancesShape = v.object({ instances: v.array(v.object({ id: v.string(), queue: queueShape })) });

/** Where to ask: a gateway and one of its operator keys. */
export interface GatewayAdmin {
  url: string;
  keys: { operator: string };
}

/** Every instance's queue. */
export async function instanceQueues(gateway: GatewayAdmin): Promise<Array<{ id: string; queue: Queue }>> {
  const response = await fetch(`${gateway.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${gateway.keys.operator}` } });
  if (!response.ok) throw new Error(`GET /admin/v1/instances answered ${response.status}`);
  return v.parse(instancesShape, await response.json()).instances;
}

export async function instanceQueue(gateway: GatewayAdmin, instance: string): Promise<Queue> {
  const instances = await instanceQueues(gateway);
  const found = instances.find((entry) => entry.id === instance);
  if (!found) throw new Error(`the gateway has no instance ${instance}: ${instances.map((entry) => entry.id).join(', ')}`);
  return found.queue;
}

export interface DeliveredOptions {
  /** Dead messages before the run: one more fails the bench. */
  deadBefore?: number;
  /** Succeeded messages to wait for (the count is the instance's since the gateway started). */
  succeeded?: number;
  /** When the run began, for the time-out. */
  startedAt: number;
  timeoutMs: number;
}

/** Polls until the instance has nothing queued or in flight and `succeeded` have succeeded; fails on a new dead message or a stall. */
export async function waitUntilDelivered(gateway: GatewayAdmin, instance: string, options: DeliveredOptions): Promise<Queue> {
  const { deadBefore = 0, succeeded = 0, startedAt, timeoutMs } = options;
  for (;;) {
    const queue = await instanceQueue(gateway, instance);
    if (queue.dead > deadBefore) throw new Error(`${instance}: ${queue.dead - deadBefore} message(s) went dead: ${JSON.stringify(queue)}`);
    if (queue.succeeded >= succeeded && queue.queued + queue.processing === 0) return queue;
    if (performance.now() - startedAt > timeoutMs) throw new Error(`${instance}: delivery stalled after ${timeoutMs} ms: ${JSON.stringify(queue)}`);
    await sleep(POLL_MS);
  }
}

/** A drain is not timed closely: asking less often leaves the worker the CPU. */
const DRAIN_POLL_MS = 500;

/** Waits until no instance of the gateway has anything queued or in flight and returns the seconds it took. */
export async function waitForEmptyQueues(gateway: GatewayAdmin, timeoutMs = 120_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const waiting = (await instanceQueues(gateway)).reduce((sum, { queue }) => sum + queue.queued + queue.processing, 0);
    const elapsedMs = performance.now() - started;
    if (waiting === 0) return elapsedMs / 1000;
    if (elapsedMs > timeoutMs) throw new Error(`the worker still had ${waiting} messages waiting after ${timeoutMs / 1000} s`);
    await sleep(DRAIN_POLL_MS);
  }
}
