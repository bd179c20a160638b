/**
 * Fault injection, shared by every simulator: the settings `POST /__control` changes, and the fate of each request
 * drawn from them. What a simulator answers in each mode is in fault-answers.ts.
 */
import type { Logger } from 'pino';

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
  /** For the `timeout` mode: never answer, until the client gives up or the simulator closes. */
  hang(signal?: AbortSignal): Promise<void>;
  /** Lets go of every request held or delayed, so the simulator stops promptly. */
  close(): void;
}

export interface FaultInjectorOptions {
  /** Told when a request is held, so a test or a sandbox user can see the moment. */
  log?: Logger;
  /** Default Math.random; a test may fix the draws. */
  random?: () => number;
}

export function createFaultInjector({ log, random = Math.random }: FaultInjectorOptions = {}): FaultInjector {
  const settings: FaultSettings = { failRate: 0, failMode: 'transient', latencyMs: 0 };
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
    async next() {
      if (settings.latencyMs > 0) await wait(settings.latencyMs);
      return settings.failRate > 0 && random() < settings.failRate ? settings.failMode : 'ok';
    },
    hang(signal) {
      log?.info('simulated timeout: holding the request until the client gives up');
      return wait(undefined, signal);
    },
    close() {
      for (const release of [...waiting]) release();
    },
  };
}
