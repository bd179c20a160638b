import { rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loggerFor } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { Secret } from '../sdk/secret.ts';
import { webhookPlugin } from '../webhooks/index.ts';
import { type CliContext, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

/** The plugins with a simulator; the built-in webhook delivery has one too: a receiver that checks signatures. */
const withSimulator = (plugins: readonly AnyPlugin[]) => [...plugins, webhookPlugin].filter((plugin) => plugin.simulator);

export function simulateCommand(context: CliContext): Command {
  const simulated = withSimulator(context.plugins).map((plugin) => plugin.id);
  return new Command('simulate')
    .description("one provider's simulator alone; with --instance-out, the config entry that points serve at it")
    .argument('<plugin>', `one of ${simulated.join(', ')}`)
    .option('--port <n>', 'the port (default: a free one, printed)')
    .option('--host <host>', 'the address to listen on (default: 127.0.0.1)')
    .option('--instance-out <file>', 'write there a ready instance entry { "plugin", "config" } for serve, its secrets in files beside it (mode 0600)')
    .action(verbAction(context, (command) => simulate(command.processedArgs[0] as string, command.opts(), context.plugins, context.io)));
}

/**
 * Runs one provider's simulator alone until a signal stops the process (stop-on-signals.ts). With --instance-out,
 * first writes the config entry that points `serve` at it, each secret in a file of its own beside that entry.
 */
async function simulate(id: string, values: { port?: string; host?: string; instanceOut?: string }, plugins: readonly AnyPlugin[], io: CliIo): Promise<undefined> {
  const simulated = withSimulator(plugins);
  const plugin = simulated.find((candidate) => candidate.id === id);
  if (!plugin?.simulator) {
    const why = plugins.some((candidate) => candidate.id === id) ? `plugin '${id}' has no simulator` : `unknown plugin '${id}'`;
    throw new UsageError(`${why}: simulate needs a plugin: ${simulated.map((p) => p.id).join(', ')}`);
  }
  const out = values.instanceOut;
  if (out === '') throw new UsageError('--instance-out takes a file name');
  const port = parsePort(values.port, 0);

  const log = loggerFor(io.env);
  const simulator = plugin.simulator;
  const starting = simulator.start({ host: values.host ?? '127.0.0.1', port, log });
  stopOnSignals(async () => (await starting).close(), io);
  const running = await starting;
  const lines = [`${id} simulator on ${running.url}`, `  POST ${running.url}/__control  GET ${running.url}/__received`];
  if (out) {
    const written = await writeEntry(plugin, simulator.sandboxConfig(running.url), out).catch(async (error: unknown) => {
      // No entry, no simulator: the command fails and the process ends.
      await running.close();
      throw error;
    });
    const kind = plugin === webhookPlugin ? 'webhooks entry' : 'instance entry';
    lines.push(`  ${kind} for serve in ${written.file}${written.secrets ? ` (${written.secrets} secret(s) in files beside it, mode 0600)` : ''}`);
  } else {
    // The credentials stay off the terminal: they go only into files, with --instance-out.
    lines.push(`  a ready config entry for serve, with the credentials in files: lienthong simulate ${id} --port N --instance-out FILE`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return undefined;
}

/**
 * Writes `{ "plugin", "config" }` (for the built-in webhook receiver: `{ "url", "secret" }`, a webhooks entry) to
 * `out`. Every `Secret` in the config becomes `{ "file": <absolute path> }` pointing at `<out>.<field path>.secret`
 * beside it, mode 0600: the config loader reads a relative path from where `serve` runs, not from the file.
 */
async function writeEntry(plugin: AnyPlugin, config: Record<string, unknown>, out: string): Promise<{ file: string; secrets: number }> {
  const file = resolve(out);
  const stem = file.replace(/\.json$/, '');
  const secrets: Array<{ path: string; text: string }> = [];
  const reference = (value: unknown, where: string[]): unknown => {
    if (value instanceof Secret) {
      const path = `${stem}.${where.join('.')}.secret`;
      secrets.push({ path, text: value.reveal() });
      return { file: path };
    }
    if (Array.isArray(value)) return value.map((item, index) => reference(item, [...where, String(index)]));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, reference(item, [...where, key])]));
    return value;
  };
  const referenced = reference(config, []) as Record<string, unknown>;
  const entry = plugin === webhookPlugin ? referenced : { plugin: plugin.id, config: referenced };
  for (const { path, text } of secrets) {
    // Made afresh, so that the mode is 0600 even where an older file was readable by others.
    await writeNaming(path, async () => {
      await rm(path, { force: true });
      await writeFile(path, text, { mode: 0o600, flag: 'wx' });
    });
  }
  await writeNaming(file, () => writeFile(file, `${JSON.stringify(entry, null, 2)}\n`));
  return { file, secrets: secrets.length };
}

/** A failed write names the file, not only the error code. */
async function writeNaming(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new Error(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
