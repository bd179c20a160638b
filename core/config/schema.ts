import * as v from 'valibot';

const instanceId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter or digit'),
);

/** An agency identifier code, e.g. `000.00.01.H22`: opaque, checked by form only. */
const agencyCodeForm = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'not an agency code'));
const agencyList = v.optional(v.pipe(v.array(v.union([v.literal('*'), agencyCodeForm])), v.minLength(1)), ['*']);

/** A secret is never written in the config file: it is read from the environment or a file. */
export const secretRef = v.union([v.strictObject({ env: v.pipe(v.string(), v.nonEmpty()) }), v.strictObject({ file: v.pipe(v.string(), v.nonEmpty()) })], 'a secret must be { "env": "NAME" } or { "file": "path" }');

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1));

export const deliveryOverridesSchema = v.strictObject({
  maxAttempts: v.optional(v.pipe(positiveInt, v.maxValue(100))),
  baseDelayMs: v.optional(positiveInt),
  maxDelayMs: v.optional(positiveInt),
  maxAgeMs: v.optional(positiveInt),
  timeoutMs: v.optional(positiveInt),
  concurrency: v.optional(v.pipe(positiveInt, v.maxValue(1000))),
  ratePerSecond: v.optional(v.pipe(v.number(), v.minValue(0))),
  breakerThreshold: v.optional(positiveInt),
  breakerCooldownMs: v.optional(positiveInt),
});

export const gatewayConfigSchema = v.strictObject({
  /** The gateway's base URL as providers reach it (behind a proxy, say), for the callback URLs plugins hand out. */
  publicUrl: v.optional(v.pipe(v.string(), v.url('publicUrl must be an absolute URL'), v.regex(/^https?:\/\/[^?#]*[^/?#]$/, 'publicUrl is http(s), without a trailing slash, query or fragment'))),
  agencies: v.pipe(
    v.array(v.strictObject({ code: agencyCodeForm, name: v.optional(v.string()) })),
    v.minLength(1, 'at least one agency'),
  ),
  /** Provider plugin instances: which plugin, its config, and which agencies it serves. */
  instances: v.optional(
    v.array(
      v.strictObject({
        id: instanceId,
        plugin: v.pipe(v.string(), v.nonEmpty()),
        agencies: agencyList,
        config: v.optional(v.record(v.string(), v.unknown()), {}),
        delivery: v.optional(deliveryOverridesSchema),
      }),
    ),
    [],
  ),
  /** The one-stop software's endpoints: events are signed (Standard Webhooks) and delivered through the outbox. */
  webhooks: v.optional(
    v.array(
      v.strictObject({
        id: instanceId,
        url: v.pipe(v.string(), v.url()),
        secret: secretRef,
        /** Event types, e.g. `payment.succeeded`; `*` for all. */
        events: v.optional(v.pipe(v.array(v.pipe(v.string(), v.nonEmpty())), v.minLength(1)), ['*']),
        agencies: agencyList,
        delivery: v.optional(deliveryOverridesSchema),
      }),
    ),
    [],
  ),
  limits: v.optional(
    v.strictObject({
      bodyBytes: v.optional(v.pipe(positiveInt, v.maxValue(10 * 1024 * 1024)), 256 * 1024),
      /** Requests per second per API key, in each process (0: no limit), and the burst above it (default: twice the rate). */
      requestsPerSecondPerKey: v.optional(v.pipe(v.number(), v.minValue(0)), 200),
      burstPerKey: v.optional(v.pipe(positiveInt, v.maxValue(1_000_000))),
      /** Open connections in all (default: 4096, or less when the process's open-file limit leaves less room). */
      connections: v.optional(v.pipe(positiveInt, v.maxValue(1_000_000))),
      /** Open connections per client address (an IPv6 /64 counts as one); 0: no cap per address. */
      connectionsPerAddress: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)), 256),
      /** A request's headers must arrive within this time, the whole request (body included) within the next. */
      headersTimeoutMs: v.optional(v.pipe(positiveInt, v.maxValue(600_000)), 10_000),
      requestTimeoutMs: v.optional(v.pipe(positiveInt, v.maxValue(3_600_000)), 30_000),
      /** An idle keep-alive connection is closed after this time. */
      keepAliveTimeoutMs: v.optional(v.pipe(positiveInt, v.maxValue(3_600_000)), 5_000),
      /** Requests per second per client address with a missing, malformed or unknown API key (0: no limit), and the burst. */
      unknownKeyRequestsPerSecondPerAddress: v.optional(v.pipe(v.number(), v.minValue(0)), 10),
      unknownKeyBurstPerAddress: v.optional(v.pipe(positiveInt, v.maxValue(1_000_000))),
    }),
    { bodyBytes: 256 * 1024 },
  ),
  /** Personal data kept no longer than needed: payloads of succeeded messages are purged after this many days. */
  retention: v.optional(v.strictObject({ succeededPayloadDays: v.optional(v.pipe(positiveInt, v.maxValue(3650))) }), {}),
});

export type GatewayConfigFile = v.InferOutput<typeof gatewayConfigSchema>;
