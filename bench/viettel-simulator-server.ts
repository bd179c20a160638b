/**
 * The Viettel SOAP simulator (plugins/sms-viettel/simulator) alone, as a child process for the SMS benchmark's
 * bare node-soap figure. The account it accepts comes from BENCH_VIETTEL_ACCOUNT (JSON: user, password, cpCode,
 * brandname, commandCode); the bench makes one per run. Prints `{"ready":{"url":…}}` on stdout when it listens on
 * 127.0.0.1 (PORT=0 picks a port). Logs at LOG_LEVEL, as the sandbox's copy of the simulator does.
 */
import { pino } from 'pino';
import * as v from 'valibot';
import { startViettelSimulator } from '../plugins/sms-viettel/simulator/server.ts';

const accountShape = v.object({ user: v.string(), password: v.string(), cpCode: v.string(), brandname: v.string(), commandCode: v.string() });

const raw = process.env.BENCH_VIETTEL_ACCOUNT;
if (!raw) throw new Error('set BENCH_VIETTEL_ACCOUNT to the JSON account the simulator accepts');
const account = v.parse(accountShape, JSON.parse(raw));

const simulator = await startViettelSimulator({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  log: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr),
  account,
});
process.stdout.write(`${JSON.stringify({ ready: { url: simulator.url } })}\n`);

const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
