import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.ts';
import { gate } from './gate.ts';
import type { InstanceRuntime } from './instances.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { AttemptResult } from './run-operation.ts';

const T0 = 1_000_000;
const COOLDOWN = 30_000;

/** The gate reads only the breaker and the limiter of an instance. */
const instance = (threshold = 3) => ({ breaker: new CircuitBreaker(threshold, COOLDOWN), limiter: new RateLimiter(1_000) }) as unknown as InstanceRuntime;

const outage: AttemptResult = { ok: false, retryable: true, error: 'portal answered HTTP 503', providerCode: 'HTTP_503' };
const notKnownYet: AttemptResult = { ok: false, retryable: true, error: 'the portal does not know dossier X yet', providerCode: 'DOSSIER_UNKNOWN', providerFault: false };
const succeeded: AttemptResult = { ok: true, result: {} };

function attempt(target: InstanceRuntime, outcome: AttemptResult, now: number): void {
  gate.settle(target, outcome, now, gate.begin(target, now));
}

describe('gate.settle', () => {
  it('opens the circuit after the threshold of retryable provider failures', () => {
    const target = instance();
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    expect(target.breaker.state(T0)).toBe('open');
    expect(gate.refusal(target, T0)).toBe('circuit-open');
  });

  it('never counts a retryable outcome that is not the provider fault towards opening', () => {
    const target = instance();
    for (let i = 0; i < 10; i++) attempt(target, notKnownYet, T0);
    expect(target.breaker.state(T0)).toBe('closed');
    expect(gate.refusal(target, T0)).toBeUndefined();
  });

  it('neither counts nor clears: provider failures around it still add up to the threshold', () => {
    const target = instance();
    attempt(target, outage, T0);
    attempt(target, notKnownYet, T0);
    attempt(target, outage, T0);
    expect(target.breaker.state(T0)).toBe('closed');
    attempt(target, outage, T0);
    expect(target.breaker.state(T0)).toBe('open');
  });

  it('a probe that ends not by the provider fault leaves the circuit half-open and frees the probe slot', () => {
    const target = instance();
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    const probeAt = T0 + COOLDOWN;
    expect(gate.allowance(target, probeAt)).toBe(1);
    const probe = gate.begin(target, probeAt);
    expect(gate.allowance(target, probeAt)).toBe(0);
    gate.settle(target, notKnownYet, probeAt + 10, probe);
    // Not failed: no new cooldown; not lost: the next attempt may probe at once.
    expect(target.breaker.state(probeAt + 10)).toBe('half-open');
    expect(gate.allowance(target, probeAt + 10)).toBe(1);
    gate.settle(target, succeeded, probeAt + 30, gate.begin(target, probeAt + 20));
    expect(target.breaker.state(probeAt + 30)).toBe('closed');
  });

  it('a probe that fails by the provider opens the circuit for another cooldown', () => {
    const target = instance();
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    const probeAt = T0 + COOLDOWN;
    attempt(target, outage, probeAt);
    expect(target.breaker.state(probeAt)).toBe('open');
    expect(gate.allowance(target, probeAt + COOLDOWN - 1)).toBe(0);
  });

  it('keeps the probe slot while the probe runs, whatever an attempt begun before the circuit opened ends with', () => {
    const target = instance();
    // Two attempts start while the circuit is closed; three provider failures open it meanwhile.
    const [neitherWay, failing] = [gate.begin(target, T0), gate.begin(target, T0)];
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    const probeAt = T0 + COOLDOWN;
    const probe = gate.begin(target, probeAt);
    expect(probe.probe).toBeDefined();
    gate.settle(target, notKnownYet, probeAt + 10, neitherWay);
    gate.settle(target, outage, probeAt + 20, failing);
    // Neither freed the slot nor failed the probe: still half-open with the probe in flight, no second probe.
    expect(target.breaker.state(probeAt + 20)).toBe('half-open');
    expect(gate.allowance(target, probeAt + 20)).toBe(0);
    expect(gate.refusal(target, probeAt + 20)).toBe('circuit-open');
    // The probe's own outcome decides.
    gate.settle(target, succeeded, probeAt + 30, probe);
    expect(target.breaker.state(probeAt + 30)).toBe('closed');
  });

  it("frees the probe slot only with the probe's own ticket", () => {
    const target = instance();
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    const probeAt = T0 + COOLDOWN;
    const probe = gate.begin(target, probeAt);
    // A ticket that is not the probe's (an attempt begun while the circuit was open, or another probe's) changes nothing.
    gate.settle(target, notKnownYet, probeAt + 10, { probe: { startedAt: probeAt } });
    expect(gate.allowance(target, probeAt + 10)).toBe(0);
    gate.settle(target, notKnownYet, probeAt + 20, probe);
    expect(gate.allowance(target, probeAt + 20)).toBe(1);
  });

  it('a probe failure by the provider reopens the circuit even when an older attempt settled before it', () => {
    const target = instance();
    const older = gate.begin(target, T0);
    for (let i = 0; i < 3; i++) attempt(target, outage, T0);
    const probeAt = T0 + COOLDOWN;
    const probe = gate.begin(target, probeAt);
    gate.settle(target, notKnownYet, probeAt + 10, older);
    gate.settle(target, outage, probeAt + 20, probe);
    expect(target.breaker.state(probeAt + 20)).toBe('open');
    expect(gate.allowance(target, probeAt + 20 + COOLDOWN - 1)).toBe(0);
  });
});
