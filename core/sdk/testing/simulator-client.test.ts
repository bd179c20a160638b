import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlRoutes } from '../simulator/control.ts';
import { createFaultInjector } from '../simulator/faults.ts';
import { listen } from '../simulator/listen.ts';
import { createReceivedLedger } from '../simulator/received.ts';
import { simulatorClient, type SimulatorClient } from './simulator-client.ts';

const received = createReceivedLedger<{ requestId: string }>();
let running: { url: string; close(): Promise<void> };
let simulator: SimulatorClient;

beforeAll(async () => {
  const faults = createFaultInjector();
  running = await listen(createServer(getRequestListener(controlRoutes(faults, received).fetch)), { host: '127.0.0.1', port: 0 }, faults);
  simulator = simulatorClient(running.url);
});
afterAll(() => running.close());

describe('simulatorClient', () => {
  it('sets faults and answers the settings in force', async () => {
    expect(await simulator.control({ failRate: 0.25 })).toEqual({ failRate: 0.25, failMode: 'transient', latencyMs: 0 });
  });

  it('throws with the problem when the simulator refuses the settings', async () => {
    await expect(simulator.control({ failRate: 2 })).rejects.toThrow(/POST \/__control answered 400: .*failRate/);
  });

  it('reads and clears what the simulator received', async () => {
    received.deliver('1001', () => ({ requestId: '1001' }));
    expect(await simulator.received<{ requestId: string; deliveries: number }>()).toEqual([{ requestId: '1001', deliveries: 1 }]);
    await simulator.clearReceived();
    expect(await simulator.received()).toEqual([]);
  });
});
