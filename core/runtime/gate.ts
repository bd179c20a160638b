import type { Probe } from './circuit-breaker.ts';
import type { InstanceRuntime } from './instances.ts';
import type { AttemptResult } from './run-operation.ts';

/** What `gate.begin` hands an attempt, to give back to `gate.settle`: whether it is the half-open circuit's probe. */
export interface AttemptTicket {
  readonly probe: Probe | undefined;
}

/**
 * The one gate every attempt of an instance passes, queued (the worker) or sync (the API edge): an operator's pause,
 * its circuit breaker and its rate limit. Concurrency is the worker's business: a sync call holds no queue slot.
 */
export const gate = {
  /**
   * How many attempts may start now: none while paused or while the circuit is open (one while it probes), and no
   * more than the rate allows.
   */
  allowance(instance: InstanceRuntime, now: number): number {
    if (instance.pause) return 0;
    return Math.min(instance.breaker.allowance(now), instance.limiter.available(now));
  },

  /** Why one attempt may not start now, or undefined when it may. */
  refusal(instance: InstanceRuntime, now: number): 'paused' | 'circuit-open' | 'rate-limited' | undefined {
    if (instance.pause) return 'paused';
    if (instance.breaker.allowance(now) < 1) return 'circuit-open';
    if (instance.limiter.available(now) < 1) return 'rate-limited';
    return undefined;
  },

  /** Spends the rate limit's tokens for `count` attempts about to start. */
  reserve(instance: InstanceRuntime, count: number, now: number): void {
    instance.limiter.take(count, now);
  },

  /** An attempt starts: if the circuit is half-open it is the probe, and no other goes through until it settles. */
  begin(instance: InstanceRuntime, now: number): AttemptTicket {
    return { probe: instance.breaker.started(now) };
  },

  /**
   * An attempt ended: success closes the circuit, a retryable failure of the provider counts towards opening it,
   * anything else neither. A retryable outcome the plugin says is not the provider's fault (`providerFault: false`)
   * neither counts nor fails a probe: the probe ends undecided and the next attempt may probe. Only the probe's
   * own ticket ends the probe: an older attempt settling meanwhile neither frees its slot nor fails it.
   */
  settle(instance: InstanceRuntime, outcome: AttemptResult, now: number, ticket: AttemptTicket): void {
    if (outcome.ok) instance.breaker.succeeded();
    else if (outcome.retryable && !outcome.interrupted && outcome.providerFault !== false) instance.breaker.failed(now, ticket.probe);
    else instance.breaker.settled(ticket.probe);
  },
};
