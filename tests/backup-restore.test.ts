/**
 * Whole-gateway: a backup taken under load holds every message acknowledged before it started. The sandbox runs as
 * a child process while clients keep sending SMS; every id answered 202 before `lienthong backup` is started (as its
 * own process, load going on meanwhile) is noted. The gateway is then stopped, the backup restored onto a new path
 * with `lienthong restore`, a new gateway started on it: it knows each noted message (and none acknowledged after
 * the backup ended: it is a copy of that moment), and `lienthong audit verify` passes on the restored store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { killChildren, runCli } from './support/run-cli.ts';

const CLIENT_KEY = 'lt_test_client_backup_restore_0001';
const AGENCY = '000.00.01.H22';
/** Clients sending at once, each one request after another. */
const SENDERS = 4;
/** Acknowledged messages before the backup starts, and after it ends, so the backup runs in the middle of the load. */
const BEFORE = 150;
const AFTER = 50;

let dir: string;
const gateways: ChildSandbox[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-backup-restore-'));
});
afterEach(async () => {
  for (const gateway of gateways.splice(0)) {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
  await killChildren();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = (db: string) => ({ LIENTHONG_DB: db, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, LIENTHONG_DATABASE_URL: undefined });

async function startGateway(db: string): Promise<ChildSandbox> {
  const gateway = await startChildSandbox({
    LIENTHONG_DB: db,
    LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT,
    LIENTHONG_TEST_PLUGINS: 'echo-sms',
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_test_operator_backup_restore_0001',
  });
  gateways.push(gateway);
  return gateway;
}

/** Clients sending SMS one after another until stopped; `acknowledged` grows with each id answered 202, in order. */
function load(gateway: ChildSandbox) {
  const acknowledged: string[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let stopping = false;
  const sender = async (client: number) => {
    for (let n = 0; !stopping; n++) {
      const answer = await fetch(`${gateway.url}/v1/sms/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so ${client}-${n} da duoc tiep nhan`, reference: `HS-${client}-${n}` }),
      });
      expect(answer.status).toBe(202);
      acknowledged.push(((await answer.json()) as { id: string }).id);
      for (const waiter of waiters.filter((w) => acknowledged.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const running = Promise.all(Array.from({ length: SENDERS }, (_, client) => sender(client)));
  return {
    acknowledged,
    /** Resolves once `count` messages in all have been acknowledged. */
    reached: (count: number) => new Promise<void>((resolve) => (acknowledged.length >= count ? resolve() : waiters.push({ count, resolve }))),
    async stop() {
      stopping = true;
      await running;
    },
  };
}

describe('a backup taken under load, restored into a new gateway', () => {
  it('holds every message acknowledged before the backup started, and its audit chain verifies', async () => {
    const original = join(dir, 'original.db');
    const backupFile = join(dir, 'backups', 'original-backup.db');
    const restored = join(dir, 'restored.db');

    const first = await startGateway(original);
    const traffic = load(first);
    await traffic.reached(BEFORE);
    const before = [...traffic.acknowledged];
    const backup = await runCli(['backup', '--to', backupFile, '--db', original], env(original));
    const duringBackup = traffic.acknowledged.length - before.length;
    await traffic.reached(traffic.acknowledged.length + AFTER);
    await traffic.stop();
    const afterBackup = traffic.acknowledged.slice(before.length + duringBackup);
    expect(backup.stderr).toBe(`store: ${original}\n`);
    expect(backup.stdout).toMatch(new RegExp(`^backed up ${original} to ${backupFile}: `));
    expect(backup.code).toBe(0);
    // The load went on while the backup ran: it held neither the gateway nor its clients back.
    expect(duringBackup).toBeGreaterThan(0);
    expect(await first.stop()).toBe(0);

    const restore = await runCli(['restore', '--from', backupFile, '--db', restored], env(restored));
    expect(restore.stdout).toMatch(new RegExp(`^restored ${restored} from ${backupFile}: schema version \\d+, \\d+ message\\(s\\), audit log intact`));
    expect(restore.code).toBe(0);

    const second = await startGateway(restored);
    const statuses = new Map<string, number>();
    const ids = [...before, ...afterBackup];
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(
        ids.slice(i, i + 25).map(async (id) => {
          const answer = await fetch(`${second.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
          statuses.set(id, answer.status);
          await answer.body?.cancel();
        }),
      );
    }
    expect(before.filter((id) => statuses.get(id) !== 200)).toEqual([]);
    // A copy of the store as it was when the backup ran, not as it is now: what came after is not in it.
    expect(afterBackup.filter((id) => statuses.get(id) !== 404)).toEqual([]);
    expect(await second.stop()).toBe(0);

    const verified = await runCli(['audit', 'verify', '--db', restored], env(restored));
    expect(verified.stdout).toMatch(/^audit log intact: \d+ entries/);
    expect(verified.code).toBe(0);
  });
});
