import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthContext, HealthReport } from '../sdk/contract.ts';
import { HealthMonitor } from './health-monitor.ts';
import type { InstanceRuntime } from './instances.ts';

/** A provider's health as the test sets it: an answer, a failure, or no answer at all (a hang). */
type Behaviour = { answer: HealthReport } | { fail: string } | { hang: 'honouring its signal' | 'ignoring its signal' };

interface Provider {
  instance: InstanceRuntime;
  behave(behaviour: Behaviour): void;
  /** Checks begun and not ended, and the most there ever were at once. */
  inFlight(): number;
  mostInFlight(): number;
  /** Ends every hang that ignores its signal (with a healthy answer). */
  letGo(): void;
}

/** An instance whose plugin's health check does what `behave` last said. */
function provider(id: string): Provider {
  let behaviour: Behaviour = { answer: { ok: true, detail: { balance: '100' } } };
  let inFlight = 0;
  let most = 0;
  const hanging: Array<() => void> = [];
  const health = async (ctx: HealthContext<unknown>): Promise<HealthReport> => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    try {
      if ('answer' in behaviour) return behaviour.answer;
      if ('fail' in behaviour) throw new Error(behaviour.fail);
      const honour = behaviour.hang === 'honouring its signal';
      await new Promise<void>((resolve, reject) => {
        hanging.push(resolve);
        if (honour) ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      });
      return { ok: true };
    } finally {
      inFlight -= 1;
    }
  };
  const instance = { id, config: {}, log: pino({ level: 'silent' }), http: {}, plugin: { id: 'sms-test', capability: 'sms', health } } as unknown as InstanceRuntime;
  return {
    instance,
    behave: (next) => (behaviour = next),
    inFlight: () => inFlight,
    mostInFlight: () => most,
    letGo: () => hanging.splice(0).forEach((resolve) => resolve()),
  };
}

const clock = { now: () => Date.now() };
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout' || kind === 'Immediate').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => T, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const value = read();
    if (done(value)) return value;
    await sleep(10);
  }
  throw new Error(`still not there: ${JSON.stringify(read())}`);
}

let monitor: HealthMonitor | undefined;
afterEach(() => {
  monitor?.stop();
  monitor = undefined;
});

describe('HealthMonitor', () => {
  it('checks each instance at start and keeps the report with when it ended; none for a plugin without a check', async () => {
    const sms = provider('sms-hue');
    const silent = { ...provider('portal').instance, plugin: { id: 'portal', capability: 'portal' } } as unknown as InstanceRuntime;
    monitor = new HealthMonitor([sms.instance, silent]);
    expect(monitor.known(sms.instance)).toEqual({ report: undefined, checkedAt: undefined });
    const before = Date.now();
    monitor.start(clock, { intervalMs: 60_000, timeoutMs: 1_000 });
    const known = await until(() => monitor!.known(sms.instance), (health) => health?.report !== undefined);
    expect(known?.report).toEqual({ ok: true, detail: { balance: '100' } });
    expect(known?.checkedAt).toBeGreaterThanOrEqual(before);
    expect(monitor.known(silent)).toBeUndefined();
  });

  it('keeps the last known health while a check hangs, then counts the check failed at its timeout', async () => {
    const sms = provider('sms-hue');
    monitor = new HealthMonitor([sms.instance]);
    monitor.start(clock, { intervalMs: 10, timeoutMs: 300 });
    const healthy = await until(() => monitor!.known(sms.instance), (health) => health?.report?.ok === true);
    sms.behave({ hang: 'honouring its signal' });
    await until(() => sms.inFlight(), (count) => count === 1);
    // Asked while the provider hangs: the last known health at once, unchanged.
    expect(monitor.known(sms.instance)).toEqual(healthy);
    const failed = await until(() => monitor!.known(sms.instance), (health) => health?.report?.ok === false);
    expect(failed?.report).toEqual({ ok: false, detail: { error: 'no answer to the health check within 300 ms' } });
    expect(failed?.checkedAt).toBeGreaterThan(healthy!.checkedAt!);
  });

  it('sees the provider recover, and fail, by itself', async () => {
    const sms = provider('sms-hue');
    monitor = new HealthMonitor([sms.instance]);
    sms.behave({ fail: 'checkBalance answered HTTP 503' });
    monitor.start(clock, { intervalMs: 10, timeoutMs: 1_000 });
    const down = await until(() => monitor!.known(sms.instance), (health) => health?.report !== undefined);
    expect(down?.report).toEqual({ ok: false, detail: { error: 'checkBalance answered HTTP 503' } });
    sms.behave({ answer: { ok: true, detail: { balance: '90' } } });
    const up = await until(() => monitor!.known(sms.instance), (health) => health?.report?.ok === true);
    expect(up?.report).toEqual({ ok: true, detail: { balance: '90' } });
  });

  it('does not ask the provider of a paused instance (announced maintenance), and asks again once it is resumed', async () => {
    const sms = provider('sms-hue');
    monitor = new HealthMonitor([sms.instance]);
    let checks = 0;
    const health = sms.instance.plugin.health!;
    (sms.instance.plugin as { health: typeof health }).health = (ctx) => {
      checks += 1;
      return health(ctx);
    };
    monitor.start(clock, { intervalMs: 5, timeoutMs: 1_000 });
    const known = await until(() => monitor!.known(sms.instance), (value) => value?.report?.ok === true);
    (sms.instance as { pause: unknown }).pause = { at: Date.now(), by: 'cli', reason: 'maintenance' };
    await sleep(20);
    const whilePaused = checks;
    await sleep(100);
    expect(checks).toBe(whilePaused);
    expect(monitor.known(sms.instance)?.report).toEqual(known?.report);
    (sms.instance as { pause: unknown }).pause = null;
    await until(() => checks, (count) => count > whilePaused);
  });

  it('never has more than one check of an instance in flight, even when its plugin ignores its signal', async () => {
    const sms = provider('sms-hue');
    monitor = new HealthMonitor([sms.instance]);
    sms.behave({ hang: 'ignoring its signal' });
    monitor.start(clock, { intervalMs: 5, timeoutMs: 20 });
    await until(() => monitor!.known(sms.instance), (health) => health?.report?.ok === false);
    // Many intervals and timeouts later, the hung check is still the only one.
    await sleep(200);
    expect(sms.mostInFlight()).toBe(1);
    // Once it lets go, checks go on.
    sms.behave({ answer: { ok: true } });
    sms.letGo();
    await until(() => monitor!.known(sms.instance), (health) => health?.report?.ok === true);
    expect(sms.mostInFlight()).toBe(1);
  });

  it('on stop, aborts the check in flight, forgets what it knew and leaves no timer behind', async () => {
    const before = timers();
    const sms = provider('sms-hue');
    monitor = new HealthMonitor([sms.instance]);
    monitor.start(clock, { intervalMs: 10, timeoutMs: 60_000 });
    await until(() => monitor!.known(sms.instance), (health) => health?.report !== undefined);
    sms.behave({ hang: 'honouring its signal' });
    await until(() => sms.inFlight(), (count) => count === 1);
    monitor.stop();
    expect(monitor.known(sms.instance)).toEqual({ report: undefined, checkedAt: undefined });
    await until(() => sms.inFlight(), (count) => count === 0);
    await sleep(30);
    expect(timers()).toBe(before);
    expect(sms.mostInFlight()).toBe(1);
  });
});
