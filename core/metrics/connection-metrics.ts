import { Counter, type Registry } from 'prom-client';

/** Which cap closed a connection: the configuration key that sets it. */
export type ConnectionCapName = 'connections' | 'connectionsPerAddress';

/** Counts connections closed unanswered by a cap (core/http/connection-limits.ts): a flood shows on a graph. */
export function registerConnectionMetrics(registry: Registry): (cap: ConnectionCapName) => void {
  const refused = new Counter<'limit'>({
    name: 'lienthong_connections_refused_total',
    help: 'Connections closed as they were accepted, unanswered, by the cap on open connections they were over (limits.connections or limits.connectionsPerAddress).',
    labelNames: ['limit'],
    registers: [registry],
  });
  // Both series exist from the start, at 0: a rate over them needs no absent() guard.
  refused.inc({ limit: 'connections' }, 0);
  refused.inc({ limit: 'connectionsPerAddress' }, 0);
  return (cap) => refused.inc({ limit: cap });
}
