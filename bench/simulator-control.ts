/** The test hooks every simulator serves beside its protocol (core/sdk/simulator/), as the benchmarks use them. */
import { RECEIVED_LIMIT } from '../core/sdk/simulator/received.ts';
import { wholeFromEnv } from './env.ts';
export { simulatorClient } from '../core/sdk/testing/simulator-client.ts';

/** `GET /__received` lists the newest entries only: a run of more could not be checked. */
export const RECEIVED_LIST_LIMIT = RECEIVED_LIMIT;

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
