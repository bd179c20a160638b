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
});
