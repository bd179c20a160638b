import { describe, expect, it } from 'vitest';
import { messageView } from '../http/views.ts';
import { permanent, retryable } from './scripted-plugin.test-helper.ts';
import { useFixtures } from './worker-fixture.test-helper.ts';

/** What a message says of its attempts as operators read it: the current round's, every round's, the latest error. */
const setup = useFixtures();

describe('a message replayed after it died', () => {
  it('counts the attempts of its round and of every round, and shows no error once it succeeds', async () => {
    const f = await setup({ sms: { maxAttempts: 2, baseDelayMs: 1000 } });
    f.sms.queue(retryable('provider busy'), permanent('number blocked'));
    const m = await f.send('hello');
    await f.worker.deliverDue({ wait: true });
    f.advance(60_000);
    await f.worker.deliverDue({ wait: true });
    expect(messageView(await f.row(m.id))).toMatchObject({ status: 'dead', attempts: 2, totalAttempts: 2, lastError: 'number blocked' });

    await f.db.store.replay({ ids: [m.id] }, f.now(), () => 86_400_000, 'key:ops');
    // The replayed round starts with its budget whole, and the last error stays until an attempt ends.
    expect(messageView(await f.row(m.id))).toMatchObject({ status: 'queued', attempts: 0, totalAttempts: 2, lastError: 'number blocked' });

    await f.worker.deliverDue({ wait: true });
    expect(messageView(await f.row(m.id))).toMatchObject({ status: 'succeeded', attempts: 1, totalAttempts: 3, lastError: null });
  });
});
