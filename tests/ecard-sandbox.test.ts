/**
 * Whole-gateway: the sandbox runs as a real child process with the ecard plugin pointed at its simulator (card
 * service and NGSP registry on one server). Look-up → documents → document, with the downloaded bytes' SHA-256
 * compared; the registry fallback; the tax code check at the edge; a corrupted document refused; the lockout; the
 * instance's health in the admin view, as the background checks find it.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatorClient } from '../core/sdk/testing.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_ecard_0001';
const OPERATOR_KEY = 'lt_test_operator_ecard_0001';
const AGENCY = '000.00.01.H22';

let dir: string;
let gateway: ChildSandbox;
let simulator: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-ecard-'));
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    // One background health check, at start: its calls must not land among those the tests below count.
    LIENTHONG_TEST_HEALTH: JSON.stringify({ intervalMs: 3_600_000 }),
  });
  const url = gateway.simulators.ecard;
  if (!url) throw new Error(`the sandbox runs no ecard simulator: ${JSON.stringify(gateway.simulators)}`);
  simulator = url;
  await healthAfter(gateway, (health) => health !== null && health.ok !== null);
});

afterAll(async () => {
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  expect((await fetch(`${simulator}/__control`, { method: 'POST', body: JSON.stringify({ failRate: 0, latencyMs: 0 }) })).status).toBe(200);
  expect((await fetch(`${simulator}/__received`, { method: 'DELETE' })).status).toBe(204);
});

function call(operation: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gateway.url}/v1/ecard/${operation}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
}

async function json<T>(answer: Response, status = 200): Promise<T> {
  const text = await answer.text();
  expect(answer.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const received = () => simulatorClient(simulator).received();

interface HealthView {
  ok: boolean | null;
  detail?: Record<string, unknown>;
}

/** The ecard instance's health in the admin view, once `done` says it is what the test waits for. */
async function healthAfter(target: ChildSandbox, done: (health: HealthView | null) => boolean): Promise<HealthView | null> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await fetch(`${target.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    const { instances } = await json<{ instances: Array<{ plugin: string; health: HealthView | null }> }>(answer);
    const health = instances.find((instance) => instance.plugin === 'ecard')?.health ?? null;
    if (done(health)) return health;
    if (Date.now() > deadline) throw new Error(`the ecard health is still ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface DocumentEntry {
  id: string;
  sha256: string;
  title: string;
}

describe('ecard through the whole gateway', () => {
  it('looks a business up, lists its documents and downloads each with the listed SHA-256', async () => {
    const profile = await json<Record<string, unknown>>(await call('lookup', { taxCode: '0100233488' }));
    expect(profile).toMatchObject({ source: 'ecard', taxCode: '0100233488', cardNumber: 'TTH-EC-000101', status: 'active', issueDate: '2024-03-15' });

    const { documents } = await json<{ documents: DocumentEntry[] }>(await call('documents', { cardNumber: profile.cardNumber }));
    expect(documents.length).toBeGreaterThanOrEqual(3);
    for (const entry of documents) {
      const answer = await call('document', { cardNumber: profile.cardNumber, documentId: entry.id });
      expect(answer.status).toBe(200);
      const bytes = new Uint8Array(await answer.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.sha256);
      expect(answer.headers.get('x-content-sha256')).toBe(entry.sha256);
      expect(answer.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${entry.id}\\.(pdf|xml)"$`));
    }
  });

  it('answers a tax code only the national registry knows from the registry, with source registry', async () => {
    const profile = await json<Record<string, unknown>>(await call('lookup', { taxCode: '0100109106' }));
    expect(profile).toMatchObject({ source: 'registry', taxCode: '0100109106', name: 'Công ty Cổ phần Vận tải Biển Đông Hà', status: 'active' });
    expect(profile.cardNumber).toBeUndefined();
    expect((await received()).map((entry) => `${String(entry.service)} ${String(entry.operation)}`)).toEqual(['card enterprise', 'registry token', 'registry lookup']);
  });

  it('refuses a tax code with a wrong check digit with 400 naming taxCode, before a provider is called', async () => {
    const answer = await call('lookup', { taxCode: '0100233480' });
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const problem = await json<{ errors: Array<{ path: string; message: string }> }>(answer, 400);
    expect(problem.errors).toEqual([{ path: 'taxCode', message: expect.stringContaining('check digit') }]);
    expect(await received()).toEqual([]);
  });

  it('answers not found (404) for a valid tax code neither service knows, and for a card the service does not know', async () => {
    const problem = await json<{ detail: string }>(await call('lookup', { taxCode: '3300777233' }), 404);
    expect(problem.detail).toContain('neither on an e-card nor in the national business registry');
    await json(await call('documents', { cardNumber: 'TTH-EC-999999' }), 404);
  });

  it('refuses a corrupted document with 502 and hands no bytes on', async () => {
    const corrupt = await fetch(`${simulator}/__corrupt`, { method: 'POST', body: JSON.stringify({ cardNumber: 'TTH-EC-000102', documentId: 'DKDN-0314409058-03' }) });
    expect(corrupt.status).toBe(200);
    try {
      const answer = await call('document', { cardNumber: 'TTH-EC-000102', documentId: 'DKDN-0314409058-03' });
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      const problem = await json<{ detail: string }>(answer, 502);
      expect(problem.detail).toContain('do not have the SHA-256');
    } finally {
      await fetch(`${simulator}/__corrupt`, { method: 'DELETE' });
    }
  });

  it('reports the lockout after repeated wrong PINs', async () => {
    const cardNumber = 'TTH-EC-000103';
    expect(await json(await call('verify', { cardNumber, pin: '482916' }))).toEqual({ verified: true, locked: false });
    expect(await json(await call('verify', { cardNumber, pin: '000000' }))).toEqual({ verified: false, locked: false, remainingAttempts: 2 });
    expect(await json(await call('verify', { cardNumber, pin: '000001' }))).toEqual({ verified: false, locked: false, remainingAttempts: 1 });
    expect(await json(await call('verify', { cardNumber, pin: '000002' }))).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    expect(await json(await call('verify', { cardNumber, pin: '482916' }))).toEqual({ verified: false, locked: true, remainingAttempts: 0 });
    expect(gateway.stderr()).not.toContain('482916');
  });
});

describe('the ecard instance in the admin view', () => {
  let watched: ChildSandbox;
  let watchedDir: string;

  beforeAll(async () => {
    watchedDir = await mkdtemp(join(tmpdir(), 'lienthong-ecard-health-'));
    watched = await startChildSandbox({
      LIENTHONG_DB: join(watchedDir, 'lienthong.db'),
      LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
      LIENTHONG_TEST_HEALTH: JSON.stringify({ intervalMs: 100 }),
    });
  });

  afterAll(async () => {
    await watched?.stop();
    await rm(watchedDir, { recursive: true, force: true });
  });

  it('shows the instance healthy, then which service fails under an injected outage, as the background checks find', async () => {
    const ecard = watched.simulators.ecard;
    expect(await healthAfter(watched, (health) => health?.ok === true)).toMatchObject({ ok: true, detail: { card: 'ok', registry: 'ok' } });
    expect((await fetch(`${ecard}/__control`, { method: 'POST', body: JSON.stringify({ failRate: 1, failMode: 'permanent' }) })).status).toBe(200);
    expect(await healthAfter(watched, (health) => health?.ok === false)).toMatchObject({
      ok: false,
      detail: { card: expect.stringContaining('may not do this'), registry: expect.stringContaining('HTTP 403') },
    });
  });
});
