import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { openConnection } from '../store/sqlite/connection.ts';
import { useFixtures } from './worker-fixture.test-helper.ts';
import { DeliveryWorker } from './worker.ts';

/** An upper bound for what the store's own probe does by itself (every 20 ms here), not a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

const setup = useFixtures();

/** Log lines as the worker writes them: level and message. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { log, messages: () => lines.filter((line) => line.level >= 30).map((line) => line.msg) };
}

describe('the worker while the store cannot write', () => {
  it('logs once when the store stops writing and once when it writes again, claims nothing between, then delivers', async () => {
    const f = await setup({ store: { busyTimeoutMs: 30, probeIntervalMs: 20 } });
    const { log, messages } = capturedLog();
    const claims = vi.spyOn(f.db.store, 'claimDue');
    // Polls every 5 ms: a worker that logged per poll, or kept claiming, would show it many times over below.
    const worker = new DeliveryWorker({ store: f.db.store, instances: f.instances, log, clock: { now: f.now }, services: f.services, pollIntervalMs: 5, storeRecheckMs: 60_000 });
    const before = await f.send('before the outage');
    worker.start();
    try {
      await vi.waitFor(async () => expect((await f.row(before.id)).status).toBe('succeeded'), WAIT);

      // Another process takes the store's write lock and stalls.
      const stalled = await openConnection(f.db.file);
      await stalled.exec('BEGIN IMMEDIATE');
      await vi.waitFor(() => expect(messages().filter((msg) => msg.startsWith('store unavailable'))).toHaveLength(1), WAIT);
      const claimsWhenDown = claims.mock.calls.length;
      // Several of the store's probes fail meanwhile (each waits out the busy timeout).
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(claims.mock.calls.length).toBe(claimsWhenDown);

      await stalled.exec('ROLLBACK');
      await stalled.close();
      await vi.waitFor(() => expect(messages()).toContain('store writable again; deliveries resume'), WAIT);
      const after = await f.send('after the outage');
      await vi.waitFor(async () => expect((await f.row(after.id)).status).toBe('succeeded'), WAIT);

      const outageLines = messages().filter((msg) => /store (unavailable|writable)|delivery pass failed/.test(msg));
      expect(outageLines).toHaveLength(2);
      expect(outageLines[0]).toContain(`store unavailable: another process has held the write lock of ${f.db.file} for over 0.03 s`);
      expect(outageLines[0]).toMatch(/; deliveries wait until it can write$/);
    } finally {
      await worker.stop();
    }
  });
});
