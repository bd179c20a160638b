import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type Listed, type TestGateway, adminHelpers, expectProblem, issuePaths, openTestGateway } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const MINUTE = 60_000;

const { send, admin, list, ids } = adminHelpers(() => gateway);

describe('GET /admin/v1/messages', () => {
  it('pages newest first with a cursor until the last page', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      sent.push(await send({ reference: `HS-${i}` }));
      gateway.clock.t += 1_000;
    }
    const first = await list('?limit=2');
    expect(ids(first)).toEqual([sent[4], sent[3]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`?limit=2&cursor=${first.nextCursor}`);
    expect(ids(second)).toEqual([sent[2], sent[1]]);
    const last = await list(`?limit=2&cursor=${second.nextCursor}`);
    expect(ids(last)).toEqual([sent[0]]);
    expect(last.nextCursor).toBeNull();
  });

  it('filters by status, agency, capability, instance, time and reference', async () => {
    const deadA = await send({ reference: 'HS-1' });
    await gateway.killDue('sms-a');
    gateway.clock.t += MINUTE;
    const queuedB = await send({ agency: AGENCY_B, reference: 'HS-2' });
    gateway.clock.t += MINUTE;
    const queuedA = await send({ reference: 'HS-3' });

    expect(ids(await list())).toEqual([queuedA, queuedB, deadA]);
    expect(ids(await list('?status=dead'))).toEqual([deadA]);
    expect(ids(await list('?status=queued'))).toEqual([queuedA, queuedB]);
    expect(ids(await list(`?agency=${AGENCY_B}`))).toEqual([queuedB]);
    expect(ids(await list('?instance=sms-a'))).toEqual([queuedA, deadA]);
    expect(ids(await list('?capability=sms'))).toEqual([queuedA, queuedB, deadA]);
    expect(ids(await list('?capability=payment'))).toEqual([]);
    expect(ids(await list('?q=HS-3'))).toEqual([queuedA]);
    expect(ids(await list('?q=blocked'))).toEqual([deadA]);
    expect(ids(await list(`?q=${deadA}`))).toEqual([deadA]);
    const since = encodeURIComponent(new Date(START + MINUTE).toISOString());
    expect(ids(await list(`?since=${since}`))).toEqual([queuedA, queuedB]);
    expect(ids(await list(`?until=${since}`))).toEqual([deadA]);
    expect(ids(await list(`?status=queued&agency=${AGENCY_A}`))).toEqual([queuedA]);
  });

  it('masks personal data in the list', async () => {
    await send({ text: 'Goi 0981234567 de nhan ket qua' });
    const response = await admin('/admin/v1/messages');
    const raw = await response.text();
    expect(raw).not.toMatch(/981234567/);
    const [message] = (JSON.parse(raw) as Listed).messages;
    expect(message?.payload).toMatchObject({ to: '8498****567', text: 'Goi 0981***567 de nhan ket qua' });
  });

  it.each([
    ['status', '?status=lost'],
    ['since', '?since=yesterday'],
    ['until', '?until=2026-03-01'],
    ['cursor', '?cursor=abc'],
    ['limit', '?limit=0'],
    ['limit', '?limit=1000'],
  ])('answers 400 naming %s for %s', async (path, query) => {
    const problem = await expectProblem(await admin(`/admin/v1/messages${query}`), 400, 'validation');
    expect(issuePaths(problem)).toEqual([path]);
    const sent = query.slice(query.indexOf('=') + 1);
    if (sent.length > 3) expect(JSON.stringify(problem)).not.toContain(sent);
  });
});

describe('GET /admin/v1/messages/{id}', () => {
  it('shows the attempts and the payload with the phone masked everywhere', async () => {
    const id = await send({ text: 'Goi 0981234567 de nhan ket qua', reference: 'HS-0001' });
    gateway.clock.t += 2_000;
    await gateway.killDue('sms-a', 'subscriber 0981234567 is blocked');

    const response = await admin(`/admin/v1/messages/${id}`);
    expect(response.status).toBe(200);
    const raw = await response.text();
    expect(raw).not.toMatch(/981234567/);
    const detail = JSON.parse(raw) as Record<string, unknown>;
    expect(detail).toMatchObject({
      id,
      status: 'dead',
      attempts: 1,
      agency: AGENCY_A,
      instance: 'sms-a',
      reference: 'HS-0001',
      replays: 0,
      cancelledAt: null,
      lastError: 'subscriber 0981***567 is blocked',
      payload: { agency: AGENCY_A, to: '8498****567', text: 'Goi 0981***567 de nhan ket qua', unicode: false, reference: 'HS-0001' },
      createdAt: new Date(START).toISOString(),
    });
    expect(detail.attemptHistory).toEqual([
      {
        round: 0,
        number: 1,
        startedAt: new Date(START + 2_000).toISOString(),
        finishedAt: new Date(START + 2_000).toISOString(),
        durationMs: 0,
        outcome: 'dead',
        error: 'subscriber 0981***567 is blocked',
        providerCode: 'BLOCKED',
      },
    ]);
  });

  it('answers 404 to a missing message', async () => {
    const problem = await expectProblem(await admin('/admin/v1/messages/msg_01JNOTHEREATALL00000000000'), 404, 'not-found');
    expect(problem.detail).toBe('no such message');
  });
});
