/**
 * The national-portal simulator alone, as a child process for the portal benchmark, so that it outlives the
 * sandbox children (and its dossiers with it) and runs on its own CPU share like a remote portal. The account it
 * accepts comes from BENCH_PORTAL_ACCOUNT (JSON: username, password, dstcode); the bench makes one per run.
 * Prints `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1.
 */
import { pino } from 'pino';
import * as v from 'valibot';
import { startPortalSimulator } from '../plugins/national-portal/simulator/server.ts';

const accountShape = v.object({ username: v.string(), password: v.string(), dstcode: v.string() });
const raw = process.env.BENCH_PORTAL_ACCOUNT;
if (!raw) throw new Error('set BENCH_PORTAL_ACCOUNT to the JSON account the simulator accepts');

const simulator = await startPortalSimulator({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  log: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr),
  account: v.parse(accountShape, JSON.parse(raw)),
});
process.stdout.write(`${JSON.stringify({ ready: { url: simulator.url } })}\n`);

const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
