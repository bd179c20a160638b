import type { GatewayContext } from '../gateway-context.ts';
import { gate } from '../runtime/gate.ts';
import type { MessageRecord } from '../store/types.ts';
import type { WaitingFor } from './views.ts';

/** Whether a queued message is held by its instance's open circuit right now (so its nextAttemptAt may be past). */
export function waitingFor(gateway: Pick<GatewayContext, 'instances' | 'clock'>, message: MessageRecord): WaitingFor {
  if (message.status !== 'queued') return null;
  const instance = gateway.instances.get(message.instance);
  return instance && gate.refusal(instance, gateway.clock.now()) === 'circuit-open' ? 'circuit' : null;
}
