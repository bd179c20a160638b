/**
 * The e-card simulator (plugins/ecard/simulator) alone, as a child process for the e-card pass-through bench: both
 * the direct client and the gateway's ecard instance call this one. Credentials from BENCH_ECARD_CREDENTIALS (JSON:
 * cardApiKey, registryKey, registrySecret), made per run by the bench. Prints `{"ready":{"url":…}}` when it listens.
 */
import { pino } from 'pino';
import * as v from 'valibot';
import { startEcardSimulator } from '../plugins/ecard/simulator/server.ts';

const credentialsShape = v.object({ cardApiKey: v.string(), registryKey: v.string(), registrySecret: v.string() });

const credentials = v.parse(credentialsShape, JSON.parse(process.env.BENCH_ECARD_CREDENTIALS ?? 'null'));
const simulator = await startEcardSimulator({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  log: pino({ level: process.env.LOG_LEVEL ?? 'warn' }, process.stderr),
  credentials,
});
process.stdout.write(`${JSON.stringify({ ready: { url: simulator.url } })}\n`);

const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
