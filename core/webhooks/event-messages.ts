import { buildMessage } from '../delivery/new-message.ts';
import { type InstanceRuntime, type Instances, serves } from '../runtime/instances.ts';
import type { GatewayEvent } from '../sdk/contract.ts';
import type { NewMessage } from '../store/types.ts';

/** One webhook message per subscription that wants the event. */
export function eventMessages(instances: Instances, event: GatewayEvent, now: number): NewMessage[] {
  const payload = { type: event.type, timestamp: new Date(now).toISOString(), data: event.data };
  return subscribers(instances, event.type, event.agency)
    .map((subscription) => ({ ...buildMessage(subscription, 'deliver', { agency: event.agency, event: payload }, now), orderingKey: event.orderingKey }));
}

/** The webhook subscriptions that want an event of `type` for `agency`. */
function subscribers(instances: Instances, type: string, agency: string): InstanceRuntime[] {
  return instances.all.filter(
    (instance) =>
      instance.plugin.capability === 'webhook' &&
      serves(instance, agency) &&
      (instance.events ?? []).some((wanted) => wanted === '*' || wanted === type),
  );
}
