/** The __ID__ simulator as a real server on 127.0.0.1, called by the plugin over HTTP: answers, faults, the ledger. */
import { pino } from 'pino';
import * as v from 'valibot';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findOperation } from '../../../core/capabilities/index.ts';
import { PermanentError, RetryableError, Secret, type AnyPlugin, type RunningSimulator } from '../../../core/sdk/index.ts';
import { failure, simulatorClient, testHttpClient, testOperationContext, type SimulatorClient } from '../../../core/sdk/testing.ts';
import plugin from '../index.ts';
import { testConfig } from '../test-support/config.ts';
import { start__NAME__Simulator, type __NAME__Receipt } from './server.ts';

const AGENCY = '000.00.01.H22';
const API_KEY = 'simulator-key-0123456789';
const REQUESTS: Record<string, Record<string, unknown>> = __REQUESTS__;
const OPERATIONS = Object.keys(REQUESTS);

let running: RunningSimulator;
let simulator: SimulatorClient;

beforeAll(async () => {
  running = await start__NAME__Simulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), apiKey: API_KEY });
  simulator = simulatorClient(running.url);
});
afterAll(() => running.close());
beforeEach(async () => {
  await simulator.control({ failRate: 0, failMode: 'transient', latencyMs: 0 });
  await simulator.clearReceived();
});

function run(operation: string, options: { messageId?: string; apiKey?: string; timeoutMs?: number } = {}): Promise<unknown> {
  const spec = findOperation('__CAP__', operation);
  const handler = (plugin as AnyPlugin).operations[operation];
  if (!spec || !handler) throw new Error(`__CAP__ has no operation ${operation}`);
  const config = testConfig({ endpoint: running.url, apiKey: new Secret(options.apiKey ?? API_KEY) });
  const ctx = testOperationContext(
    { instance: '__ID__', config, agency: AGENCY, messageId: options.messageId ?? 'msg_01SIM' },
    { http: testHttpClient({ timeoutMs: options.timeoutMs ?? 2000 }) },
  );
  return handler.run(v.parse(spec.input, { agency: AGENCY, ...REQUESTS[operation] }), ctx);
}

describe('the __ID__ simulator', () => {
  it.each(OPERATIONS)('answers %s with what the capability allows', async (operation) => {
    const result = await run(operation);
    expect(v.safeParse(findOperation('__CAP__', operation)!.output, result).issues).toBeUndefined();
  });

  it('lists a request id once, counting its deliveries', async () => {
    const operation = OPERATIONS[0] ?? '';
    await run(operation, { messageId: 'msg_01TWICE' });
    await run(operation, { messageId: 'msg_01TWICE' });
    expect(await simulator.received<__NAME__Receipt>()).toEqual([{ requestId: 'msg_01TWICE', operation, deliveries: 2 }]);
  });

  it('refuses a wrong key for good', async () => {
    expect(await failure(run(OPERATIONS[0] ?? '', { apiKey: 'wrong-key-0123456789' }))).toBeInstanceOf(PermanentError);
  });

  it.each([
    ['transient', RetryableError],
    ['permanent', PermanentError],
  ])('plays a %s fault', async (failMode, kind) => {
    await simulator.control({ failRate: 1, failMode });
    // Twice: a transient fault answers two ways in turn.
    for (let i = 0; i < 2; i++) expect(await failure(run(OPERATIONS[0] ?? ''))).toBeInstanceOf(kind);
  });

  it('holds a request until the client gives up on a timeout fault', async () => {
    await simulator.control({ failRate: 1, failMode: 'timeout' });
    expect(await failure(run(OPERATIONS[0] ?? '', { timeoutMs: 200 }))).toBeInstanceOf(RetryableError);
  });
});
