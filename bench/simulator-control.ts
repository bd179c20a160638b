/** The test hooks every simulator serves beside its protocol (core/sdk/simulator/). */
import { wholeFromEnv } from './env.ts';

/** `GET /__received` lists the newest 10,000 entries only (core/sdk/simulator/): a run of more could not be checked. */
export const RECEIVED_LIST_LIMIT = 10_000;

/** A number of requests per run from the environment, no more than `GET /__received` can list for the check after it. */
export function checkableFromEnv(name: string, fallback: number): number {
  const value = wholeFromEnv(name, fallback);
  if (value > RECEIVED_LIST_LIMIT) throw new Error(`${name} is at most ${RECEIVED_LIST_LIMIT}: the simulator lists no more`);
  return value;
}

/** Throws, naming the request, unless the answer is 2xx. */
export async function expectOk(pending: Promise<Response>, what: string): Promise<Response> {
  const response = await pending;
  if (!response.ok) throw new Error(`${what} answered ${response.status}`);
  return response;
}

/** `DELETE /__received`: forget what it received so far. */
export async function clearReceived(simulatorUrl: string): Promise<void> {
  await expectOk(fetch(`${simulatorUrl}/__received`, { method: 'DELETE' }), 'DELETE /__received');
}

/** `GET /__received`: what it received, newest 10,000 at most; each caller checks the entries with its own schema. */
export async function listReceived(simulatorUrl: string): Promise<unknown> {
  return (await expectOk(fetch(`${simulatorUrl}/__received`), 'GET /__received')).json();
}

/** `POST /__control`: fault injection and latency. */
export async function controlSimulator(simulatorUrl: string, settings: { failRate?: number; latencyMs?: number }): Promise<void> {
  await expectOk(fetch(`${simulatorUrl}/__control`, { method: 'POST', body: JSON.stringify(settings) }), 'POST /__control');
}
