import type { GatewayContext } from '../gateway-context.ts';
import { gate } from '../runtime/gate.ts';
import type { MessageRecord } from '../store/types.ts';
import type { WaitingFor } from './views.ts';

/**
 * What holds a queued message right now besides its time (so its nextAttemptAt may be past): its instance paused by
 * an operator, or its instance's open circuit.
 */
export function waitingFor(gateway: Pick<GatewayContext, 'instances' | 'clock'>, message: MessageRecord): WaitingFor {
  if (message.status !== 'queued') return null;
  const instance = gateway.instances.get(message.instance);
  const refusal = instance && gate.refusal(instance, gateway.clock.now());
  return refusal === 'paused' ? 'paused' : refusal === 'circuit-open' ? 'circuit' : null;
}
