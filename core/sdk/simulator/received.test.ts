import { describe, expect, it } from 'vitest';
import { createReceivedLedger } from './received.ts';

const sms = (requestId: string) => () => ({ requestId, content: `SMS ${requestId}` });

describe('ReceivedLedger', () => {
  it('lists a request id once, counting its deliveries, beside entries without an id, in arrival order', () => {
    const ledger = createReceivedLedger<{ requestId: string; content: string }, { rejected: string }>();
    ledger.deliver('1001', sms('1001'));
    ledger.record({ rejected: 'CP_CODE_NOT_FOUND' });
    ledger.deliver('1002', sms('1002'));
    expect(ledger.deliver('1001', sms('1001'))).toEqual({ requestId: '1001', content: 'SMS 1001', deliveries: 2 });
    expect(ledger.list()).toEqual([
      { requestId: '1001', content: 'SMS 1001', deliveries: 2 },
      { rejected: 'CP_CODE_NOT_FOUND' },
      { requestId: '1002', content: 'SMS 1002', deliveries: 1 },
    ]);
  });

  it('makes a receipt only for the first delivery', () => {
    const ledger = createReceivedLedger<{ requestId: string }>();
    let made = 0;
    const receipt = () => ({ requestId: String(++made) });
    ledger.deliver('a', receipt);
    ledger.deliver('a', receipt);
    expect(made).toBe(1);
  });

  it('keeps the newest entries only; an id dropped as oldest is listed afresh', () => {
    const ledger = createReceivedLedger<{ requestId: string; content: string }, { rejected: string }>(2);
    ledger.deliver('1001', sms('1001'));
    ledger.record({ rejected: 'one' });
    ledger.record({ rejected: 'two' });
    expect(ledger.list()).toEqual([{ rejected: 'one' }, { rejected: 'two' }]);
    ledger.deliver('1001', sms('1001'));
    expect(ledger.list()).toEqual([{ rejected: 'two' }, { requestId: '1001', content: 'SMS 1001', deliveries: 1 }]);
  });

  it('counts afresh after clear()', () => {
    const ledger = createReceivedLedger<{ requestId: string; content: string }>();
    ledger.deliver('1001', sms('1001'));
    ledger.clear();
    expect(ledger.list()).toEqual([]);
    expect(ledger.deliver('1001', sms('1001')).deliveries).toBe(1);
  });
});
