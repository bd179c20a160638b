import type { AnyPlugin } from '../sdk/contract.ts';
import { didYouMean, nearestNames } from '../sdk/did-you-mean.ts';
import { declaredEvents } from '../webhooks/events.ts';
import { ConfigError } from './config-error.ts';

/**
 * A subscription names only events that can reach it: core's, or those declared by a plugin that an instance of
 * this config uses. `*` (every event) stays valid. `where` names the subscription, e.g. `webhook 'onestop'`.
 */
export function checkSubscribedEvents(where: string, events: readonly string[], configured: Iterable<AnyPlugin>, listed: Iterable<AnyPlugin>): void {
  const emitted = declaredEvents(new Set(configured));
  const known = declaredEvents(listed);
  for (const type of events) {
    if (type === '*' || emitted.has(type)) continue;
    const declaring = known.get(type);
    if (declaring) {
      throw new ConfigError(
        `${where}: event '${type}' comes from plugin ${declaring.join(', ')}, which no instance of this config uses: add such an instance, or leave the event out`,
      );
    }
    // A typo of an event no instance emits is still a typo: suggest among every known event, list those that can come.
    const nearest = nearestNames(type, known.keys());
    const hint = nearest.length > 0 ? didYouMean(type, nearest) : didYouMean(type, [...emitted.keys(), '*'], 'events');
    throw new ConfigError(`${where}: unknown event '${type}'${hint}`);
  }
}
