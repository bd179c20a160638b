import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { controlRoutes, simulatorSettings } from './control.ts';
import { createFaultInjector } from './faults.ts';
import { createReceivedLedger } from './received.ts';

const post = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function simulator() {
  const faults = createFaultInjector();
  const received = createReceivedLedger<{ requestId: string }, { rejected: string }>();
  const own = { balance: '50000000.00', expired: 0 };
  const settings = simulatorSettings({
    entries: {
      balance: v.optional(v.pipe(v.string(), v.regex(/^\d+\.\d{2}$/))),
      expireSessions: v.optional(v.literal(true)),
    },
    apply({ balance, expireSessions }) {
      if (balance !== undefined) own.balance = balance;
      if (expireSessions) own.expired += 1;
      return { balance: own.balance };
    },
  });
  return { app: controlRoutes(faults, received, settings), faults, received, own };
}

describe('POST /__control', () => {
  it('takes the fault settings and answers those in force', async () => {
    const { app, faults } = simulator();
    const answer = await app.request('/__control', post({ failRate: 0.5, failMode: 'timeout' }));
    expect(await answer.json()).toEqual({ failRate: 0.5, failMode: 'timeout', latencyMs: 0, balance: '50000000.00' });
    expect(faults.settings).toEqual({ failRate: 0.5, failMode: 'timeout', latencyMs: 0 });
  });

  it("takes the simulator's own settings beside them, and answers what they report", async () => {
    const { app, faults, own } = simulator();
    const answer = await app.request('/__control', post({ latencyMs: 20, balance: '12.50', expireSessions: true }));
    expect(await answer.json()).toEqual({ failRate: 0, failMode: 'transient', latencyMs: 20, balance: '12.50' });
    expect(own).toEqual({ balance: '12.50', expired: 1 });
    expect(faults.settings.latencyMs).toBe(20);
  });

  it('refuses an unknown field with a problem document naming it, and applies nothing', async () => {
    const { app, faults } = simulator();
    const answer = await app.request('/__control', post({ failRate: 1, failrate: 1 }));
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(await answer.json()).toMatchObject({ status: 400, errors: [{ path: 'failrate', message: 'is not a setting of this simulator; its settings are failRate, failMode, latencyMs, balance, expireSessions' }] });
    expect(faults.settings.failRate).toBe(0);
  });

  it('refuses a bad value of either kind, and applies nothing', async () => {
    const { app, faults, own } = simulator();
    expect((await app.request('/__control', post({ failRate: 2 }))).status).toBe(400);
    const answer = await app.request('/__control', post({ failRate: 1, balance: '1e9' }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ errors: [{ path: 'balance' }] });
    expect(faults.settings.failRate).toBe(0);
    expect(own.balance).toBe('50000000.00');
  });

  it('refuses a body that is not JSON', async () => {
    const { app } = simulator();
    expect((await app.request('/__control', { method: 'POST', body: 'failRate=1' })).status).toBe(400);
  });

  it('knows only the fault settings when the simulator has none of its own', async () => {
    const faults = createFaultInjector();
    const app = controlRoutes(faults, createReceivedLedger());
    expect(await (await app.request('/__control', post({ latencyMs: 5 }))).json()).toEqual({ failRate: 0, failMode: 'transient', latencyMs: 5 });
    expect((await app.request('/__control', post({ balance: '1.00' }))).status).toBe(400);
  });
});

describe('/__received', () => {
  it('lists what the ledger holds, and forgets it on DELETE', async () => {
    const { app, received } = simulator();
    received.deliver('1001', () => ({ requestId: '1001' }));
    received.record({ rejected: 'WRONG_INFORMATION_AUTHENTICATE' });
    expect(await (await app.request('/__received')).json()).toEqual([{ requestId: '1001', deliveries: 1 }, { rejected: 'WRONG_INFORMATION_AUTHENTICATE' }]);
    expect((await app.request('/__received', { method: 'DELETE' })).status).toBe(204);
    expect(await (await app.request('/__received')).json()).toEqual([]);
  });
});
