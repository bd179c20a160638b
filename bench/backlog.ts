import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';

/** A worker that has not emptied its queue by then has stalled: fail rather than wait for ever. */
const DRAIN_TIMEOUT_MS = 120_000;
const POLL_MS = 500;

const instancesShape = v.object({
  instances: v.array(v.object({ id: v.string(), queue: v.object({ queued: v.number(), processing: v.number() }) })),
});

/**
 * Waits until the gateway at `url` has nothing queued or in flight on any instance (asked through
 * `GET /admin/v1/instances` with an operator key) and returns the seconds it took.
 */
export async function waitForEmptyQueues(url: string, operatorKey: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${url}/admin/v1/instances`, { headers: { authorization: `Bearer ${operatorKey}` } });
    if (!response.ok) throw new Error(`GET /admin/v1/instances answered ${response.status}`);
    const { instances } = v.parse(instancesShape, await response.json());
    const waiting = instances.reduce((sum, instance) => sum + instance.queue.queued + instance.queue.processing, 0);
    const elapsedMs = performance.now() - started;
    if (waiting === 0) return elapsedMs / 1000;
    if (elapsedMs > DRAIN_TIMEOUT_MS) throw new Error(`the worker still had ${waiting} messages waiting after ${DRAIN_TIMEOUT_MS / 1000} s`);
    await sleep(POLL_MS);
  }
}
