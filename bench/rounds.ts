import type { MeasurementKey, Servers, Target } from './accept.ts';
import { LABELS } from './accept.ts';
import { type Ceiling, ceiling } from './ceiling.ts';
import { type CpuShares, watchCpu } from './cpu.ts';
import { type Instructions, countInstructions } from './instructions.ts';
import type { LoadResult, LoadShape } from './load.ts';

export interface Measurement {
  load: LoadResult;
  /** CPU used meanwhile (warm-up and measured run) by the idle children and from outside; null without /proc. */
  cpu: CpuShares | null;
  /** What the measured child executed over the warm-up and the measured run; null where perf cannot count. */
  instructions: Instructions | null;
  /** CPU per request of the child and of the load generator over the same span, and the rate both cores could carry. */
  ceiling: Ceiling | null;
}

export type Round = Record<MeasurementKey, Measurement> & {
  /** Seconds waited after the round until (b)'s worker had delivered its backlog; null after the last round. */
  drainSeconds: number | null;
};

/**
 * `rounds` rounds of raw Hono, then (a), then (b), against children kept alive throughout. After every round
 * but the last, waits until (b) has delivered what it accepted, so that its worker takes no CPU from the next
 * round's raw and (a) runs.
 */
export async function runRounds(servers: Servers, shape: LoadShape, rounds: number, step: (what: string) => void): Promise<Round[]> {
  const all = [servers.raw, servers.acceptHeld, servers.acceptDelivering];
  const results: Round[] = [];
  for (let n = 1; n <= rounds; n++) {
    const measure = (target: Target) => {
      step(`round ${n}/${rounds}: ${LABELS[target.key]} (${shape.warmupSeconds} s warm-up + ${shape.seconds} s)`);
      return measureAmid(target, all, shape);
    };
    const raw = await measure(servers.raw);
    const acceptHeld = await measure(servers.acceptHeld);
    const acceptDelivering = await measure(servers.acceptDelivering);
    let drainSeconds: number | null = null;
    if (n < rounds) {
      step(`round ${n}/${rounds}: waiting until (b) has delivered its backlog`);
      drainSeconds = await servers.acceptDelivering.waitUntilDelivered();
    }
    results.push({ raw, acceptHeld, acceptDelivering, drainSeconds });
  }
  return results;
}

async function measureAmid(target: Target, all: Target[], shape: LoadShape): Promise<Measurement> {
  const idle = all.filter((other) => other !== target).map((other) => other.server.child.pid);
  const counting = await countInstructions(target.server.child.pid);
  const watch = watchCpu(target.server.child.pid, idle);
  const load = await target.measure(shape);
  const cpu = watch.stop();
  const answered = load.warmup.succeeded + load.measured.succeeded;
  return {
    load,
    cpu,
    instructions: await counting.stop(),
    ceiling: cpu && ceiling({ server: cpu.seconds.measured, load: cpu.seconds.bench }, answered),
  };
}
