import * as v from 'valibot';
import { httpUrlField, instanceConfig, secret, wholeNumberField } from '../../core/sdk/index.ts';

/** An instance of __ID__ in the gateway config; secrets as `{ "env": … }` or `{ "file": … }`. */
export const configSchema = instanceConfig('__ID__', {
  /** The provider's API base, e.g. `https://api.provider.example`; calls go to `{endpoint}/v1/{operation}`. */
  endpoint: v.pipe(httpUrlField('endpoint', 'https://api.provider.example'), v.transform((url) => url.replace(/\/+$/, ''))),
  /** Sent as `Authorization: Bearer …`. */
  apiKey: secret(v.pipe(v.string(), v.minLength(16, 'apiKey must be at least 16 characters'))),
  /** Per call; default: the instance's delivery timeout. */
  timeoutMs: v.optional(wholeNumberField('timeoutMs', 100, 120_000)),
});

export type __NAME__Config = v.InferOutput<typeof configSchema>;
