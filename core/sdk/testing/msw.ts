import { type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { routeOutboundThroughFetch } from '../../runtime/outbound/undici-adapter.ts';

/**
 * One msw server for a test file. A request no handler answers fails the test: nothing reaches a network.
 * Handlers added with `server.use` are reset after each test. Meanwhile the gateway's outbound clients go through
 * the global fetch, which msw intercepts (undici's own requests would pass it by).
 */
export function useMswServer(...handlers: RequestHandler[]) {
  const server = setupServer(...handlers);
  beforeAll(() => {
    routeOutboundThroughFetch(true);
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => {
    server.close();
    routeOutboundThroughFetch(false);
  });
  return server;
}
