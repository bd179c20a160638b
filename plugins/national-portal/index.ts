import { definePlugin } from '../../core/sdk/index.ts';
import { portalConfigSchema } from './config.ts';
import { listProcedures, lookupDossier, syncDossier, updateProgress } from './operations.ts';
import { portalSimulator } from './simulator/index.ts';

/**
 * The National Public Service Portal (Cổng Dịch vụ công Quốc gia) through its adapter: dossiers and their
 * progress (async, in order per dossier, progress batched across dossiers), look-ups (sync), with a simulator.
 */
export default definePlugin({
  id: 'national-portal',
  capability: 'portal',
  configSchema: portalConfigSchema,
  operations: {
    syncDossier: { run: syncDossier },
    updateProgress: { run: updateProgress },
    lookupDossier: { run: lookupDossier },
    listProcedures: { run: listProcedures },
  },
  simulator: portalSimulator,
  // Emits no event: its outcomes are the messages' results (and `message.dead`, which core emits).
  events: {},
});
