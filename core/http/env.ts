import type { ServerResponse } from 'node:http';
import type { ApiKeyRecord } from '../store/types.ts';

/** The variables every route can read from the Hono context. */
export type AppEnv = {
  /** What @hono/node-server passes; absent under app.request (tests). */
  Bindings: { outgoing?: ServerResponse };
  Variables: {
    requestId: string;
    apiKey: ApiKeyRecord;
  };
};
