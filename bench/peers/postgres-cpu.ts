import { childrenOf, readTitle } from './proc-tree.ts';

/** PostgreSQL's CPU seconds over a span, from /proc (the server runs on this machine). */
export interface PostgresCpu {
  /** The backends serving the bench's database (an autovacuum worker on it included). */
  backends: number;
  /**
   * The server's own processes: WAL writer, checkpointer, background writer, autovacuum launcher. They serve every
   * database, so on a machine where other work uses the same server they count some of its work too.
   */
  server: number;
  /** Backends of the bench's database that ended within the span: what they used in it is missing from `backends`. */
  exited: number;
}

const SERVER_PROCESS = /: (checkpointer|background writer|walwriter|autovacuum launcher|archiver|stats collector|logical replication launcher)\s*$/;

type Kind = 'backend' | 'server';

/**
 * Starts a stopwatch on the postmaster's children: those serving `database` and the server's own processes (other
 * databases' backends are left out). `stop()` returns null where /proc shows no postmaster.
 */
export function watchPostgres(postmasterPid: number | undefined, database: string): { stop(): PostgresCpu | null } {
  const ours = new RegExp(`\\s${database}(\\s|$)`);
  const sample = (): Map<number, { kind: Kind; cpu: number }> | null => {
    if (postmasterPid === undefined) return null;
    const found = new Map<number, { kind: Kind; cpu: number }>();
    for (const child of childrenOf(postmasterPid)) {
      const title = readTitle(child.pid);
      const kind: Kind | undefined = ours.test(title) ? 'backend' : SERVER_PROCESS.test(title) ? 'server' : undefined;
      if (kind) found.set(child.pid, { kind, cpu: child.cpuSeconds });
    }
    // The server always has a checkpointer: nothing found means no /proc, or another machine's server.
    return found.size > 0 ? found : null;
  };
  const before = sample();
  return {
    stop() {
      const after = sample();
      if (!before || !after) return null;
      const used: PostgresCpu = { backends: 0, server: 0, exited: 0 };
      for (const [pid, now] of after) {
        // A process started within the span used all its CPU in it.
        const delta = now.cpu - (before.get(pid)?.cpu ?? 0);
        if (now.kind === 'backend') used.backends += delta;
        else used.server += delta;
      }
      for (const [pid, then] of before) if (then.kind === 'backend' && !after.has(pid)) used.exited++;
      return used;
    },
  };
}
