import type { ApiKeyRecord } from '../store/types.ts';

/** The variables every route can read from the Hono context. */
export type AppEnv = {
  Variables: {
    requestId: string;
    apiKey: ApiKeyRecord;
  };
};
