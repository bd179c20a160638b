import { findOperation } from '../capabilities/index.ts';
import { newMessageId } from '../ids.ts';
import type { NewMessage } from '../store/types.ts';
import type { InstanceRuntime } from '../runtime/instances.ts';

/** A new message for `instance`, its ordering key and limits taken from the capability and the instance policy. */
export function buildMessage(
  instance: InstanceRuntime,
  operation: string,
  input: { agency: string } & Record<string, unknown>,
  now: number,
): NewMessage {
  const capability = instance.plugin.capability;
  const spec = findOperation(capability, operation);
  return {
    id: newMessageId(now),
    capability,
    operation,
    agency: input.agency,
    instance: instance.id,
    plugin: instance.plugin.id,
    payload: input,
    reference: referenceOf(input),
    dossierCode: spec?.dossierCode?.(input),
    orderingKey: spec?.orderingKey?.(input),
    orderingRank: spec?.orderingRank,
    maxAttempts: instance.policy.maxAttempts,
    createdAt: now,
    expiresAt: now + instance.policy.maxAgeMs,
  };
}

/** What an operator searches by: the caller's reference, a dossier code, a payment id. */
function referenceOf(input: Record<string, unknown>): string | undefined {
  for (const field of ['reference', 'dossierCode', 'paymentId']) {
    const value = input[field];
    if (typeof value === 'string') return value;
  }
  const dossier = input.dossier;
  if (dossier && typeof dossier === 'object' && 'code' in dossier && typeof dossier.code === 'string') return dossier.code;
  return undefined;
}
