import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AuditInput } from '../store/types.ts';
import { DEFERRED_AUDIT_DELAY_MS, DeferredAudit } from './deferred-audit.ts';

const entry = (n: number): AuditInput => ({ at: n, actor: 'key:key_test', action: 'request.sync', instance: 'ecard-hue', summary: { n } });

/** A store that records each append, or refuses them. */
function recordingStore(refuse?: Error) {
  const appends: AuditInput[][] = [];
  return {
    appends,
    appendAudit: async (entries: AuditInput[]) => {
      if (refuse) throw refuse;
      appends.push(entries);
    },
  };
}

function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('DeferredAudit', () => {
  it('writes the entries that came within its delay in one append, in the order they came', async () => {
    const store = recordingStore();
    const audit = new DeferredAudit(store, pino({ level: 'silent' }));
    audit.add(entry(1));
    audit.add(entry(2));
    audit.add(entry(3));
    expect(store.appends).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, DEFERRED_AUDIT_DELAY_MS * 3));
    expect(store.appends).toEqual([[entry(1), entry(2), entry(3)]]);
  });

  it('writes at once what waits when flushed, and once only', async () => {
    const store = recordingStore();
    const audit = new DeferredAudit(store, pino({ level: 'silent' }));
    audit.add(entry(1));
    await audit.flush();
    expect(store.appends).toEqual([[entry(1)]]);
    await new Promise((resolve) => setTimeout(resolve, DEFERRED_AUDIT_DELAY_MS * 3));
    await audit.flush();
    expect(store.appends).toEqual([[entry(1)]]);
  });

  it('writes without waiting once 500 entries wait', async () => {
    const store = recordingStore();
    const audit = new DeferredAudit(store, pino({ level: 'silent' }));
    for (let n = 0; n < 500; n++) audit.add(entry(n));
    await audit.flush();
    expect(store.appends.map((entries) => entries.length)).toEqual([500]);
  });

  it('says in one line how many entries a store that cannot write lost', async () => {
    const { log, lines } = capturedLog();
    const audit = new DeferredAudit(recordingStore(new Error('disk full')), log);
    audit.add(entry(1));
    audit.add(entry(2));
    await audit.flush();
    expect(lines).toMatchObject([{ level: 50, entries: 2, msg: 'could not write the audit entries of 2 sync call(s): disk full; the calls were answered, their entries are lost' }]);
  });
});
