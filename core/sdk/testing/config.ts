/**
 * A plugin instance's config for its tests, parsed by the plugin's own schema: the defaults are the schema's, never
 * repeated by hand, and an override the schema refuses fails the test with the schema's message naming the field.
 */
import * as v from 'valibot';
import type { Secret } from '../secret.ts';

/**
 * What a test sets in a plugin's config: every field, a section (a nested object) only in part. A field set to
 * `undefined` is left out, as if the config file did not have it.
 */
export type ConfigOverrides<Config> = { [Field in keyof Config]?: FieldOverride<Config[Field]> };
type FieldOverride<Value> = Value extends Secret | readonly unknown[] ? Value : Value extends object ? ConfigOverrides<Value> : Value;

/** What `testConfig` needs of a plugin: its id, for messages, and its config schema. */
export interface ConfiguredPlugin<Config> {
  id: string;
  configSchema: v.GenericSchema<unknown, Config>;
}

/**
 * The config the plugin's schema makes of `layers`, merged in order: usually the fields the schema has no default
 * for (URLs, accounts, `Secret`s, kept in the plugin's test-support), then what one test changes. Sections merge
 * field by field; lists, secrets and other values are replaced whole.
 */
export function testConfig<Config>(plugin: ConfiguredPlugin<Config>, ...layers: ConfigOverrides<Config>[]): Config {
  const raw = layers.reduce<unknown>((config, layer) => mergeSection(config, layer), {});
  const parsed = v.safeParse(plugin.configSchema, raw);
  if (parsed.success) return parsed.output;
  const issues = parsed.issues.map((issue) => `${v.getDotPath(issue) ?? '(config)'}: ${issue.message}`);
  throw new Error(`test config of plugin '${plugin.id}' refused by its schema: ${issues.join('; ')}`);
}

function isSection(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function mergeSection(base: unknown, change: unknown): unknown {
  if (!isSection(change)) return change;
  const merged: Record<string, unknown> = isSection(base) ? { ...base } : {};
  for (const [field, value] of Object.entries(change)) {
    if (value === undefined) delete merged[field];
    else merged[field] = mergeSection(merged[field], value);
  }
  return merged;
}
