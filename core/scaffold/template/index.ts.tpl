import { definePlugin } from '../../core/sdk/index.ts';
import { __OUTPUT_IMPORTS__ } from '../../core/capabilities/__CAP__.ts';
import { __CALL_IMPORTS__ } from './client.ts';
import { configSchema } from './config.ts';
import { simulator } from './simulator/index.ts';

/** __ID__: capability `__CAP__` over the provider's JSON API (README.md says how it speaks). */
export default definePlugin({
  id: '__ID__',
  capability: '__CAP__',
  configSchema,
  operations: {
__OPERATIONS__
  },
  simulator,
  // The event types it emits (`ctx.emit`, a record transition's `emit`), each with when: e.g.
  // `'payment.succeeded': 'the payer paid ({ paymentId, amount })'`. Webhook subscriptions may name only these.
  events: {},
});
