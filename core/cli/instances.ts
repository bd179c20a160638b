import { Command, Option } from 'commander';
import * as v from 'valibot';
import { INPUT_CHECKS } from '../capabilities/messages.ts';
import { readConfigFile } from '../config/load.ts';
import { ConfigError } from '../config/config-error.ts';
import { describeIssues } from '../http/problem.ts';
import { adminPauseBody, pauseView } from '../http/routes/admin-pauses.ts';
import { resumeCommand } from '../runtime/pauses.ts';
import type { Store } from '../store/types.ts';
import { type CliContext, existingDbOption, jsonOption, verbAction } from './command.ts';
import { withExistingStore } from './store.ts';
import { table } from './table.ts';
import { inVietnamTime, vietnamTime } from './time.ts';
import { UsageError } from './usage.ts';

const configOption = () =>
  new Option('--config <file>', "the gateway's config: the id must name one of its instances (without it the id is not checked)");

/**
 * `lienthong instances list|pause|resume`: the pauses are kept in the store, so a running gateway (every process on
 * the store) picks a change up at its next poll, and a restart keeps it.
 */
export function instancesCommand(context: CliContext): Command {
  const instances = new Command('instances').description('plugin instances: list, pause (a provider announced maintenance), resume').usage('<command> [options]');
  instances
    .command('list')
    .description('each instance: paused or not (since when, by whom, why) and its queue')
    .addOption(new Option('--config <file>', "the gateway's config: list all its instances (without it: those with messages or a pause)"))
    .addOption(jsonOption('print the instances as JSON (times in UTC)'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => listCommand(command.opts(), context)));
  instances
    .command('pause')
    .usage('<id> [--reason <text>] [options]')
    .description('pause an instance: no attempt of it starts, its messages wait and its sync calls answer 503, until it is resumed')
    .argument('<id>', "the instance's id, as the config names it, e.g. sms-viettel")
    .option('--reason <text>', 'why, e.g. "Viettel maintenance until 23:00" (shown to operators and to callers of its sync operations)')
    .addOption(configOption())
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => pauseCommand(command.processedArgs[0] as string, command.opts(), context)));
  instances
    .command('resume')
    .description('resume a paused instance: its waiting messages are delivered')
    .argument('<id>', "the instance's id")
    .addOption(configOption())
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => resumeCommandVerb(command.processedArgs[0] as string, command.opts(), context)));
  return instances;
}

interface StoreOptions {
  config?: string;
  db?: string;
}

/** The config's instance ids, or undefined without --config. Read before the store is opened: a bad config changes nothing. */
async function configuredIds(options: StoreOptions, { io, plugins }: CliContext): Promise<string[] | undefined> {
  if (options.config === undefined) return undefined;
  const config = await readConfigFile(options.config, plugins, io.env);
  return config.instances.map((instance) => instance.id);
}

async function checkedId(id: string, options: StoreOptions, context: CliContext): Promise<void> {
  const ids = await configuredIds(options, context);
  if (ids && !ids.includes(id)) throw new ConfigError(`${options.config} has no instance '${id}' (its instances: ${ids.join(', ')}): check the id`);
}

async function pauseCommand(id: string, options: StoreOptions & { reason?: string }, context: CliContext): Promise<number> {
  const parsed = v.safeParse(adminPauseBody, { reason: options.reason }, INPUT_CHECKS);
  if (!parsed.success) throw new UsageError(`--reason ${describeIssues(parsed.issues)[0]?.message ?? 'is not valid'}`);
  await checkedId(id, options, context);
  const { io } = context;
  const { pause, created } = await withExistingStore(io, options.db, (store) => store.pauseInstance(id, { actor: 'cli', reason: parsed.output.reason, at: Date.now() }));
  const reason = pause.reason === null ? '' : ` (${pauseView(pause)?.reason})`;
  if (!created) {
    io.stdout.write(`${id} was already paused by ${pause.by} since ${vietnamTime(pause.at)}${reason}: nothing changed\n`);
    return 0;
  }
  io.stdout.write(`paused ${id}${reason}: a running gateway starts no attempt of it from its next poll on, and its messages wait\nresume it with: ${resumeCommand(id)}\n`);
  if (options.config === undefined) io.stderr.write(`the id was not checked against the gateway's config: give --config FILE to check it\n`);
  return 0;
}

async function resumeCommandVerb(id: string, options: StoreOptions, context: CliContext): Promise<number> {
  await checkedId(id, options, context);
  const { io } = context;
  const outcome = await withExistingStore(io, options.db, async (store) => {
    const resumed = await store.resumeInstance(id, { actor: 'cli', at: Date.now() });
    return { resumed, paused: resumed ? [] : await store.pausedInstances() };
  });
  const { resumed } = outcome;
  if (!resumed) {
    const paused = outcome.paused.map((pause) => pause.instance);
    io.stdout.write(`${id} is not paused (paused instances: ${paused.length > 0 ? paused.join(', ') : 'none'}): nothing changed\n`);
    return 0;
  }
  const moved = resumed.extended > 0 ? `; ${resumed.extended} waiting message(s) had their max age moved on by the time they waited paused` : '';
  io.stdout.write(`resumed ${id}, paused since ${vietnamTime(resumed.pause.at)} by ${resumed.pause.by}: a running gateway delivers its waiting messages from its next poll on${moved}\n`);
  return 0;
}

async function listCommand(options: StoreOptions & { json?: boolean }, context: CliContext): Promise<number> {
  const configured = await configuredIds(options, context);
  const { io } = context;
  const rows = await withExistingStore(io, options.db, (store) => instanceRows(store, configured));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  const lines = rows.map((row) => [
    row.id,
    row.paused ? 'paused' : 'active',
    row.paused ? (inVietnamTime(row.paused.at) ?? '') : '',
    row.paused?.by ?? '',
    String(row.queue.queued),
    String(row.queue.processing),
    String(row.queue.dead),
    row.paused?.reason ?? '',
  ]);
  if (lines.length > 0) io.stdout.write(`${table(['INSTANCE', 'STATE', 'PAUSED SINCE', 'BY', 'QUEUED', 'PROCESSING', 'DEAD', 'REASON'], lines)}\n`);
  const scope = configured ? '' : ' (without --config: those with messages or a pause)';
  io.stdout.write(`${rows.length} instance(s)${scope}\n`);
  return 0;
}

/** Each instance with its pause and its queue: the config's instances, or those the store knows of. */
async function instanceRows(store: Store, configured: string[] | undefined) {
  const [pauses, stats] = await Promise.all([store.pausedInstances(), store.queueStats()]);
  const pauseOf = new Map(pauses.map((pause) => [pause.instance, pause]));
  const statsOf = new Map(stats.map((entry) => [entry.instance, entry]));
  const ids = configured ?? [...new Set([...statsOf.keys(), ...pauseOf.keys()])].sort();
  return ids.map((id) => {
    const queue = statsOf.get(id);
    return {
      id,
      paused: pauseView(pauseOf.get(id) ?? null),
      queue: { queued: queue?.queued ?? 0, processing: queue?.processing ?? 0, dead: queue?.dead ?? 0, succeeded: queue?.succeeded ?? 0 },
    };
  });
}
