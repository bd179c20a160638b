import type { PortalBench, PortalRun } from './portal.ts';
import { alignColumns } from './table.ts';

const core = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);

/** The portal figures as lines for the bench's report. */
export function portalSection({ settings, batched, unbatched, speedup }: PortalBench): string[] {
  const row = (name: string, run: PortalRun) => [
    name,
    `${run.perSecond.toFixed(0)} entries/s`,
    `${run.entries} in ${run.seconds.toFixed(2)} s`,
    `${run.calls} portal calls, ${(run.entries / Math.max(run.calls, 1)).toFixed(1)} entries per call`,
    `gateway ${core(run.cpu.gateway)}, simulator ${core(run.cpu.simulator)}, outside the bench ${core(run.outsidePercent)}`,
  ];
  return [
    `Portal progress delivery: ${settings.dossiers} dossiers x ${settings.steps} entries, delivery concurrency ${settings.concurrency}, portal latency ${settings.latencyMs} ms`,
    ...alignColumns([
      ['', 'delivered', 'entries', 'CapNhatTienDoHoSoMC', 'CPU, % of one core'],
      row(`batching on (${settings.batchSize})`, batched),
      row('batching off', unbatched),
    ]),
    `speed-up of batching: ${speedup.toFixed(2)}x`,
    'portal: the sandbox child has the national-portal plugin alone, pointed at the simulator in a child of its own; the clock runs from the ' +
      'delivering child\'s ready line until GET /admin/v1/instances (polled every 20 ms) shows nothing waiting; afterwards the simulator held every ' +
      "dossier's entries once each and in order",
  ];
}
