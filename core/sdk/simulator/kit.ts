/**
 * What every provider simulator shares: fault injection through `POST /__control` and the record of what it
 * received at `GET /__received`, so anyone can rehearse an outage in the sandbox.
 */
import type { Server } from 'node:http';
import { Hono } from 'hono';
import * as v from 'valibot';

const controlSchema = v.object({
  failRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  failMode: v.optional(v.picklist(['transient', 'permanent', 'timeout'])),
  latencyMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000))),
});

export type FaultMode = 'transient' | 'permanent' | 'timeout';
export type FaultDecision = 'ok' | FaultMode;

export interface FaultSettings {
  failRate: number;
  failMode: FaultMode;
  latencyMs: number;
}

export interface FaultInjector {
  readonly settings: FaultSettings;
  /** Decides the fate of one request, after waiting the configured latency. */
  next(): Promise<FaultDecision>;
  record(entry: unknown): void;
  readonly received: unknown[];
  /** For the `timeout` mode: never answer, until the client gives up or the simulator closes. */
  hang(signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** The simulator keeps the newest entries only, so a long sandbox session does not grow without bound. */
const RECEIVED_LIMIT = 10_000;

export function createFaultInjector(random: () => number = Math.random): FaultInjector {
  const settings: FaultSettings = { failRate: 0, failMode: 'transient', latencyMs: 0 };
  const received: unknown[] = [];
  const waiting = new Set<() => void>();

  /** Waits until `ms` pass (forever when undefined), the signal aborts, or the simulator closes. */
  const wait = (ms: number | undefined, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = ms === undefined ? undefined : setTimeout(release, ms);
      function release() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', release);
        waiting.delete(release);
        resolve();
      }
      waiting.add(release);
      signal?.addEventListener('abort', release, { once: true });
    });

  return {
    settings,
    received,
    async next() {
      if (settings.latencyMs > 0) await wait(settings.latencyMs);
      return settings.failRate > 0 && random() < settings.failRate ? settings.failMode : 'ok';
    },
    record(entry) {
      received.push(entry);
      if (received.length > RECEIVED_LIMIT) received.splice(0, received.length - RECEIVED_LIMIT);
    },
    hang: (signal) => wait(undefined, signal),
    close() {
      for (const release of [...waiting]) release();
    },
  };
}

/** `POST /__control` (JSON `{ failRate, failMode, latencyMs }`), `GET /__received`, `DELETE /__received`. */
export function controlRoutes(faults: FaultInjector): Hono {
  const app = new Hono();
  app.post('/__control', async (c) => {
    const body = await c.req.json().catch(() => undefined);
    const parsed = v.safeParse(controlSchema, body);
    if (!parsed.success) {
      const errors = parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
      const problem = { type: 'about:blank', title: 'Invalid fault settings', status: 400, errors };
      return c.body(JSON.stringify(problem), 400, { 'content-type': 'application/problem+json' });
    }
    Object.assign(faults.settings, parsed.output);
    return c.json(faults.settings);
  });
  app.get('/__received', (c) => c.json(faults.received));
  app.delete('/__received', (c) => {
    faults.received.length = 0;
    return c.body(null, 204);
  });
  return app;
}

/**
 * Starts `server` on `host:port` (0: a free port) and answers its URL and a `close()` that also ends the
 * requests the fault injector holds and the connections left open, so a simulator always stops promptly.
 */
export async function listen(server: Server, options: { host: string; port: number }, faults: FaultInjector) {
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error('the simulator has no TCP address'));
    });
  });
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        faults.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
