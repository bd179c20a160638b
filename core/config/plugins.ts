import { capabilities, isCapabilityName } from '../capabilities/index.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { eventDeclarationProblem } from '../webhooks/events.ts';
import { ConfigError } from './config-error.ts';

/** Checks the explicit plugin list once at start; errors name the plugin and what is wrong with it. */
export function indexPlugins(plugins: readonly AnyPlugin[]): Map<string, AnyPlugin> {
  const byId = new Map<string, AnyPlugin>();
  for (const plugin of plugins) {
    const name = `plugin '${String(plugin?.id)}'`;
    if (typeof plugin?.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(plugin.id)) {
      throw new ConfigError(`${name}: id must be lower-case letters, digits and dashes`);
    }
    if (plugin.capability === 'webhook' || plugin.id === 'webhook') {
      throw new ConfigError(`${name}: webhook delivery is built into the gateway (the config's "webhooks"); leave it out of the plugin list`);
    }
    if (byId.has(plugin.id)) throw new ConfigError(`${name}: listed twice`);
    if (!isCapabilityName(plugin.capability)) {
      throw new ConfigError(`${name}: unknown capability '${String(plugin.capability)}' (known: ${Object.keys(capabilities).join(', ')})`);
    }
    if (typeof plugin.configSchema?.['~standard'] !== 'object') throw new ConfigError(`${name}: configSchema is not a valibot schema`);
    const specs = capabilities[plugin.capability].operations;
    for (const operation of Object.keys(specs)) {
      if (typeof plugin.operations?.[operation]?.run !== 'function') {
        throw new ConfigError(`${name}: operation '${operation}' of capability '${plugin.capability}' has no run function`);
      }
    }
    for (const operation of Object.keys(plugin.operations)) {
      if (!Object.hasOwn(specs, operation)) {
        throw new ConfigError(`${name}: operation '${operation}' is not part of capability '${plugin.capability}'`);
      }
    }
    const eventProblem = eventDeclarationProblem(plugin.events);
    if (eventProblem) throw new ConfigError(`${name}: ${eventProblem}`);
    byId.set(plugin.id, plugin);
  }
  return byId;
}
