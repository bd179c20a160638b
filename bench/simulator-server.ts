/**
 * One provider's simulator alone, as a child process of a bench: it outlives the sandbox children that call it
 * and runs on a CPU share of its own, like a remote service. BENCH_SIMULATOR names the plugin (sms-viettel,
 * national-portal, ecard); BENCH_SIMULATOR_ACCOUNT (JSON) is the account or credentials it accepts, made per run
 * by the bench. Prints `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1 (PORT=0 picks a port); logs
 * at LOG_LEVEL, as the sandbox's copy of the simulator does.
 */
import { pino } from 'pino';
import * as v from 'valibot';
import type { RunningSimulator, SimulatorOptions } from '../core/sdk/contract.ts';
import { startEcardSimulator } from '../plugins/ecard/simulator/server.ts';
import { startPortalSimulator } from '../plugins/national-portal/simulator/server.ts';
import { startViettelSimulator } from '../plugins/sms-viettel/simulator/server.ts';

const text = v.string();
const starters: Record<string, (options: SimulatorOptions, account: unknown) => Promise<RunningSimulator>> = {
  'sms-viettel': (options, account) =>
    startViettelSimulator({ ...options, account: v.parse(v.object({ user: text, password: text, cpCode: text, brandname: text, commandCode: text }), account) }),
  'national-portal': (options, account) =>
    startPortalSimulator({ ...options, account: v.parse(v.object({ username: text, password: text, dstcode: text }), account) }),
  ecard: (options, account) =>
    startEcardSimulator({ ...options, credentials: v.parse(v.object({ cardApiKey: text, registryKey: text, registrySecret: text }), account) }),
};

const name = process.env.BENCH_SIMULATOR ?? '';
const start = starters[name];
if (!start) throw new Error(`BENCH_SIMULATOR must be one of ${Object.keys(starters).join(', ')}, not '${name}'`);
const account = process.env.BENCH_SIMULATOR_ACCOUNT;
if (!account) throw new Error('set BENCH_SIMULATOR_ACCOUNT to the JSON account the simulator accepts');

const simulator = await start({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), log: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr) }, JSON.parse(account));
process.stdout.write(`${JSON.stringify({ ready: { url: simulator.url } })}\n`);

const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
