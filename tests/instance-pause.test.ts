/**
 * Whole-gateway: a provider announced maintenance, and an operator pauses its instance. `lienthong serve` and the
 * Viettel SMS simulator (`lienthong simulate`) run as real child processes; the pause and the resume come from the
 * CLI, writing to the store while the gateway runs, and then from the admin API. While paused an SMS waits with no
 * attempt (the simulator received nothing), across a restart of the gateway; once resumed it is delivered.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxClient, sandboxClient, simulatorClient } from '../core/sdk/testing.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import type { ReceivedSms } from '../plugins/sms-viettel/simulator/service.ts';
import { type ChildEnv, type ServeChild, killChildren, startServeCommand, startSimulateCommand } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const AGENCY = '000.00.01.H22';
const INSTANCE = 'sms-viettel-sim';
/** `serve`'s worker polls every 250 ms: this many polls pass while the test watches a paused message not move. */
const WATCH_MS = 1_500;

let dir: string;
let db: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-pause-'));
  db = join(dir, 'lienthong.db');
  env = { LIENTHONG_DB: db, LIENTHONG_DATABASE_URL: undefined };
});
afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** `lienthong serve` on a free port of 127.0.0.1, logging at info; resolves once it listens. */
const startServe = (config: string) => startServeCommand(['--config', config, '--port', '0', '--host', '127.0.0.1', '--db', db], env);

/** Resolves once `serve` has logged a line containing `text`. */
async function logged(serve: ServeChild, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!serve.stdout().includes(text)) {
    if (Date.now() > deadline) throw new Error(`serve did not log "${text}":\n${serve.stdout()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function key(role: 'client' | 'operator'): Promise<string> {
  const created = await runCliInProcess(['keys', 'create', '--role', role, '--all-agencies', '--json'], env);
  expect(created.code, created.stderr).toBe(0);
  return (JSON.parse(created.stdout) as { key: string }).key;
}

async function cli(...args: string[]) {
  const result = await runCliInProcess(args, env);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

describe('pausing the SMS instance of a running gateway', () => {
  it('holds an SMS with no attempt through a restart, via the CLI; resumed, it is delivered; the admin API does the same', async () => {
    const out = join(dir, 'sms-viettel.json');
    const simulator = await startSimulateCommand(['sms-viettel', '--port', '0', '--instance-out', out], env);
    const received = () => simulatorClient(simulator.url).received<ReceivedSms>();
    const config = join(dir, 'gateway.json');
    const entry = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }], instances: [{ id: INSTANCE, ...entry }] }));
    await (await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY })).close();
    const keys = { client: await key('client'), operator: await key('operator') };
    const client = (serve: ServeChild): SandboxClient => sandboxClient({ url: serve.url, simulators: {}, keys });
    const sms = (gateway: SandboxClient, text: string) => gateway.call('sms', 'send', { agency: AGENCY, to: '0981234567', text });

    // Paused by the CLI while the gateway runs: the gateway's worker reads it from the store at its next poll.
    let serve = await startServe(config);
    expect(await cli('instances', 'pause', INSTANCE, '--reason', 'Viettel maintenance until 23:00', '--config', config)).toContain(`paused ${INSTANCE}`);
    await logged(serve, `instance ${INSTANCE} paused by cli (Viettel maintenance until 23:00)`);
    let gateway = client(serve);
    const accepted = await sms(gateway, 'Ho so HS-0001 da co ket qua');
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await sleep(WATCH_MS);
    expect(await gateway.message(id)).toMatchObject({ status: 'queued', attempts: 0, totalAttempts: 0, waitingFor: 'paused' });
    expect(await received()).toEqual([]);
    const listed = await gateway.admin<{ instances: Array<{ id: string; paused: unknown }> }>('/admin/v1/instances');
    expect(listed.instances).toEqual([expect.objectContaining({ id: INSTANCE, paused: { at: expect.any(String), by: 'cli', reason: 'Viettel maintenance until 23:00' } })]);

    // A restart keeps the pause: the new process is paused before its first request.
    await serve.stop();
    serve = await startServe(config);
    await logged(serve, `instance ${INSTANCE} paused by cli`);
    gateway = client(serve);
    expect(await gateway.message(id)).toMatchObject({ status: 'queued', attempts: 0, waitingFor: 'paused' });
    await sleep(WATCH_MS);
    expect(await gateway.message(id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await received()).toEqual([]);

    expect(await cli('instances', 'resume', INSTANCE)).toContain(`resumed ${INSTANCE}`);
    expect(await gateway.waitFor(id, 'succeeded')).toMatchObject({ attempts: 1, totalAttempts: 1, waitingFor: null });
    expect(await received()).toEqual([expect.objectContaining({ receiverId: '84981234567', content: 'Ho so HS-0001 da co ket qua', deliveries: 1 })]);

    // The same through the admin API: the pause stops the worker at once, the resume wakes it at once.
    const operator = { authorization: `Bearer ${keys.operator}`, 'content-type': 'application/json' };
    const paused = await fetch(`${serve.url}/admin/v1/instances/${INSTANCE}/pause`, { method: 'POST', headers: operator, body: JSON.stringify({ reason: 'bảo trì' }) });
    expect(paused.status).toBe(200);
    const second = (await (await sms(gateway, 'Ho so HS-0002 da co ket qua')).json()) as { id: string };
    await sleep(WATCH_MS);
    expect(await gateway.message(second.id)).toMatchObject({ status: 'queued', attempts: 0, waitingFor: 'paused' });
    expect(await received()).toHaveLength(1);
    expect((await fetch(`${serve.url}/admin/v1/instances/${INSTANCE}/resume`, { method: 'POST', headers: operator })).status).toBe(200);
    expect(await gateway.waitFor(second.id, 'succeeded')).toMatchObject({ attempts: 1 });

    const verified = await (await fetch(`${serve.url}/admin/v1/audit/verify`, { method: 'POST', headers: operator })).json();
    expect(verified).toMatchObject({ ok: true });
    await serve.stop();
    const trail = await runCliInProcess(['instances', 'list', '--config', config, '--json'], env);
    expect(JSON.parse(trail.stdout)).toEqual([{ id: INSTANCE, paused: null, queue: { queued: 0, processing: 0, dead: 0, succeeded: 2 } }]);
    const actions = await withAudit((entries) => entries.filter((entry) => entry.action.startsWith('instance.')).map((entry) => [entry.action, entry.actor.replace(/^key:.*/, 'key')]));
    expect(actions).toEqual([
      ['instance.paused', 'cli'],
      ['instance.resumed', 'cli'],
      ['instance.paused', 'key'],
      ['instance.resumed', 'key'],
    ]);
  });
});

async function withAudit<T>(work: (entries: Array<{ action: string; actor: string }>) => T): Promise<T> {
  const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
  try {
    return work(await store.listAudit({}, 1000));
  } finally {
    await store.close();
  }
}
