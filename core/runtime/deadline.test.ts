import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Expiry, PAUSE_GRACE_MS, PAUSE_TOLERANCE_MS, startDeadline } from './deadline.ts';

/**
 * How far the monotonic clock has moved past the fake timers' clock: the time the process did not run. Timers fire
 * by the fake clock, the deadline reads `performance.now()`.
 */
let paused = 0;

beforeEach(() => {
  paused = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'Date'] });
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now() + paused);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The process does not run for `ms` just as the next timer comes due; it fires when the process runs again. */
function pauseAtNextTimer(ms: number): void {
  paused += ms;
  vi.advanceTimersToNextTimer();
}

/** The event loop's next turn: the fake clock runs a pending setImmediate only this way. */
const nextTurn = () => vi.advanceTimersToNextTimer();

describe('startDeadline', () => {
  it('expires on time, after one more turn of the event loop, and says no pause came before', () => {
    const expired: Expiry[] = [];
    startDeadline(1_000, (expiry) => expired.push(expiry));
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([]);
    nextTurn();
    expect(expired).toEqual([{ afterPause: false, pausedMs: 0 }]);
  });

  it('after a pause past its due time, waits a grace for answers already received, then says a pause came first', () => {
    const expired: Expiry[] = [];
    startDeadline(1_000, (expiry) => expired.push(expiry));
    pauseAtNextTimer(PAUSE_TOLERANCE_MS + 2_000);
    // Fired late: not expired yet, the grace runs.
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(PAUSE_GRACE_MS - 1);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1);
    nextTurn();
    expect(expired).toEqual([{ afterPause: true, pausedMs: PAUSE_TOLERANCE_MS + 2_000 }]);
  });

  it('never expires when the call ends during the grace (its answer was read after the pause)', () => {
    const expired: Expiry[] = [];
    const deadline = startDeadline(1_000, (expiry) => expired.push(expiry));
    pauseAtNextTimer(PAUSE_TOLERANCE_MS + 5_000);
    deadline.cancel();
    vi.advanceTimersByTime(10 * PAUSE_GRACE_MS);
    expect(expired).toEqual([]);
  });

  it('takes a timer late by no more than the tolerance for a busy moment, not a pause', () => {
    const expired: Expiry[] = [];
    startDeadline(1_000, (expiry) => expired.push(expiry));
    pauseAtNextTimer(PAUSE_TOLERANCE_MS);
    nextTurn();
    expect(expired).toEqual([{ afterPause: false, pausedMs: 0 }]);
  });

  it('adds up pauses that keep coming during its grace', () => {
    const expired: Expiry[] = [];
    startDeadline(1_000, (expiry) => expired.push(expiry));
    pauseAtNextTimer(PAUSE_TOLERANCE_MS + 1);
    pauseAtNextTimer(PAUSE_TOLERANCE_MS + 2);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(PAUSE_GRACE_MS);
    nextTurn();
    expect(expired).toEqual([{ afterPause: true, pausedMs: 2 * PAUSE_TOLERANCE_MS + 3 }]);
  });

  it('never expires once cancelled, even on its last turn', () => {
    const expired: Expiry[] = [];
    const deadline = startDeadline(10, (expiry) => expired.push(expiry));
    vi.advanceTimersToNextTimer();
    deadline.cancel();
    deadline.cancel();
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
  });
});
