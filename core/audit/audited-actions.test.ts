import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every action the gateway writes to its audit log has a test that asserts its entry (actor, action, message or
 * instance, masked summary). The sources are searched for the actions they write (`action: '…',` and a task's
 * `audit('…'`), so that an action added later (a pause, a key rotation) fails here until it is given its test.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each action, and the test file that asserts its entry. */
const TESTED: Record<string, string> = {
  'message.accepted': 'core/http/request-audit.test.ts',
  attempt: 'core/delivery/attempt-audit.test.ts',
  'message.replayed': 'core/http/operator-audit.test.ts',
  'message.cancelled': 'core/http/operator-audit.test.ts',
  'callback.received': 'core/http/callback-audit.test.ts',
  'record.created': 'core/http/callback-audit.test.ts',
  'record.transition': 'core/http/callback-audit.test.ts',
  'request.sync': 'core/http/request-audit.test.ts',
  'key.created': 'core/key-audit.test.ts',
  'key.revoked': 'core/key-audit.test.ts',
  'config.loaded': 'core/config-loaded-audit.test.ts',
  'payloads.purged': 'core/retention.test.ts',
  'instance.paused': 'core/store/contract/instance-pauses.contract.test.ts',
  'instance.resumed': 'core/store/contract/instance-pauses.contract.test.ts',
  'payment.answer-refused': 'plugins/payment-vietinbank/reconcile.test.ts',
  'console.signed-in': 'core/console/sign-in.test.ts',
  'console.sign-in-refused': 'core/console/sign-in.test.ts',
  'console.signed-out': 'core/console/sign-in.test.ts',
};

const WRITTEN = [/\baction: '([\w.-]+)',/g, /\baudit\('([\w.-]+)'/g];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // Simulators stand in for providers: what they call an action is not the gateway's audit log.
    if (entry.isDirectory()) return ['node_modules', 'test-support', 'simulator'].includes(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !/\.test(-helper)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Each action the gateway's and plugins' sources write, with the files that write it. */
function writtenActions(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sources(join(ROOT, 'core')), ...sources(join(ROOT, 'plugins'))]) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of WRITTEN) {
      for (const match of text.matchAll(pattern)) {
        const action = match[1] as string;
        found.set(action, [...(found.get(action) ?? []), relative(ROOT, file)]);
      }
    }
  }
  return found;
}

describe('audited actions', () => {
  const written = writtenActions();

  it('are found in the sources (the search still works)', () => {
    expect(written.get('message.accepted')).toEqual(expect.arrayContaining(['core/audit/entries.ts']));
    expect(written.get('message.replayed')?.sort()).toEqual(['core/store/postgres/message-writes.ts', 'core/store/sqlite/message-writes.ts']);
  });

  it('each have a test asserting their entry', () => {
    const untested = [...written].filter(([action]) => !(action in TESTED)).map(([action, files]) => `${action} (written in ${files.join(', ')})`);
    expect(untested, `give each a test that asserts its audit entry, and list it in TESTED: ${untested.join('; ')}`).toEqual([]);
  });

  it.each(Object.entries(TESTED))('%s is asserted in %s', (action, file) => {
    expect(written.has(action), `${action} is no longer written anywhere: remove it from TESTED`).toBe(true);
    expect(readFileSync(join(ROOT, file), 'utf8')).toContain(`'${action}'`);
  });
});
