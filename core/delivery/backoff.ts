import type { DeliveryPolicy } from '../runtime/policy.ts';

/**
 * The wait before the next try after attempt number `attempt` failed: exponential with full jitter
 * (uniform in [0, min(cap, base·2^(attempt−1))]), and never shorter than the provider's Retry-After.
 */
export function retryDelay(
  attempt: number,
  policy: Pick<DeliveryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
