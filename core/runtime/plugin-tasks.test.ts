import { pino } from 'pino';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { type InstanceRuntime, Instances } from './instances.ts';
import { definePlugin } from '../sdk/contract.ts';
import { startPluginTasks, taskPeriod } from './plugin-tasks.ts';
import { type TempStore, openTempStore } from '../store/temp-store.test-helper.ts';
import { StoreUnavailableError } from '../store/unavailable.ts';

interface TaskRun {
  instance: string;
  signal: AbortSignal;
  finish(): void;
}

let db: TempStore;
let runs: TaskRun[];
/** Counted before the run's first await, so that an overlapping run shows at once. */
let started: string[];
/** Instances a test paused. */
let paused: InstanceRuntime[];

/** A payment plugin whose one task runs every `everyMs` of its config and finishes when the test says so. */
const plugin = definePlugin({
  id: 'test-bank',
  capability: 'payment',
  configSchema: v.object({ everyMs: v.number() }),
  operations: {
    create: { run: () => Promise.reject<never>(new Error('not in this test')) },
    query: { run: () => Promise.reject<never>(new Error('not in this test')) },
  },
  tasks: [
    {
      name: 'check-pending',
      everyMs: (config) => config.everyMs,
      run: async (ctx) => {
        started.push(ctx.instance);
        await ctx.records.create(`run-${runs.length}`, 'seen', {});
        await ctx.audit('bank.answer-refused', { reason: 'bad signature', payerPhone: '0981234567' });
        await new Promise<void>((finish) => runs.push({ instance: ctx.instance, signal: ctx.signal, finish }));
      },
    },
  ],
});

function start(options: { pausedAtStart?: string } = {}) {
  const config = loadConfig(
    {
      agencies: [{ code: '000.00.01.H22' }],
      instances: [
        { id: 'bank-a', plugin: 'test-bank', config: { everyMs: 1000 } },
        { id: 'bank-b', plugin: 'test-bank', config: { everyMs: 5000 } },
      ],
    },
    [plugin],
    {},
  );
  const deps = { store: db.store, instances: new Instances(config, pino({ level: 'silent' })), clock: { now: () => Date.now() }, notify: () => undefined, publicUrl: () => 'http://127.0.0.1:8080' };
  if (options.pausedAtStart) {
    const instance = deps.instances.get(options.pausedAtStart);
    if (instance) paused.push(instance);
  }
  for (const instance of paused) instance.pause = { instance: instance.id, at: 0, by: 'cli', reason: null };
  return startPluginTasks(deps, pino({ level: 'silent' }));
}

beforeEach(async () => {
  db = await openTempStore();
  runs = [];
  started = [];
  paused = [];
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await db.dispose();
});

/** Lets the records' writes (on SQLite's thread) settle between timer steps. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('plugin tasks', () => {
  it("run each instance's task on that instance's period, with its own records", async () => {
    const stop = start();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    expect(runs[0]?.instance).toBe('bank-a');
    runs[0]?.finish();
    await settle();
    await vi.advanceTimersByTimeAsync(4000);
    await vi.waitFor(() => expect(runs.map((run) => run.instance).sort()).toEqual(['bank-a', 'bank-a', 'bank-b']));
    for (const run of runs) run.finish();
    await stop();
    expect(await db.store.listRecords('bank-b', { status: 'seen', limit: 10 })).toHaveLength(1);
    const noted = (await db.store.listAudit({}, 100)).filter((entry) => entry.action === 'bank.answer-refused');
    expect(noted.map((entry) => [entry.actor, entry.instance])).toEqual([
      ['task:check-pending', 'bank-a'],
      ['task:check-pending', 'bank-a'],
      ['task:check-pending', 'bank-b'],
    ]);
    expect(JSON.stringify(noted)).not.toContain('0981234567');
  });

  it('skip their turns while the store cannot write, and run again once it can', async () => {
    const outage = vi.spyOn(db.store, 'unavailable').mockReturnValue(new StoreUnavailableError('disk-full', 'the disk holding the store is full'));
    const stop = start();
    await vi.advanceTimersByTimeAsync(5000);
    await settle();
    expect(started).toEqual([]);
    outage.mockRestore();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    for (const run of runs) run.finish();
    await stop();
  });

  it('never overlap a run still going with the next turn', async () => {
    const stop = start();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(3000);
    await settle();
    expect(started.filter((instance) => instance === 'bank-a')).toHaveLength(1);
    runs[0]?.finish();
    await stop();
  });

  it('on stop, abort the runs in progress, wait for them, and start no more', async () => {
    const stop = start();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    const run = runs[0];
    if (!run) throw new Error('no run');
    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    expect(run.signal.aborted).toBe(true);
    await settle();
    expect(stopped).toBe(false);
    run.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toHaveLength(1);
  });

  it("of a paused instance wait for its resume, as its messages do (its provider is in maintenance)", async () => {
    const stop = start({ pausedAtStart: 'bank-a' });
    await vi.advanceTimersByTimeAsync(5000);
    await vi.waitFor(() => expect(runs).toHaveLength(1));
    expect(started).toEqual(['bank-b']);
    const bankA = paused[0];
    if (!bankA) throw new Error('bank-a not paused');
    bankA.pause = null;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(runs.map((run) => run.instance)).toEqual(['bank-b', 'bank-a']));
    expect(started).toEqual(['bank-b', 'bank-a']);
    for (const run of runs) run.finish();
    await stop();
  });

  it('keep a period between a second and what a timer can hold', () => {
    expect([taskPeriod(0), taskPeriod(Number.NaN), taskPeriod(30_000), taskPeriod(2 ** 40)]).toEqual([1_000, 60_000, 30_000, 2 ** 31 - 1]);
  });
});
