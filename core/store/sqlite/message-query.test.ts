import { describe, expect, it } from 'vitest';
import { matches, seedMessageList } from '../contract/message-list-cases.test-helper.ts';
import { openConnection } from './connection.ts';
import { best, listMessageSeqs } from './message-query.ts';
import { useStore } from './store-fixture.test-helper.ts';

const ctx = useStore();

/** Paging with each filter is a contract test (core/store/contract/message-list.contract.test.ts); these are SQLite's index choices. */
describe('a prefix too broad to collect its candidates', () => {
  it('is searched in list order: the same answer', async () => {
    const { all, newestFirst, filters } = await seedMessageList({ ...ctx, get store() { return ctx.db.store; } });
    const reader = await openConnection(ctx.db.file);
    try {
      for (const filter of filters) {
        const expected = newestFirst.filter((message) => matches(message, filter)).map((message) => message.id);
        const seqs = await listMessageSeqs(reader, filter, 100, undefined, 1);
        expect(seqs.map((seq) => all.find((message) => message.sequence === seq)?.id), JSON.stringify(filter)).toEqual(expected);
      }
    } finally {
      await reader.close();
    }
  });
});

describe('choosing the index', () => {
  const plans = [
    { index: 'messages_created', rows: 1_000_000, ordered: true },
    { index: 'messages_status', rows: 900_000, ordered: true },
    { index: 'messages_instance', rows: 300_000, ordered: true },
  ];

  it('reads in list order where matches are dense, in the smallest range where they are rare', () => {
    // 250,000 succeeded messages of the instance: any order finds 50 of them soon; the instance's range the soonest.
    expect(best(plans, 50, 250_000).index).toBe('messages_instance');
    // Two dead ones among a million: only the smallest range is worth reading.
    expect(best([...plans, { index: 'messages_status', rows: 30_000, ordered: true }], 50, 2).index).toBe('messages_status');
  });

  it('sorts a few agencies of a scope rather than reading the whole list for them', () => {
    const scope = { index: 'messages_agency', rows: 2_000, ordered: false };
    expect(best([plans[0] as (typeof plans)[0], scope], 50, 2_000).index).toBe('messages_agency');
    expect(best([plans[0] as (typeof plans)[0], { ...scope, rows: 600_000 }], 50, 600_000).index).toBe('messages_created');
  });
});
