/**
 * Whole-gateway: the sandbox as `npm start` runs it, with __ID__ in the plugin list, routes an agency to it and
 * delivers through its simulator, including while the simulator fails half its requests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plugins } from '../app/plugins.ts';
import { findOperation } from '../core/capabilities/index.ts';
import { type RunningSandbox, startSandbox } from '../core/sandbox/sandbox.ts';
import { simulatorClient } from '../core/sdk/testing.ts';
import type { __NAME__Receipt } from '../plugins/__ID__/simulator/server.ts';

const CLIENT_KEY = 'lt_test_client___UNDERSCORE___0001';
const OPERATION = '__FIRST_OPERATION__';
const REQUEST: Record<string, unknown> = __FIRST_REQUEST__;

let dir: string;
let sandbox: RunningSandbox;
let agency: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-__ID__-'));
  sandbox = await startSandbox({
    plugins,
    port: 0,
    log: pino({ level: 'silent' }),
    env: { LIENTHONG_DB: join(dir, 'sandbox.db'), LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_test_operator___UNDERSCORE___0001' },
    // Rehearsal settings: retries within a second, so that half the requests failing costs seconds, not minutes.
    delivery: { baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 2000, maxAttempts: 20, breakerThreshold: 1000 },
    worker: { pollIntervalMs: 50 },
  });
  const instance = sandbox.gateway.context.instances.get('__ID__');
  if (!instance) throw new Error('the sandbox has no __ID__ instance: is the plugin in app/plugins.ts?');
  const served = instance.agencies === '*' ? [...sandbox.gateway.context.config.agencies.keys()] : [...instance.agencies];
  agency = served[0] ?? '';
});

afterAll(async () => {
  await sandbox?.stop(1000);
  await rm(dir, { recursive: true, force: true });
});

async function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${sandbox.gateway.url}/v1/__CAP__/${OPERATION}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency, ...body }),
  });
}

/** Follows a queued message until it is delivered or dead. */
async function settled(id: string): Promise<{ status: string; lastError: string | null }> {
  for (;;) {
    const answer = await fetch(`${sandbox.gateway.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    const message = (await answer.json()) as { status: string; lastError: string | null };
    if (message.status === 'succeeded' || message.status === 'dead') return message;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('__ID__ in the sandbox', () => {
  it('is routed an agency of its own and answers through its simulator', async () => {
    expect(agency).not.toBe('');
    const simulator = simulatorClient(sandbox.simulators['__ID__'] ?? '');
    const spec = findOperation('__CAP__', OPERATION);
    const answer = await post(REQUEST);
    if (spec?.mode === 'async') {
      expect(answer.status).toBe(202);
      const { id } = (await answer.json()) as { id: string };
      expect(await settled(id)).toMatchObject({ status: 'succeeded' });
      expect(await simulator.received<__NAME__Receipt>()).toContainEqual({ requestId: id, operation: OPERATION, deliveries: 1 });
    } else {
      expect(answer.status).toBe(200);
      if (!spec?.binary) expect(v.safeParse(spec!.output, await answer.json()).issues).toBeUndefined();
    }
  });

  it('delivers every queued message while the simulator fails half its requests', async () => {
    const spec = findOperation('__CAP__', OPERATION);
    if (spec?.mode !== 'async') return; // Sync calls answer the caller at once: their retries are the caller's.
    const simulator = simulatorClient(sandbox.simulators['__ID__'] ?? '');
    await simulator.control({ failRate: 0.5, failMode: 'transient' });
    try {
      const ids = await Promise.all(Array.from({ length: 10 }, async () => ((await (await post(REQUEST)).json()) as { id: string }).id));
      const outcomes = await Promise.all(ids.map(settled));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(ids.map(() => 'succeeded'));
    } finally {
      await simulator.control({ failRate: 0 });
    }
  });
});
