/**
 * Whole-gateway: another process takes the store's write lock and is stopped with SIGSTOP while it holds it (a CLI
 * verb or a VM frozen mid-write). The sandbox runs as a real child process. Its writes answer 503 with Retry-After
 * (never a 500 after 20 s), /readyz answers 503, the worker says so once; once the stalled process is gone, all of
 * it recovers by itself and every message accepted before is delivered.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildSandbox } from './support/child-sandbox.ts';
import { type LockHolder, accepted, allDelivered, holdWriteLock, outageLines, readyAgain, readyz, sendSms, startOutageGateway } from './support/store-outage.ts';

let dir: string;
let gateway: ChildSandbox | undefined;
let holder: LockHolder | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-stalled-writer-'));
});
afterAll(async () => {
  await holder?.kill();
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  await gateway?.exited;
  await rm(dir, { recursive: true, force: true });
});

describe('a process stopped (SIGSTOP) while it holds the store\'s write lock', () => {
  it('makes writes answer 503 with Retry-After and /readyz 503; all recovers once it is gone, nothing accepted lost', async () => {
    const db = join(dir, 'gateway.db');
    gateway = await startOutageGateway(db, { LIENTHONG_SQLITE_BUSY_TIMEOUT_MS: '1000' });
    const before = [await accepted(gateway, 1), await accepted(gateway, 2), await accepted(gateway, 3)];

    holder = await holdWriteLock(db);
    process.kill(holder.pid, 'SIGSTOP');

    const refused = await sendSms(gateway, 4);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({
      type: 'urn:lienthong:problem:store-unavailable',
      status: 503,
      detail: "the gateway's store cannot write (another process holds its write lock); nothing was stored: retry after 5 s",
    });
    const notReady = await readyz(gateway);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', detail: 'the store cannot write: another process holds its write lock' });

    await holder.kill();
    await readyAgain(gateway);
    const after = await accepted(gateway, 5);
    await allDelivered(gateway, [...before, after]);

    const lines = outageLines(gateway);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`store unavailable: another process has held the write lock of ${db} for over 1 s`);
    expect(lines[1]).toBe('store writable again; deliveries resume');
    expect(await gateway.stop()).toBe(0);
  });
});
