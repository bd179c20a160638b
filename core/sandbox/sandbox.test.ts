import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plugins } from '../../plugins/index.ts';
import type { AnyPlugin } from '../plugin.ts';
import { type RunningSandbox, sandboxAgencies, startSandbox } from './sandbox.ts';

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

describe('the sandbox', () => {
  it('runs every simulator, one instance per provider plugin, and no per-key rate limit', async () => {
    sandbox = await startSandbox({ plugins, port: 0, log: pino({ level: 'silent' }), env: { LIENTHONG_DB: join(dir, 'lienthong.db') } });
    const { config } = sandbox.gateway.context;
    // Whole-gateway tests and benchmarks drive one key hard: a limit would measure itself.
    expect(config.keyRateLimit.requestsPerSecond).toBe(0);
    const simulated = plugins.filter((plugin) => plugin.simulator).map((plugin) => plugin.id);
    expect(Object.keys(sandbox.simulators).sort()).toEqual(simulated.sort());
    expect(config.instances.map((instance) => instance.id).sort()).toEqual(
      simulated.map((id) => (id === 'webhook' ? 'webhook-onestop' : id)).sort(),
    );
    const answer = await fetch(`${sandbox.gateway.url}/sandbox.json`);
    expect(await answer.json()).toEqual({ simulators: sandbox.simulators, agencies: ['000.00.01.H22', '000.00.02.H22'] });
  });
});

describe('sandbox routing', () => {
  const plugin = (id: string, capability: AnyPlugin['capability']) => ({ ...plugins[0], id, capability }) as AnyPlugin;
  const bankA = plugin('bank-a', 'payment');
  const bankB = plugin('bank-b', 'payment');
  const sms = plugin('sms-a', 'sms');

  it('gives a capability with one provider every agency', () => {
    expect(sandboxAgencies(sms, [bankA, sms])).toEqual(['*']);
  });

  it('splits the agencies between two providers of one capability', () => {
    const all = [sms, bankA, bankB];
    expect(sandboxAgencies(bankA, all)).toEqual(['000.00.01.H22']);
    expect(sandboxAgencies(bankB, all)).toEqual(['000.00.02.H22']);
  });

  it('says so when a capability has more providers than the sandbox has agencies', () => {
    expect(() => sandboxAgencies(bankA, [bankA, bankB, plugin('bank-c', 'payment')])).toThrow(/too few for bank-a, bank-b, bank-c/);
  });
});
