/**
 * `npm run bench`: rounds of raw Hono, then the gateway's durable accept with delivery held back (a), then
 * the accept while its worker delivers (b), against three server children kept for the whole run; then
 * end-to-end webhook delivery. Prints tables (medians, min-max, each round) and one JSON line.
 * BENCH_ROUNDS (default 3), BENCH_SECONDS (8) measured per run, BENCH_WARMUP_SECONDS (2) before each,
 * BENCH_CONNECTIONS (50), BENCH_MESSAGES (5000) webhook events per delivery run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { startServers } from './accept.ts';
import { stopAllChildren } from './children.ts';
import { formatReport } from './report.ts';
import { runRounds } from './rounds.ts';
import { readSettings } from './settings.ts';
import { benchWebhookDelivery } from './webhook-delivery.ts';

const settings = readSettings();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren().finally(() => process.exit(130));
  });
}

const dir = await mkdtemp(join(os.tmpdir(), 'lienthong-bench-'));
try {
  const step = (what: string) => process.stderr.write(`bench: ${what}\n`);
  step('starting raw Hono and two gateway sandboxes, (a) with delivery held back and (b) delivering');
  const servers = await startServers(dir);
  const rounds = await runRounds(servers, settings.shape, settings.rounds, step);
  step('SIGKILL of both gateway children, then their SMS rows counted');
  const durability = { acceptHeld: await servers.acceptHeld.killAndCount(), acceptDelivering: await servers.acceptDelivering.killAndCount() };
  await servers.raw.server.stop();
  step(`webhook delivery of ${settings.messages} events at concurrency 32, then 8`);
  const delivery = await benchWebhookDelivery(dir, settings.messages, [32, 8]);
  process.stdout.write(`${formatReport({ settings, rounds, durability, delivery })}\n`);
} catch (error) {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
  await rm(dir, { recursive: true, force: true });
}
