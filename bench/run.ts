/**
 * `npm run bench`: rounds of raw Hono, then the gateway's durable accept with delivery held back (a), then
 * the accept while its worker delivers (b), against three server children kept for the whole run; then
 * end-to-end webhook delivery; then SMS end to end through sms-viettel beside a bare node-soap client (bench/sms.ts);
 * then national-portal progress delivery with batching on and off (bench/portal.ts); then the e-card look-up
 * through the gateway beside the same look-up made directly on its simulator (bench/ecard.ts).
 * Prints tables (medians, min-max, each round) and one JSON line. About 3.5 minutes with the defaults on 2 cores
 * (212 s measured; portal about 30 s and e-card about 16 s of it).
 * BENCH_ROUNDS (default 3), BENCH_SECONDS (8) measured per run, BENCH_WARMUP_SECONDS (2) before each,
 * BENCH_CONNECTIONS (50), BENCH_MESSAGES (5000) webhook events per delivery run; BENCH_SMS_* in bench/sms.ts,
 * BENCH_PORTAL_* in bench/portal.ts, BENCH_ECARD_* in bench/ecard.ts.
 * BENCH_ONLY=sms, portal, ecard, flood, console, startup, peers or stores (or `npm run bench -- <part>`) runs that part alone, with its own
 * heading and JSON line.
 * Then the connection flood (bench/flood.ts, BENCH_FLOOD_*; about 80 s): another key's latency while 10,000
 * connections flood the gateway.
 * Then the operators' reads at a million messages (bench/console.ts, BENCH_CONSOLE_*).
 * Last, the start-up time and memory of `serve`, under tsx and compiled (bench/startup.ts, BENCH_STARTUP_RUNS).
 * The reference peers (bench/peers/, BENCH_PEERS_*) run after the webhook delivery when PostgreSQL is reachable:
 * a plain `pg` INSERT accept server and graphile-worker's delivery beside lienthong's, in interleaved rounds.
 * Then the stores (bench/stores/, BENCH_STORES_*): accept and delivery on SQLite and on PostgreSQL with one gateway
 * process and with three, CPU per accept; PostgreSQL skipped, visibly, when unreachable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { startServers } from './accept.ts';
import { stopAllChildren } from './children.ts';
import { benchConsole, readConsoleSettings } from './console.ts';
import { consoleSection, consoleVerdict } from './console-report.ts';
import { benchEcard, readEcardSettings } from './ecard.ts';
import { ecardSection } from './ecard-report.ts';
import { benchFlood, readFloodSettings } from './flood.ts';
import { floodSection, floodVerdict } from './flood-report.ts';
import { benchPortal, readPortalSettings } from './portal.ts';
import { portalSection } from './portal-report.ts';
import { benchPeers } from './peers/peers.ts';
import { benchStores } from './stores/stores.ts';
import { storesSection, storesVerdict } from './stores/stores-report.ts';
import { readStoresSettings } from './stores/settings.ts';
import { peersSection, peersVerdict } from './peers/peers-report.ts';
import { readPeersSettings } from './peers/settings.ts';
import { ecardVerdict, formatPart, formatReport, portalVerdict, smsVerdict } from './report.ts';
import { runRounds } from './rounds.ts';
import { readSettings } from './settings.ts';
import { benchSms, readSmsSettings } from './sms.ts';
import { smsSection } from './sms-report.ts';
import { benchStartup, readStartupSettings } from './startup.ts';
import { startupSection } from './startup-report.ts';
import { benchWebhookDelivery } from './webhook-delivery.ts';

type Step = (what: string) => void;

// Every setting is read before anything starts, so that a mistyped one fails at once.
const settings = readSettings();
const smsSettings = readSmsSettings();
const portalSettings = readPortalSettings();
const ecardSettings = readEcardSettings();
const floodSettings = readFloodSettings();
const consoleSettings = readConsoleSettings();
const peersSettings = readPeersSettings(settings.messages);
const startupSettings = readStartupSettings();
const storesSettings = readStoresSettings();

/** What BENCH_ONLY can name: each part's run and its report alone. */
const PARTS: Record<string, (dir: string, step: Step) => Promise<string>> = {
  sms: async (dir, step) => {
    const sms = await benchSms(dir, smsSettings, step);
    return formatPart('SMS', smsSection(sms), { sms, ...smsVerdict(sms) });
  },
  portal: async (dir, step) => {
    const portal = await benchPortal(dir, step, portalSettings);
    return formatPart('portal', portalSection(portal), { portal, ...portalVerdict(portal) });
  },
  ecard: async (dir, step) => {
    const ecard = await benchEcard(dir, step, ecardSettings);
    return formatPart('e-card', ecardSection(ecard), { ecard, ...ecardVerdict(ecard) });
  },
  flood: async (dir, step) => {
    const flood = await benchFlood(dir, step, floodSettings);
    return formatPart('connection flood', floodSection(flood), { flood, ...floodVerdict(flood) });
  },
  peers: async (dir, step) => {
    const peers = await benchPeers(dir, step, peersSettings, settings.shape.connections);
    return formatPart('reference peers', peersSection(peers), { peers, ...peersVerdict(peers) });
  },
  stores: async (dir, step) => {
    const stores = await benchStores(dir, step, storesSettings);
    return formatPart('stores', storesSection(stores), { stores, ...storesVerdict(stores) });
  },
  console: async (dir, step) => {
    const consoleReads = await benchConsole(dir, step, consoleSettings);
    return formatPart('console', consoleSection(consoleReads), { console: consoleReads, ...consoleVerdict(consoleReads) });
  },
  startup: async (dir, step) => {
    const startup = await benchStartup(dir, step, startupSettings);
    return formatPart('start-up', startupSection(startup), { startup });
  },
};
// `npm run bench -- flood` is BENCH_ONLY=flood.
const only = process.argv[2] ?? process.env.BENCH_ONLY ?? '';
const part = PARTS[only];
if (only !== '' && !part) throw new Error(`BENCH_ONLY (or npm run bench -- <part>) can be ${Object.keys(PARTS).join(', ')}, not '${only}'`);

async function benchAll(dir: string, step: Step): Promise<string> {
  step('starting raw Hono and two gateway sandboxes, (a) with delivery held back and (b) delivering');
  const servers = await startServers(dir);
  const rounds = await runRounds(servers, settings.shape, settings.rounds, step);
  step('SIGKILL of both gateway children, then their SMS rows counted');
  const durability = { acceptHeld: await servers.acceptHeld.killAndCount(), acceptDelivering: await servers.acceptDelivering.killAndCount() };
  await servers.raw.server.stop();
  step(`webhook delivery of ${settings.messages} events at concurrency 32, then 8`);
  const delivery = await benchWebhookDelivery(dir, settings.messages, [32, 8]);
  const peers = await benchPeers(dir, step, peersSettings, settings.shape.connections);
  const stores = await benchStores(dir, step, storesSettings);
  const sms = await benchSms(dir, smsSettings, step);
  const portal = await benchPortal(dir, step, portalSettings);
  const ecard = await benchEcard(dir, step, ecardSettings);
  const flood = await benchFlood(dir, step, floodSettings);
  const consoleReads = await benchConsole(dir, step, consoleSettings);
  const startup = await benchStartup(dir, step, startupSettings);
  return formatReport({ settings, rounds, durability, delivery, peers, stores, sms, portal, ecard, flood, console: consoleReads, startup });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopAllChildren().finally(() => process.exit(130));
  });
}

const dir = await mkdtemp(join(os.tmpdir(), 'lienthong-bench-'));
const began = performance.now();
try {
  const step: Step = (what) => process.stderr.write(`bench: ${what}\n`);
  process.stdout.write(`${await (part ?? benchAll)(dir, step)}\n`);
  step(`done in ${((performance.now() - began) / 1000).toFixed(0)} s`);
} catch (error) {
  process.stderr.write(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await stopAllChildren();
  await rm(dir, { recursive: true, force: true });
}
