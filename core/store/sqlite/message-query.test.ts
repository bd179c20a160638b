import { describe, expect, it } from 'vitest';
import type { MessageFilter, MessageRecord } from '../types.ts';
import { openConnection } from './connection.ts';
import { best, listMessageSeqs } from './message-query.ts';
import { T0, useStore } from './store-fixture.test-helper.ts';

const ctx = useStore();
const AGENCIES = ['000.00.01.H22', '000.00.02.H22', '000.00.03.H22'];

/** What a filter means, written without SQL: the list must say the same, page after page. */
function matches(message: MessageRecord, filter: MessageFilter): boolean {
  const scope = filter.agencies && !filter.agencies.includes('*') ? filter.agencies : undefined;
  const startsWith = (value: string | null, q: string) => value !== null && value.startsWith(q);
  return (
    (!filter.status || message.status === filter.status) &&
    (!filter.capability || message.capability === filter.capability) &&
    (!filter.instance || message.instance === filter.instance) &&
    (!filter.agency || message.agency === filter.agency) &&
    (!scope || scope.includes(message.agency)) &&
    (filter.since === undefined || message.createdAt >= filter.since) &&
    (filter.until === undefined || message.createdAt < filter.until) &&
    (!filter.q ||
      message.id === filter.q ||
      startsWith(message.dossierCode, filter.q) ||
      startsWith(message.reference, filter.q) ||
      (message.lastError ?? '').toLowerCase().includes(filter.q.toLowerCase()))
  );
}

async function pages(filter: MessageFilter, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await ctx.db.store.listMessages(filter, { limit, ...(cursor ? { cursor } : {}) });
    seen.push(...result.messages.map((message) => message.id));
    if (!result.nextCursor) return seen;
    expect(result.messages).toHaveLength(limit);
    cursor = result.nextCursor;
  }
  throw new Error('more than 100 pages');
}

describe('listMessages at scale: keyset paging with each filter', () => {
  it('pages through every filter combination the console offers, newest first, each message once', async () => {
    // 60 messages over two instances and three agencies, several created in the same millisecond, portal ones
    // naming dossiers, a few SMS with a reference that is not theirs alone.
    const created = Array.from({ length: 60 }, (_, i) => {
      const portal = i % 3 === 0;
      const dossier = `000.00.0${(i % 3) + 1}.H22-2611${String(20 + (i % 4)).padStart(2, '0')}-${String(i).padStart(4, '0')}`;
      return ctx.message({
        createdAt: T0 + Math.floor(i / 4) * 1_000,
        agency: AGENCIES[i % 3] as string,
        ...(portal
          ? { capability: 'portal', operation: 'updateProgress', instance: 'portal-hue', plugin: 'national-portal', reference: dossier, dossierCode: dossier }
          : { reference: i % 5 === 0 ? `SMS-${i}` : dossier, dossierCode: i % 5 === 0 ? undefined : dossier }),
      });
    });
    await ctx.accepted(...created);
    for (const [i, message] of created.entries()) {
      if (i % 7 === 0) await ctx.settle(message.id, 'dead', T0 + 100_000, i % 2 === 0 ? 'subscriber 0981234567 is BLOCKED' : 'HTTP 503 from provider');
      else if (i % 4 === 1) await ctx.settle(message.id, 'succeeded', T0 + 100_000);
      else if (i % 9 === 2) await ctx.settle(message.id, 'retry', T0 + 100_000, 'timed out after 10000 ms');
    }
    const all = await Promise.all(created.map(async (message) => (await ctx.db.store.getMessage(message.id)) as MessageRecord));
    const newestFirst = [...all].sort((a, b) => b.createdAt - a.createdAt || b.sequence - a.sequence);

    const filters: MessageFilter[] = [
      {},
      { status: 'dead' },
      { status: 'queued' },
      { status: 'succeeded' },
      { instance: 'portal-hue' },
      { instance: 'sms-hue', status: 'queued' },
      { capability: 'portal', status: 'dead' },
      { agency: AGENCIES[1] as string },
      { agency: AGENCIES[2] as string, status: 'succeeded', instance: 'sms-hue' },
      { since: T0 + 3_000, until: T0 + 9_000 },
      { status: 'queued', since: T0 + 5_000 },
      { until: T0 + 2_000, instance: 'sms-hue' },
      { agencies: [AGENCIES[0] as string] },
      { agencies: [AGENCIES[0] as string, AGENCIES[2] as string], status: 'queued' },
      { agencies: ['*'], capability: 'sms' },
      { agencies: [AGENCIES[0] as string], agency: AGENCIES[1] as string },
      { q: 'blocked' },
      { q: 'HTTP 503', instance: 'sms-hue' },
      { q: '000.00.02.H22-261121' },
      { q: '000.00.0' },
      { q: 'SMS-1' },
      { q: created[17]?.id as string },
      { q: 'nothing like this' },
      { q: 'timed out', status: 'succeeded' },
      { q: '000.00.01', agencies: [AGENCIES[0] as string], since: T0 + 4_000 },
      { capability: 'ecard' },
      { instance: 'nowhere' },
    ];
    const reader = await openConnection(ctx.db.file);
    try {
      for (const filter of filters) {
        const expected = newestFirst.filter((message) => matches(message, filter)).map((message) => message.id);
        for (const limit of [1, 4, 50]) expect(await pages(filter, limit), `${JSON.stringify(filter)} by ${limit}`).toEqual(expected);
        // A prefix too broad to collect its candidates is searched in list order: the same answer.
        const seqs = await listMessageSeqs(reader, filter, 100, undefined, 1);
        expect(seqs.map((seq) => all.find((message) => message.sequence === seq)?.id), JSON.stringify(filter)).toEqual(expected);
      }
    } finally {
      await reader.close();
    }
    // A sample of them matched something, so the comparison proves something.
    expect(newestFirst.filter((message) => matches(message, { q: 'blocked' }))).not.toHaveLength(0);
    expect(newestFirst.filter((message) => matches(message, { q: '000.00.02.H22-261121' })).length).toBeGreaterThan(1);
  });

  it('answers an empty page for a cursor that names no message', async () => {
    await ctx.accepted(ctx.message());
    expect(await ctx.db.store.listMessages({}, { limit: 10, cursor: '999999' })).toEqual({ messages: [] });
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
