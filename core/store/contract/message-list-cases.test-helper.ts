/** Test support, not production: a message list with every state and filter the console offers, and what each filter means. */
import type { MessageFilter, MessageRecord, NewMessage, Store } from '../types.ts';

export const AGENCIES = ['000.00.01.H22', '000.00.02.H22', '000.00.03.H22'];
const T0 = Date.UTC(2026, 10, 21, 2, 30);

interface Fixture {
  readonly store: Store;
  message(overrides?: Partial<NewMessage>): NewMessage;
  accepted(...messages: NewMessage[]): Promise<void>;
  settle(id: string, outcome: 'succeeded' | 'dead' | 'retry', now: number, error?: string): Promise<void>;
}

/** What a filter means, written without SQL: the list must say the same, page after page. */
export function matches(message: MessageRecord, filter: MessageFilter): boolean {
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

/**
 * 60 messages over two instances and three agencies, several created in the same millisecond, portal ones naming
 * dossiers, a few SMS with a reference that is not theirs alone; some dead, succeeded or retried. Newest first.
 */
export async function seedMessageList(fx: Fixture): Promise<{ all: MessageRecord[]; newestFirst: MessageRecord[]; filters: MessageFilter[] }> {
  const created = Array.from({ length: 60 }, (_, i) => {
    const portal = i % 3 === 0;
    const dossier = `000.00.0${(i % 3) + 1}.H22-2611${String(20 + (i % 4)).padStart(2, '0')}-${String(i).padStart(4, '0')}`;
    return fx.message({
      createdAt: T0 + Math.floor(i / 4) * 1_000,
      agency: AGENCIES[i % 3] as string,
      ...(portal
        ? { capability: 'portal', operation: 'updateProgress', instance: 'portal-hue', plugin: 'national-portal', reference: dossier, dossierCode: dossier }
        : { reference: i % 5 === 0 ? `SMS-${i}` : dossier, dossierCode: i % 5 === 0 ? undefined : dossier }),
    });
  });
  await fx.accepted(...created);
  for (const [i, message] of created.entries()) {
    if (i % 7 === 0) await fx.settle(message.id, 'dead', T0 + 100_000, i % 2 === 0 ? 'subscriber 0981234567 is BLOCKED' : 'HTTP 503 from provider');
    else if (i % 4 === 1) await fx.settle(message.id, 'succeeded', T0 + 100_000);
    else if (i % 9 === 2) await fx.settle(message.id, 'retry', T0 + 100_000, 'timed out after 10000 ms');
  }
  const all = await Promise.all(created.map(async (message) => (await fx.store.getMessage(message.id)) as MessageRecord));
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
  return { all, newestFirst, filters };
}
