/**
 * Every adapter says which events it emits, so that webhook subscriptions can be checked against them, and the
 * README names each one; a scaffolded adapter starts with the declaration in place.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plugins } from '../app/plugins.ts';
import { indexPlugins } from '../core/config/plugins.ts';
import { newPlugin } from '../core/scaffold/new-plugin.ts';
import { coreEvents, declaredEvents } from '../core/webhooks/events.ts';
import { ROOT } from './support/run-cli.ts';

describe('the events of the plugin list', () => {
  it.each(plugins.map((plugin) => [plugin.id, plugin] as const))('%s declares its events', (_, plugin) => {
    expect(Object.hasOwn(plugin, 'events'), `plugin '${plugin.id}' has no events: declare them, or events: {} when it emits none`).toBe(true);
    expect(() => indexPlugins([plugin])).not.toThrow();
  });

  it('are what the README says: every declared event is named there', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const declared = [...declaredEvents(plugins).keys()];
    expect(declared).toEqual(expect.arrayContaining([...Object.keys(coreEvents), 'payment.succeeded', 'payment.failed']));
    for (const type of declared) expect(readme, type).toContain(`\`${type}\``);
  });
});

describe('a scaffolded plugin', () => {
  it('declares its events (none yet) in index.ts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lienthong-scaffold-events-'));
    try {
      await mkdir(join(root, 'app'));
      await writeFile(join(root, 'app/plugins.ts'), "import type { AnyPlugin } from '../core/sdk/index.ts';\nexport const plugins: AnyPlugin[] = [];\n");
      await newPlugin(root, 'sms-x', 'sms');
      expect(await readFile(join(root, 'plugins/sms-x/index.ts'), 'utf8')).toMatch(/\n {2}events: \{\},\n/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
