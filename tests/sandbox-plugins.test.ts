import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plugins } from '../app/plugins.ts';
import { type RunningSandbox, startSandbox } from '../core/sandbox/sandbox.ts';

let dir: string;
let sandbox: RunningSandbox | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-sandbox-'));
});
afterEach(async () => {
  await sandbox?.stop(1000);
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The sandbox with the composition root's plugin list. */
describe('the sandbox', () => {
  it('runs every simulator, one instance per provider plugin, and no per-key rate limit', async () => {
    sandbox = await startSandbox({ plugins, port: 0, log: pino({ level: 'silent' }), env: { LIENTHONG_DB: join(dir, 'lienthong.db') } });
    const { config } = sandbox.gateway.context;
    // Whole-gateway tests and benchmarks drive one key hard: a limit would measure itself.
    expect(config.keyRateLimit.requestsPerSecond).toBe(0);
    const simulated = plugins.filter((plugin) => plugin.simulator).map((plugin) => plugin.id);
    expect(Object.keys(sandbox.simulators).sort()).toEqual(['webhook', ...simulated].sort());
    expect(config.instances.map((instance) => instance.id).sort()).toEqual(['webhook-onestop', ...simulated].sort());
    const answer = await fetch(`${sandbox.gateway.url}/sandbox.json`);
    expect(await answer.json()).toEqual({ simulators: sandbox.simulators, agencies: ['000.00.01.H22', '000.00.02.H22'] });
  });
});

