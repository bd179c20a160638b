/**
 * `npm run bench`: rounds of raw Hono, then the gateway's durable accept with delivery held back (a), then
 * the accept while its worker delivers (b), against three server children kept for the whole run; then
 * end-to-end webhook delivery; then SMS end to end through sms-viettel beside a bare node-soap client (bench/sms.ts).
 * Prints tables (medians, min-max, each round) and one JSON line.
 * BENCH_ROUNDS (default 3), BENCH_SECONDS (8) measured per run, BENCH_WARMUP_SECONDS (2) before each,
 * BENCH_CONNECTIONS (50), BENCH_MESSAGES (5000) webhook events per delivery run; BENCH_SMS_* in bench/sms.ts;
 * BENCH_ONLY=sms for the SMS figures alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { startServers } from './accept.ts';
import { stopAllChildren } from './children.ts';
import { formatReport, machineFacts } from './report.ts';
import { runRounds } from './rounds.ts';
import { readSettings } from './settings.ts';
import { benchSms, readSmsSettings } from './sms.ts';
import { formatSmsReport } from './sms-report.ts';
import { benchWebhookDelivery } from './webhook-delivery.ts';

const settings = readSettings();
const smsSettings = readSmsSettings();
/** BENCH_ONLY=sms runs the SMS figures alone. */
const onlySms = process.env.BENCH_ONLY === 'sms';
if (!onlySms && (process.env.BENCH_ONLY ?? '') !== '') throw new Error(`BENCH_ONLY can only be 'sms', not '${process.env.BENCH_ONLY}'`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren().finally(() => process.exit(130));
  });
}

const dir = await mkdtemp(join(os.tmpdir(), 'lienthong-bench-'));
try {
  const step = (what: string) => process.stderr.write(`bench: ${what}\n`);
  if (onlySms) {
    process.stdout.write(`${formatSmsReport(await benchSms(dir, smsSettings, step), machineFacts())}\n`);
  } else {
    step('starting raw Hono and two gateway sandboxes, (a) with delivery held back and (b) delivering');
    const servers = await startServers(dir);
    const rounds = await runRounds(servers, settings.shape, settings.rounds, step);
    step('SIGKILL of both gateway children, then their SMS rows counted');
    const durability = { acceptHeld: await servers.acceptHeld.killAndCount(), acceptDelivering: await servers.acceptDelivering.killAndCount() };
    await servers.raw.server.stop();
    step(`webhook delivery of ${settings.messages} events at concurrency 32, then 8`);
    const delivery = await benchWebhookDelivery(dir, settings.messages, [32, 8]);
    const sms = await benchSms(dir, smsSettings, step);
    process.stdout.write(`${formatReport({ settings, rounds, durability, delivery, sms })}\n`);
  }
} catch (error) {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
  await rm(dir, { recursive: true, force: true });
}
