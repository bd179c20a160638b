/**
 * Whole-gateway: the sandbox with the national-portal plugin runs as a real child process and delivers, for 200
 * dossiers, an add and 5 progress entries each, through a simulator that fails 30% of requests transiently and,
 * midway, forgets every session. Each dossier's messages are submitted in order (one after the other's 202),
 * different dossiers at once in shuffled order. The simulator must end with every dossier added once and its
 * progress complete and in order, having answered exactly two logins (the first, and one after the expiry) and
 * fewer progress calls than progress messages (entries of different dossiers went together).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import type { DossierHistory } from '../plugins/national-portal/simulator/portal.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_national_portal_0001';
const OPERATOR_KEY = 'lt_test_operator_national_portal_0001';
const AGENCY = '000.00.01.H22';
const INSTANCE = 'national-portal';
const DOSSIERS = 200;
const STEPS = 5;
/** POSTs in flight at once while submitting. */
const SUBMITTERS = 24;

let dir: string;
let gateway: ChildSandbox;
let simulator: string;
let simulatorControls: SimulatorClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-portal-'));
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    // Short backoff so the rehearsal takes seconds; 30 attempts make a death by 30% faults unlikely (0.3^30).
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 10_000, maxAttempts: 30, breakerThreshold: 100_000, concurrency: 16 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  });
  const url = gateway.simulators[INSTANCE];
  if (!url) throw new Error(`the sandbox runs no national-portal simulator: ${JSON.stringify(gateway.simulators)}`);
  simulator = url;
  simulatorControls = simulatorClient(url);
});

afterAll(async () => {
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function histories(): Promise<DossierHistory[]> {
  const entries = await simulatorControls.received<Partial<DossierHistory>>();
  return entries.filter((entry): entry is DossierHistory => Array.isArray(entry.progress));
}

interface PortalStats {
  logins: number;
  calls: Record<string, number>;
}

async function stats(): Promise<PortalStats> {
  return (await (await fetch(`${simulator}/__stats`)).json()) as PortalStats;
}

async function post(operation: string, body: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${gateway.url}/v1/portal/${operation}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
  if (answer.status !== 202) throw new Error(`POST /v1/portal/${operation} answered ${answer.status}: ${await answer.text()}`);
}

const codeOf = (n: number) => `${AGENCY}-261121-${String(n).padStart(4, '0')}`;

/** Dossier n's messages: its add, then its progress entries, in order. */
function messagesOf(n: number): Array<[string, Record<string, unknown>]> {
  const code = codeOf(n);
  const add: [string, Record<string, unknown>] = [
    'syncDossier',
    {
      dossier: {
        code,
        procedureCode: '1.001612',
        procedureName: 'Đăng ký thành lập hộ kinh doanh',
        applicant: { name: `Công dân ${n}`, type: 'citizen', phone: '0981234567' },
        // Near midnight UTC: the portal date is the next day.
        receivedAt: '2026-11-21T23:59:30Z',
        status: 2,
      },
    },
  ];
  const steps = Array.from({ length: STEPS }, (_, step): [string, Record<string, unknown>] => [
    'updateProgress',
    {
      dossierCode: code,
      entries: [{ handler: 'Cán bộ một cửa', handledAt: `2026-11-22T0${step}:00:00+07:00`, content: `Bước ${step + 1}`, status: step === STEPS - 1 ? 9 : 4 }],
    },
  ]);
  return [add, ...steps];
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Submits every dossier's messages in order; dossiers interleave: each lane takes a random dossier with messages
 * left and submits its next message, so one dossier's messages never overlap and the dossiers mix.
 */
async function submitAll(): Promise<void> {
  const queues = shuffled(Array.from({ length: DOSSIERS }, (_, n) => ({ n, left: messagesOf(n), busy: false })));
  const lane = async () => {
    for (;;) {
      const open = queues.filter((queue) => !queue.busy && queue.left.length > 0);
      if (open.length === 0) {
        if (queues.every((queue) => queue.left.length === 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      const queue = open[Math.floor(Math.random() * open.length)] as (typeof queues)[number];
      queue.busy = true;
      const [operation, body] = queue.left.shift() as [string, Record<string, unknown>];
      try {
        await post(operation, body);
      } finally {
        queue.busy = false;
      }
    }
  };
  await Promise.all(Array.from({ length: SUBMITTERS }, lane));
}

interface Queue {
  queued: number;
  processing: number;
  dead: number;
  succeeded: number;
}

async function portalQueue(): Promise<Queue> {
  const answer = await fetch(`${gateway.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  expect(answer.status).toBe(200);
  const { instances } = (await answer.json()) as { instances: Array<{ id: string; queue: Queue }> };
  const found = instances.find((instance) => instance.id === INSTANCE);
  if (!found) throw new Error(`no instance ${INSTANCE}`);
  return found.queue;
}

/** Waits until `done` says yes; fails with what it last saw after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting: ${JSON.stringify(value)}\n${gateway.stderr().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('national-portal through the whole gateway', () => {
  it('delivers 200 dossiers with 5 progress entries each, complete and in order, through faults and a session expiry', async () => {
    await simulatorControls.control({ failRate: 0.3, failMode: 'transient', latencyMs: 0 });
    const submitted = submitAll();
    const total = DOSSIERS * (STEPS + 1);

    // Midway through the progress entries, the portal forgets every session.
    const progressCount = (found: DossierHistory[]) => found.reduce((sum, history) => sum + history.progress.length, 0);
    await until(histories, (found) => progressCount(found) >= (DOSSIERS * STEPS) / 3, 45_000);
    const expired = await simulatorControls.control({ expireSessions: true });
    expect(expired.expiredSessions).toBeGreaterThanOrEqual(1);
    // Work was left after the expiry, so the rest could only arrive with a new session.
    expect(progressCount(await histories())).toBeLessThan(DOSSIERS * STEPS);

    await submitted;
    const queue = await until(portalQueue, (seen) => seen.dead > 0 || (seen.succeeded >= total && seen.queued + seen.processing === 0), 50_000);
    expect(queue).toEqual({ queued: 0, processing: 0, dead: 0, succeeded: total });

    const found = await histories();
    expect(found).toHaveLength(DOSSIERS);
    const byCode = new Map(found.map((history) => [history.MaHoSo, history]));
    for (let n = 0; n < DOSSIERS; n++) {
      const history = byCode.get(codeOf(n));
      expect(history, `dossier ${n} reached the portal`).toMatchObject({ madonvi: AGENCY, adds: 1, dossier: { NgayTiepNhan: '20261122065930', TrangThaiHoSo: 2 } });
      expect(history?.progress.map((entry) => entry.NoiDungXuLy), `dossier ${n}'s progress`).toEqual(['Bước 1', 'Bước 2', 'Bước 3', 'Bước 4', 'Bước 5']);
    }
    // Faults are played before the portal answers, so only logins that made a session are counted: never two at once.
    const { logins, calls } = await stats();
    expect(logins).toBe(2);
    expect(calls.CapNhatTienDoHoSoMC).toBeLessThan(DOSSIERS * STEPS);
  });
  it("delivers progress sent before its dossier's add, after the add, in the order it happened", async () => {
    await simulatorControls.control({ failRate: 0, latencyMs: 0 });
    const n = DOSSIERS + 1;
    const [add, ...steps] = messagesOf(n);
    if (!add) throw new Error('no add');
    for (const [operation, body] of steps) await post(operation, body);
    await post(...add);
    const history = await until(
      async () => (await histories()).find((found) => found.MaHoSo === codeOf(n)),
      (found) => (found?.progress.length ?? 0) >= STEPS,
      20_000,
    );
    expect(history).toMatchObject({ adds: 1 });
    expect(history?.progress.map((entry) => entry.NoiDungXuLy)).toEqual(['Bước 1', 'Bước 2', 'Bước 3', 'Bước 4', 'Bước 5']);
  });
});
