/**
 * The gateway's services for this plugin's tests, on the test kit's real temporary SQLite store,
 * and what the store's audit log says about the payments' records.
 */
import { afterEach } from 'vitest';
import { openTestServices, type TestServices } from '../../../core/sdk/testing.ts';
import plugin from '../index.ts';

export const INSTANCE = 'paygov-hue';

/** Call at the top of a test file: answers an opener; every store it opens is disposed after the test. */
export function useTestServices(instance = INSTANCE): () => Promise<TestServices> {
  const opened: TestServices[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((services) => services.dispose()));
  });
  return async () => {
    const services = await openTestServices({ instance, plugin });
    opened.push(services);
    return services;
  };
}

/**
 * The audit log's record entries of one kind, oldest first, as their summaries: `{ key, status }` for
 * `record.created`, `{ key, from, to }` for `record.transition`.
 */
export async function audited(services: TestServices, action: 'record.created' | 'record.transition'): Promise<Array<Record<string, unknown>>> {
  const entries = await services.store.listAudit({}, 1_000);
  return entries.filter((entry) => entry.action === action).map((entry) => entry.summary);
}
