/**
 * Issue 14: the circuit breaker blames only the provider. The portal answering "dossier not known yet" to progress
 * entries (their add may still be on its way) is retried, but must not cut the instance off for every agency.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryableError, definePlugin } from '../sdk/index.ts';
import { AGENCY_A, AGENCY_B, DEFAULT_INSTANCES, expectProblem } from './app-fixture.test-helper.ts';
import { type MetricsGateway, openMetricsGateway, valueOf } from '../metrics/metrics-fixture.test-helper.ts';

const PORTAL = 'portal-all';
const COOLDOWN_MS = 30_000;

type ProgressAnswer = 'notKnownYet' | 'outage' | 'taken';

/** A portal plugin whose updateProgress answers what `state.progress` says, and whose look-up always answers. */
function testPortalPlugin(state: { progress: ProgressAnswer }) {
  const calls = { progress: 0, lookup: 0 };
  const plugin = definePlugin({
    id: 'test-portal',
    capability: 'portal',
    configSchema: v.object({}),
    operations: {
      syncDossier: { run: async () => ({ code: '0' }) },
      updateProgress: {
        async run(input) {
          calls.progress += 1;
          if (state.progress === 'notKnownYet') {
            throw new RetryableError(`the portal does not know dossier ${input.dossierCode} yet`, { code: 'DOSSIER_UNKNOWN', providerFault: false });
          }
          if (state.progress === 'outage') throw new RetryableError('the portal answered HTTP 503', { code: 'HTTP_503' });
          return { code: '0' };
        },
      },
      lookupDossier: {
        async run(input) {
          calls.lookup += 1;
          return { found: true, dossierCode: input.dossierCode, status: 2 };
        },
      },
      listProcedures: { run: async () => ({ procedures: [] }) },
    },
  });
  return { plugin, calls };
}

interface LogLine {
  level: number;
  msg: string;
  instance?: string;
}

let gateway: MetricsGateway;
afterEach(async () => {
  await gateway.dispose();
});

async function open(progress: ProgressAnswer) {
  const state = { progress };
  const portal = testPortalPlugin(state);
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  gateway = await openMetricsGateway({
    plugins: [portal.plugin],
    log: pino({ level: 'info' }, sink),
    instances: [
      ...DEFAULT_INSTANCES,
      { id: PORTAL, plugin: 'test-portal', agencies: ['*'], delivery: { breakerThreshold: 3, breakerCooldownMs: COOLDOWN_MS } },
    ],
  });
  const circuitLines = () => lines.filter((line) => line.msg.startsWith(`circuit of instance ${PORTAL}`));
  return { state, calls: portal.calls, circuitLines };
}

/** Queues progress entries of `count` dossiers of agency A through the API. */
async function queueProgress(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const response = await gateway.request('/v1/portal/updateProgress', {
      body: {
        agency: AGENCY_A,
        dossierCode: `000.00.01.H22-260301-000${i}`,
        entries: [{ handler: 'Nguyen Van A', handledAt: '2026-03-01T08:00:00+07:00', content: 'Tiep nhan ho so', status: 2 }],
      },
    });
    expect(response.status).toBe(202);
  }
}

const lookup = (agency: string) => gateway.request('/v1/portal/lookupDossier', { body: { agency, dossierCode: '000.00.02.H22-260301-0009' } });

const transitions = async (to: string) => valueOf(await gateway.scrape(), 'lienthong_circuit_transitions_total', { plugin_instance: PORTAL, to });

describe('a retryable answer that is not the provider fault', () => {
  it('keeps the circuit closed: queued progress waits for its dossier, and sync calls of other agencies go through', async () => {
    const { calls, circuitLines } = await open('notKnownYet');
    const worker = gateway.worker();
    await queueProgress(5);
    expect(await worker.deliverDue({ wait: true })).toBe(5);
    // Each is tried again, more than the threshold's worth in all.
    gateway.clock.t += 60_000;
    expect(await worker.deliverDue({ wait: true })).toBe(5);
    expect(calls.progress).toBe(10);

    expect(gateway.context.instances.get(PORTAL)?.breaker.state(gateway.clock.t)).toBe('closed');
    const answered = await lookup(AGENCY_B);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ found: true });
    expect(calls.lookup).toBe(1);
    // The messages wait to be tried again: nothing died.
    const statuses = (await gateway.messages()).filter((message) => message.capability === 'portal').map((message) => message.status);
    expect(statuses).toEqual(['queued', 'queued', 'queued', 'queued', 'queued']);
    expect(await transitions('open')).toBe(0);
    expect(circuitLines()).toEqual([]);
  });

  it('does not fail a half-open probe: the next message probes at once, without another cooldown', async () => {
    const { state, calls } = await open('outage');
    const worker = gateway.worker();
    await queueProgress(5);
    await worker.deliverDue({ wait: true });
    expect(gateway.context.instances.get(PORTAL)?.breaker.state(gateway.clock.t)).toBe('open');

    gateway.clock.t += COOLDOWN_MS;
    state.progress = 'notKnownYet';
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    // Undecided: still half-open, and the probe slot is free again at the same instant.
    expect(gateway.context.instances.get(PORTAL)?.breaker.state(gateway.clock.t)).toBe('half-open');
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    state.progress = 'taken';
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    expect(gateway.context.instances.get(PORTAL)?.breaker.state(gateway.clock.t)).toBe('closed');
    expect(calls.progress).toBe(8);
    expect((await lookup(AGENCY_B)).status).toBe(200);
  });
});

describe('a retryable failure of the provider', () => {
  it('opens the circuit, logs and counts each change once, and a successful probe closes it', async () => {
    const { state, calls, circuitLines } = await open('outage');
    const worker = gateway.worker();
    await queueProgress(5);
    expect(await worker.deliverDue({ wait: true })).toBe(5);

    const refused = await expectProblem(await lookup(AGENCY_B), 503, 'circuit-open');
    expect(refused.detail).toBe(`the circuit of instance ${PORTAL} is open`);
    expect(calls.lookup).toBe(0);
    expect(await transitions('open')).toBe(1);
    expect(await transitions('half_open')).toBe(0);
    expect(circuitLines()).toEqual([
      expect.objectContaining({
        level: 40,
        instance: PORTAL,
        msg: `circuit of instance ${PORTAL} opened after 3 consecutive provider failures; attempts wait and sync calls answer 503 until a probe succeeds, the next in 30 s: check the provider's health, or pause the instance`,
      }),
    ]);

    gateway.clock.t += COOLDOWN_MS;
    state.progress = 'taken';
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    expect((await lookup(AGENCY_B)).status).toBe(200);
    expect(await transitions('half_open')).toBe(1);
    expect(await transitions('closed')).toBe(1);
    expect(await transitions('open')).toBe(1);
    expect(circuitLines().map((line) => line.msg)).toEqual([
      expect.stringContaining('opened after 3 consecutive provider failures'),
      `circuit of instance ${PORTAL} half-open: one probe attempt goes to the provider; its success closes the circuit, its failure opens it for another 30 s`,
      `circuit of instance ${PORTAL} closed: an attempt succeeded; attempts and sync calls go on as usual`,
    ]);
  });
});
