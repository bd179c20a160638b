/**
 * Stops this process's event loop for `ms`, as a pause would (SIGSTOP, a frozen VM): no timer runs and no socket is
 * read meanwhile, while the peers go on and the monotonic clock moves.
 */
export function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy on purpose: the point is that nothing else runs.
  }
}
