/**
 * Whole-gateway: a 202 is sent only after the message is committed. Many short rounds, each on its own database:
 * the sandbox runs as a child process, a batch of SMS is sent at once, and the child is killed with SIGKILL the
 * moment enough 202s have come back, before the rest of the batch is answered. Every message answered 202, in any
 * round, must then be on disk with its acceptance entry, and the audit chain must verify. A gateway that answered
 * before its commit would lose some of them to the kill: the commits of a batch still in flight trail its answers.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../core/sdk/contract.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { startEchoSimulator } from './support/echo-sms/simulator.ts';

const CLIENT_KEY = 'lt_test_client_kill_after_ack_0001';
const AGENCY = '000.00.01.H22';
const ROUNDS = 8;
/** Sent at once in each round; the kill comes when KILL_AT of them are answered. */
const BATCH = 48;
const KILL_AT = 12;

let dir: string;
let echo: RunningSimulator;
const children: ChildSandbox[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-kill-ack-'));
  echo = await startEchoSimulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
});
afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGKILL');
  await Promise.all(children.map((child) => child.exited));
  await echo?.close();
  await rm(dir, { recursive: true, force: true });
});

function startGateway(db: string): Promise<ChildSandbox> {
  return startChildSandbox({
    LIENTHONG_DB: db,
    LIENTHONG_TEST_PLUGINS: 'echo-sms',
    LIENTHONG_TEST_ECHO_URL: echo.url,
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_test_operator_kill_after_ack_0001',
    LIENTHONG_AUDIT_KEY: '',
  }).then((child) => {
    children.push(child);
    return child;
  });
}

/**
 * Sends BATCH messages at once and kills the gateway, in the very callback that sees the KILL_AT-th 202, from its
 * headers (the id is in Location). Returns every id answered 202, those that came after the kill was sent included:
 * each was a promise.
 */
async function batchThenKill(gateway: ChildSandbox, round: number): Promise<string[]> {
  const acknowledged: string[] = [];
  const send = async (n: number) => {
    let answer: Response;
    try {
      answer = await fetch(`${gateway.url}/v1/sms/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so ${round}-${n} da duoc tiep nhan`, reference: `HS-${round}-${n}` }),
      });
    } catch {
      return; // The gateway died first: a request without an answer was never promised.
    }
    expect(answer.status).toBe(202);
    acknowledged.push((answer.headers.get('location') ?? '').replace('/v1/messages/', ''));
    if (acknowledged.length === KILL_AT) gateway.child.kill('SIGKILL');
    await answer.body?.cancel();
  };
  await Promise.all(Array.from({ length: BATCH }, (_, n) => send(n)));
  return acknowledged;
}

/** What the killed gateway left on disk: which of `ids` are stored, which have their acceptance entry, and the chain. */
async function onDisk(db: string, ids: string[]) {
  const auditKey = Buffer.from((await readFile(`${db}.audit-key`, 'utf8')).trim(), 'utf8');
  const store = await SqliteStore.open(db, { auditKey });
  try {
    const stored = [];
    const audited = [];
    for (const id of ids) {
      if (await store.getMessage(id)) stored.push(id);
      const entries = await store.listAudit({ messageId: id }, 10);
      if (entries.some((entry) => entry.action === 'message.accepted')) audited.push(id);
    }
    return { stored, audited, chain: await store.verifyAudit() };
  } finally {
    await store.close();
  }
}

describe('a gateway killed right after a batch of 202s', () => {
  it('has every acknowledged message on disk, with its acceptance entry, in every round', async () => {
    let killedEarly = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const db = join(dir, `round-${round}.db`);
      const gateway = await startGateway(db);
      const acknowledged = await batchThenKill(gateway, round);
      expect(await gateway.exited).toBe('SIGKILL');
      expect(acknowledged.length, `round ${round}`).toBeGreaterThanOrEqual(KILL_AT);
      if (acknowledged.length < BATCH) killedEarly += 1;

      const found = await onDisk(db, acknowledged);
      expect(found.stored, `round ${round}: acknowledged but not stored`).toEqual(acknowledged);
      expect(found.audited, `round ${round}: stored without its acceptance entry`).toEqual(acknowledged);
      expect(found.chain, `round ${round}`).toMatchObject({ ok: true });
    }
    // The kills did land mid-batch: requests were still unanswered when the gateway died.
    expect(killedEarly).toBeGreaterThan(0);
  });
});
