import { describe, expect, it } from 'vitest';
import { BacklogStatistics } from './backlog-statistics.ts';
import type { Queries } from './connection.ts';

/** Queries that answer the queued count given and record what they ran. */
function fakeDatabase() {
  const state = { queued: 0, ran: [] as string[] };
  const db: Queries = {
    all: async () => [],
    get: async <Row>() => ({ queued: state.queued }) as Row,
    run: async (sql: string) => {
      state.ran.push(sql);
      return { changes: 0 };
    },
  };
  return { db, state };
}

describe('the planner statistics of a growing PostgreSQL backlog', () => {
  it('are refreshed from 10,000 queued messages, then each time the backlog has doubled, never while it drains', async () => {
    const { db, state } = fakeDatabase();
    const statistics = new BacklogStatistics(db);
    const analyzedAt = async (queued: number) => {
      state.queued = queued;
      return statistics.refresh();
    };
    expect(await analyzedAt(9_999)).toBe(false);
    expect(await analyzedAt(10_000)).toBe(true);
    expect(await analyzedAt(19_999)).toBe(false);
    expect(await analyzedAt(20_000)).toBe(true);
    expect(await analyzedAt(5_000)).toBe(false);
    expect(await analyzedAt(39_999)).toBe(false);
    expect(await analyzedAt(40_000)).toBe(true);
    expect(state.ran).toEqual(['ANALYZE messages', 'ANALYZE messages', 'ANALYZE messages']);
  });
});
