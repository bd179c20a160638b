/**
 * `lienthong replay --status dead` over more dead messages than one batch: every one is queued again exactly once,
 * each with its audit entry, in several short transactions; and its progress, meant for a terminal, never shows in
 * a pipe (stderr here is not a TTY: it says only which store).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAY_BATCH } from '../core/cli/replay.ts';
import { openConnection } from '../core/store/sqlite/connection.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const DEAD = REPLAY_BATCH * 2 + 37;
let dir: string;
let db: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-replay-batches-'));
  db = join(dir, 'lienthong.db');
  await (await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY })).close();
  const connection = await openConnection(db);
  await connection.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${DEAD})
    INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, status, attempts, max_attempts, last_error, created_at, updated_at, expires_at)
    SELECT printf('msg_dead_%05d', i), 'sms', 'send', '000.00.01.H22', 'sms-hue', 'sms-viettel', '{"to":"84981234567","text":"Ho so"}', 'dead', 8, 8,
           'provider answered 503', 1764000000000 + i, 1764000000000 + i, 1764086400000 + i FROM n`);
  await connection.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('replay of many dead messages', () => {
  it('queues each again once, in batches, with no progress line outside a terminal', async () => {
    const result = await runCliInProcess(['replay', '--status', 'dead', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(result).toMatchObject({ code: 0, stdout: `queued ${DEAD} message(s) again\n`, stderr: `store: ${db}\n` });
    const connection = await openConnection(db);
    try {
      expect(await connection.all('SELECT status, replays, COUNT(*) AS n FROM messages GROUP BY status, replays')).toEqual([{ status: 'queued', replays: 1, n: DEAD }]);
      expect(await connection.get("SELECT COUNT(DISTINCT message_id) AS n FROM audit_log WHERE action = 'message.replayed'")).toEqual({ n: DEAD });
    } finally {
      await connection.close();
    }
    const verified = await runCliInProcess(['audit', 'verify', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^audit log intact: ${DEAD} entries`)) });
  });
});
