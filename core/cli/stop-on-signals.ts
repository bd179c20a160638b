import type { CliIo } from './io.ts';

/**
 * Stops cleanly on SIGTERM or SIGINT: no new requests, attempts in flight finish or go back to the queue.
 * Callers install it before they start listening and print where they listen: a signal sent as soon as that line
 * appears (a supervisor, a test, Ctrl-C) must reach this handler, not Node's default, which kills the process.
 */
export function stopOnSignals(stop: () => Promise<void>, io: Pick<CliIo, 'stderr'>): { stopping(): boolean } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    stopping = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    io.stderr.write(`${signal}: stopping\n`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { stopping: () => stopping };
}
