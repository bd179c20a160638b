import type { DeliveryOverrides } from '../sdk/contract.ts';

/** How one plugin instance's messages are delivered. Every field can be overridden per plugin and per instance. */
export interface DeliveryPolicy {
  /** Tries before a message goes dead, the first included. Default 8. */
  maxAttempts: number;
  /** First retry waits up to this long (full jitter), doubling each time. Default 2 s. */
  baseDelayMs: number;
  /** No wait between attempts is longer. Default 10 min. */
  maxDelayMs: number;
  /** A message older than this is not tried again. Default 24 h. */
  maxAgeMs: number;
  /** One attempt is aborted after this long. Default 15 s. */
  timeoutMs: number;
  /** Attempts in flight at once for the instance. Default 8. */
  concurrency: number;
  /** Attempts started per second; 0 for no limit. Default 0. */
  ratePerSecond: number;
  /** Consecutive retryable failures that open the circuit. Default 5. */
  breakerThreshold: number;
  /** How long an open circuit waits before one probe. Default 30 s. */
  breakerCooldownMs: number;
}

export const DEFAULT_POLICY: DeliveryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 600_000,
  maxAgeMs: 86_400_000,
  timeoutMs: 15_000,
  concurrency: 8,
  ratePerSecond: 0,
  breakerThreshold: 5,
  breakerCooldownMs: 30_000,
};

export function resolvePolicy(...overrides: Array<DeliveryOverrides | undefined>): DeliveryPolicy {
  const policy = { ...DEFAULT_POLICY };
  for (const override of overrides) {
    for (const [name, value] of Object.entries(override ?? {})) {
      if (value !== undefined) policy[name as keyof DeliveryPolicy] = value;
    }
  }
  return policy;
}
