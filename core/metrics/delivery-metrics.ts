import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CircuitState } from '../runtime/circuit-breaker.ts';
import type { Clock } from '../delivery/clock.ts';
import type { Instances } from '../runtime/instances.ts';
import type { AttemptEvent } from '../delivery/worker-options.ts';
import type { AttemptOutcome } from '../store/types.ts';

type AttemptLabel = 'plugin_instance' | 'outcome';

const OUTCOMES: readonly AttemptOutcome[] = ['succeeded', 'retry', 'dead'];
/** From a fast provider (10 ms) to a call that ran into a long timeout. */
const ATTEMPT_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const CIRCUIT_VALUES: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
/** Label values are words of one kind: half_open, not half-open. */
const TRANSITION_LABELS: Record<CircuitState, string> = { open: 'open', 'half-open': 'half_open', closed: 'closed' };

/**
 * Attempts by instance and outcome, fed by the worker's `onAttempt`, each instance's circuit state, read at
 * scrape time, and its circuit's changes, heard from the instances. Returns the observer to hand to the worker.
 */
export function registerDeliveryMetrics(registry: Registry, sources: { instances: Instances; clock: Clock }): (event: AttemptEvent) => void {
  const { instances, clock } = sources;
  const attempts = new Counter<AttemptLabel>({
    name: 'lienthong_attempts_total',
    help: 'Delivery attempts whose outcome was recorded, by plugin instance and outcome (succeeded, retry, dead).',
    labelNames: ['plugin_instance', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram<AttemptLabel>({
    name: 'lienthong_attempt_duration_seconds',
    help: 'Duration of delivery attempts that ran, by plugin instance and outcome.',
    labelNames: ['plugin_instance', 'outcome'],
    buckets: ATTEMPT_BUCKETS,
    registers: [registry],
  });
  // Zeroes from the start, so that rate() and increase() see the first attempt.
  for (const instance of instances.all) {
    for (const outcome of OUTCOMES) attempts.inc({ plugin_instance: instance.id, outcome }, 0);
  }

  new Gauge<'plugin_instance'>({
    name: 'lienthong_circuit_state',
    help: 'Circuit breaker state by plugin instance: 0 closed, 1 half-open, 2 open.',
    labelNames: ['plugin_instance'],
    registers: [registry],
    collect() {
      const now = clock.now();
      for (const instance of instances.all) this.set({ plugin_instance: instance.id }, CIRCUIT_VALUES[instance.breaker.state(now)]);
    },
  });

  const transitions = new Counter<'plugin_instance' | 'to'>({
    name: 'lienthong_circuit_transitions_total',
    help: 'Changes of circuit breaker state by plugin instance and new state (open, half_open, closed).',
    labelNames: ['plugin_instance', 'to'],
    registers: [registry],
  });
  for (const instance of instances.all) {
    for (const to of Object.values(TRANSITION_LABELS)) transitions.inc({ plugin_instance: instance.id, to }, 0);
  }
  instances.onCircuitChange((instance, change) => transitions.inc({ plugin_instance: instance, to: TRANSITION_LABELS[change.to] }));

  return function observeAttempt(event: AttemptEvent): void {
    const labels = { plugin_instance: event.instance, outcome: event.outcome };
    attempts.inc(labels);
    // A message closed without running tells nothing about the provider's speed.
    if (!event.skipped) duration.observe(labels, event.durationMs / 1000);
  };
}
