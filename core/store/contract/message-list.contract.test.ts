import { describe, expect, it } from 'vitest';
import type { MessageFilter } from '../types.ts';
import { matches, seedMessageList } from './message-list-cases.test-helper.ts';
import { forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  async function pages(filter: MessageFilter, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const result = await ctx.store.listMessages(filter, { limit, ...(cursor ? { cursor } : {}) });
      seen.push(...result.messages.map((message) => message.id));
      if (!result.nextCursor) return seen;
      expect(result.messages).toHaveLength(limit);
      cursor = result.nextCursor;
    }
    throw new Error('more than 100 pages');
  }

  describe('listMessages at scale: keyset paging with each filter', () => {
    it('pages through every filter combination the console offers, newest first, each message once', async () => {
      const { newestFirst, filters } = await seedMessageList(ctx);
      for (const filter of filters) {
        const expected = newestFirst.filter((message) => matches(message, filter)).map((message) => message.id);
        for (const limit of [1, 4, 50]) expect(await pages(filter, limit), `${JSON.stringify(filter)} by ${limit}`).toEqual(expected);
      }
      // A sample of them matched something, so the comparison proves something.
      expect(newestFirst.filter((message) => matches(message, { q: 'blocked' }))).not.toHaveLength(0);
      expect(newestFirst.filter((message) => matches(message, { q: '000.00.02.H22-261121' })).length).toBeGreaterThan(1);
    });

    it('answers an empty page for a cursor that names no message', async () => {
      await ctx.accepted(ctx.message());
      expect(await ctx.store.listMessages({}, { limit: 10, cursor: '999999' })).toEqual({ messages: [] });
    });
  });
});
