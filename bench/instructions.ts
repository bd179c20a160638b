import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Instructions a process executed over a run: its event loop (main thread) apart, and all its threads together. */
export interface Instructions {
  eventLoop: number;
  total: number;
}

/** How long `perf stat` is given to attach before the run starts. */
const ATTACH_MS = 100;

/**
 * Counts the instructions process `pid` executes until `stop()`, with `perf stat` attached to it. A count hardly
 * moves with what else a shared machine is doing, where req/s moves by a fifth from one run to the next, so it is
 * the figure to compare changes by. `stop()` gives null where perf cannot count: not installed, not permitted, or
 * no hardware counters in this VM.
 */
export async function countInstructions(pid: number | undefined): Promise<{ stop(): Promise<Instructions | null> }> {
  if (pid === undefined) return { stop: async () => null };
  const perf = spawn('perf', ['stat', '-x', ',', '-e', 'instructions', '--per-thread', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  perf.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(perf, 'close').catch(() => undefined);
  const failed = once(perf, 'error').then(() => true);
  const missing = await Promise.race([failed, new Promise<false>((resolve) => setTimeout(() => resolve(false), ATTACH_MS))]);
  return {
    async stop() {
      // Not installed, or gone already (not permitted, no counters): nothing to read.
      if (missing || perf.exitCode !== null) return null;
      perf.kill('SIGINT');
      await exited;
      return parsePerThread(output, pid);
    },
  };
}

/** `perf stat -x , --per-thread` lines: `<comm>-<tid>,<count>,,instructions,…`; the thread whose id is the pid is the event loop. */
export function parsePerThread(output: string, pid: number): Instructions | null {
  let eventLoop: number | undefined;
  let total = 0;
  for (const line of output.split('\n')) {
    const [thread = '', count = '', , event = ''] = line.split(',');
    if (!event.startsWith('instructions')) continue;
    const value = Number(count);
    if (!Number.isFinite(value) || count === '') continue;
    total += value;
    if (thread.endsWith(`-${pid}`)) eventLoop = value;
  }
  return eventLoop === undefined ? null : { eventLoop, total };
}

/** Per request, in thousands, or 'n/a'. */
export const perRequest = (instructions: Instructions | null, requests: number, part: keyof Instructions) =>
  instructions && requests > 0 ? `${Math.round(instructions[part] / requests / 1000).toLocaleString('en-US')}k` : 'n/a';
