import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitChange } from './circuit-breaker.ts';

const T0 = 1_000_000;

function openedBreaker(): CircuitBreaker {
  const breaker = new CircuitBreaker(3, 30_000);
  for (let i = 0; i < 3; i++) breaker.failed(T0);
  return breaker;
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and lets everything through', () => {
    const breaker = new CircuitBreaker(3, 30_000);
    breaker.failed(T0);
    breaker.failed(T0);
    expect(breaker.state(T0)).toBe('closed');
    expect(breaker.allowance(T0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts consecutive failures only: a success starts the count again', () => {
    const breaker = new CircuitBreaker(3, 30_000);
    breaker.failed(T0);
    breaker.failed(T0);
    breaker.succeeded();
    breaker.failed(T0);
    breaker.failed(T0);
    expect(breaker.state(T0)).toBe('closed');
    breaker.failed(T0);
    expect(breaker.state(T0)).toBe('open');
  });

  it('opens at the threshold and allows nothing until the cooldown is over', () => {
    const breaker = openedBreaker();
    expect(breaker.state(T0)).toBe('open');
    expect(breaker.allowance(T0)).toBe(0);
    expect(breaker.allowance(T0 + 29_999)).toBe(0);
    expect(breaker.state(T0 + 30_000)).toBe('half-open');
    expect(breaker.allowance(T0 + 30_000)).toBe(1);
  });

  it('lets one probe go when half-open, and closes on its success', () => {
    const breaker = openedBreaker();
    const later = T0 + 30_000;
    breaker.started(later);
    expect(breaker.allowance(later)).toBe(0);
    expect(breaker.allowance(later + 60_000)).toBe(0);
    breaker.succeeded();
    expect(breaker.state(later)).toBe('closed');
    expect(breaker.allowance(later)).toBe(Number.POSITIVE_INFINITY);
    // Closed again means the count starts from zero.
    breaker.failed(later);
    breaker.failed(later);
    expect(breaker.state(later)).toBe('closed');
  });

  it('opens again for a whole cooldown when the probe fails', () => {
    const breaker = openedBreaker();
    const probeAt = T0 + 30_000;
    const probe = breaker.started(probeAt);
    breaker.failed(probeAt + 100, probe);
    expect(breaker.state(probeAt + 100)).toBe('open');
    expect(breaker.allowance(probeAt + 30_099)).toBe(0);
    expect(breaker.allowance(probeAt + 30_100)).toBe(1);
  });

  it('lets the next probe go when one ends neither way', () => {
    const breaker = openedBreaker();
    const probeAt = T0 + 30_000;
    const probe = breaker.started(probeAt);
    breaker.settled(probe);
    expect(breaker.state(probeAt)).toBe('half-open');
    expect(breaker.allowance(probeAt)).toBe(1);
  });

  it('does not take an attempt started while closed for a probe', () => {
    const breaker = new CircuitBreaker(1, 30_000);
    breaker.started(T0);
    breaker.succeeded();
    expect(breaker.state(T0)).toBe('closed');
  });
});

describe('CircuitBreaker changes', () => {
  const watched = (threshold = 3) => {
    const changes: CircuitChange[] = [];
    return { breaker: new CircuitBreaker(threshold, 30_000, (change) => changes.push(change)), changes };
  };

  it('tells each change once: open, half-open when the probe starts, closed', () => {
    const { breaker, changes } = watched();
    for (let i = 0; i < 5; i++) breaker.failed(T0);
    expect(changes).toEqual([{ to: 'open', failures: 3, afterProbe: false, cooldownMs: 30_000 }]);
    breaker.settled(breaker.started(T0 + 30_000));
    breaker.started(T0 + 30_000);
    breaker.succeeded();
    breaker.succeeded();
    expect(changes.map((change) => change.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('tells that a failed probe opened it again', () => {
    const { breaker, changes } = watched();
    for (let i = 0; i < 3; i++) breaker.failed(T0);
    breaker.failed(T0 + 30_000, breaker.started(T0 + 30_000));
    expect(changes.map((change) => [change.to, change.afterProbe])).toEqual([
      ['open', false],
      ['half-open', false],
      ['open', true],
    ]);
  });

  it('tells nothing for failures below the threshold, nor for a success while closed', () => {
    const { breaker, changes } = watched();
    breaker.failed(T0);
    breaker.succeeded();
    breaker.started(T0);
    expect(changes).toEqual([]);
  });
});
