/**
 * Which event types exist: core's own and those each plugin declares. A webhook subscription may name only these,
 * and a plugin may emit only what it declares, so a misspelt type is found when the config is checked or when the
 * plugin's tests run, never as a subscription that silently receives nothing.
 */
import { didYouMean } from '../sdk/did-you-mean.ts';
import type { EventDeclarations, GatewayEvent } from '../sdk/contract.ts';

/** Emitted by core itself, whatever the plugins. */
export const coreEvents: EventDeclarations = {
  'message.dead': 'a message was dead-lettered (refused by its provider, out of attempts or too old); not for webhook deliveries themselves',
};

/** `domain.happening`: lower-case words joined by dots, e.g. `payment.succeeded`. */
export const EVENT_TYPE_FORM = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$/;

interface EventSource {
  id: string;
  events?: EventDeclarations | undefined;
}

/** What is wrong with a plugin's declaration, or undefined when nothing is. */
export function eventDeclarationProblem(events: unknown): string | undefined {
  if (events === undefined) return undefined;
  if (events === null || typeof events !== 'object' || Array.isArray(events)) return "events must be an object: { 'type': 'when it is emitted' }";
  for (const [type, description] of Object.entries(events)) {
    if (!EVENT_TYPE_FORM.test(type)) return `event '${type}' must be lower-case words joined by dots, e.g. payment.succeeded`;
    if (Object.hasOwn(coreEvents, type)) return `event '${type}' is core's own; leave it out of the plugin's events`;
    if (typeof description !== 'string' || description.trim() === '') return `event '${type}' needs a description: when is it emitted?`;
  }
  return undefined;
}

/** Every event type the given plugins and core can emit, each with the plugins that declare it (none for core's). */
export function declaredEvents(plugins: Iterable<EventSource>): Map<string, string[]> {
  const declared = new Map<string, string[]>(Object.keys(coreEvents).map((type) => [type, []]));
  for (const plugin of plugins) {
    for (const type of Object.keys(plugin.events ?? {})) declared.set(type, [...(declared.get(type) ?? []), plugin.id]);
  }
  return declared;
}

/** Refuses an event the plugin does not declare: a typo in a plugin's code, found by the first test that emits it. */
export function checkDeclared(plugin: EventSource, event: GatewayEvent): void {
  const declared = Object.keys(plugin.events ?? {});
  if (declared.includes(event.type)) return;
  throw new Error(
    `plugin '${plugin.id}' emitted event '${event.type}', which it does not declare${didYouMean(event.type, declared, 'it declares')}: ` +
      "fix the type, or add it to the plugin's events",
  );
}
