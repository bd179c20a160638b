/**
 * `npm run bench`: raw Hono vs the gateway's durable accept (autocannon here, servers in child processes), then
 * end-to-end webhook delivery. Prints a table and one JSON line. BENCH_SECONDS (default 10) is the measured time
 * per load run, BENCH_WARMUP_SECONDS (default 2) the warm-up before it, BENCH_MESSAGES (default 5000) the
 * webhook events per delivery run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { benchGatewayAccept, benchRawHono } from './accept.ts';
import { stopAllChildren } from './children.ts';
import type { LoadShape } from './load.ts';
import { formatReport } from './report.ts';
import { benchWebhookDelivery } from './webhook-delivery.ts';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

const shape: LoadShape = {
  connections: 50,
  pipelining: 1,
  seconds: positive('BENCH_SECONDS', 10),
  warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2),
};
const messages = Math.round(positive('BENCH_MESSAGES', 5000));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren().finally(() => process.exit(130));
  });
}

const dir = await mkdtemp(join(os.tmpdir(), 'lienthong-bench-'));
try {
  const step = (what: string) => process.stderr.write(`bench: ${what}\n`);
  step(`raw Hono (${shape.warmupSeconds} s warm-up + ${shape.seconds} s)`);
  const raw = await benchRawHono(shape);
  step(`gateway accept (${shape.warmupSeconds} s warm-up + ${shape.seconds} s)`);
  const accept = await benchGatewayAccept(shape, dir);
  step(`webhook delivery of ${messages} events at concurrency 32, then 8`);
  const delivery = await benchWebhookDelivery(dir, messages, [32, 8]);
  process.stdout.write(`${formatReport({ shape, raw, accept, delivery })}\n`);
} catch (error) {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
  await rm(dir, { recursive: true, force: true });
}
