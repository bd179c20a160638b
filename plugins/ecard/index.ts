import { definePlugin } from '../../core/sdk/index.ts';
import { ecardConfigSchema } from './config.ts';
import { document, documents } from './documents.ts';
import { health } from './health.ts';
import { lookup } from './lookup.ts';
import { ecardSimulator } from './simulator/index.ts';
import { verify } from './verify.ts';

/**
 * Enterprise e-card look-ups over the card service's REST API, with the national business registry (through NGSP)
 * as the fallback for tax codes the card service does not know, and a simulator of both for the sandbox and tests.
 */
export default definePlugin({
  id: 'ecard',
  capability: 'ecard',
  configSchema: ecardConfigSchema,
  operations: {
    lookup: { run: lookup },
    verify: { run: verify },
    documents: { run: documents },
    document: { run: document },
  },
  health,
  simulator: ecardSimulator,
  // Emits no event: its outcomes are the messages' results (and `message.dead`, which core emits).
  events: {},
});
