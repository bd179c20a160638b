import { Hono } from 'hono';
import type { GatewayContext } from '../gateway-context.ts';
import { errorMessage } from '../sdk/errors.ts';
import { apiKeyAuth } from './auth.ts';
import { limitBody } from './body-limit.ts';
import type { AppEnv } from './env.ts';
import { openApiRoutes } from './openapi/route.ts';
import { findStoreUnavailable } from '../store/unavailable.ts';
import { ProblemError, problemResponse, storeUnavailable } from './problem.ts';
import { responseHeaders } from './response-headers.ts';
import { keyRateLimit } from './rate-limit.ts';
import { UnknownKeyLimit } from './unknown-key-limit.ts';
import { adminRoutes } from './routes/admin.ts';
import { consoleApp } from '../console/console-app.tsx';
import { auditOversizedCallback, callbackRoutes } from './routes/callbacks.ts';
import { healthRoutes } from './routes/health.ts';
import { messageRoutes } from './routes/messages.ts';
import { operationRoutes } from './routes/operations.ts';

/** The gateway's HTTP app: unified API under /v1, operators' API under /admin/v1, operators' console under /admin. */
export function createApp(gateway: GatewayContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // First, so that it times and counts every answer, those of the middleware below included.
  if (gateway.metrics) app.use(gateway.metrics.httpMiddleware);
  app.use(responseHeaders());
  app.use(
    limitBody(gateway.config.bodyLimitBytes, async (c) => {
      await auditOversizedCallback(gateway, c);
      return problemResponse(c, { status: 413, title: 'Payload too large', kind: 'payload-too-large', detail: `the body is over ${gateway.config.bodyLimitBytes} bytes` });
    }),
  );

  app.route('/', healthRoutes(gateway));
  app.route('/', openApiRoutes(gateway));
  if (gateway.metrics) app.get('/metrics', gateway.metrics.endpoint);
  if (gateway.sandbox) {
    const sandbox = gateway.sandbox;
    app.get('/sandbox.json', (c) => c.json({ simulators: sandbox.simulators, agencies: [...gateway.config.agencies.keys()] }));
  }

  // Provider callbacks carry the provider's signature, not an API key.
  app.route('/v1/callbacks', callbackRoutes(gateway));
  const limitPerKey = keyRateLimit(gateway.config.keyRateLimit, gateway.clock);
  const unknownKeys = new UnknownKeyLimit(gateway.config.unknownKeyRateLimit, gateway.clock);
  app.use('/v1/*', apiKeyAuth(gateway.store, undefined, unknownKeys), limitPerKey);
  app.route('/v1/messages', messageRoutes(gateway));
  app.route('/v1', operationRoutes(gateway));
  app.use('/admin/v1/*', apiKeyAuth(gateway.store, 'operator', unknownKeys), limitPerKey);
  app.route('/admin/v1', adminRoutes(gateway));
  // The operators' console: its own sign-in (a session cookie), pages under /admin beside the API.
  app.route('/admin', consoleApp(gateway, { unknownKeys }));

  app.notFound((c) => problemResponse(c, { status: 404, title: 'Not found', kind: 'not-found', detail: 'no such endpoint' }));
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.problem);
    // Logged once per outage by whoever watches the store (the delivery worker), not once per refused request.
    const unavailable = findStoreUnavailable(error);
    if (unavailable) return problemResponse(c, storeUnavailable(unavailable));
    gateway.log.error({ err: errorMessage(error), requestId: c.get('requestId'), path: c.req.path }, 'request failed');
    return problemResponse(c, { status: 500, title: 'Internal error', kind: 'internal', detail: 'the gateway could not complete the request; see its log' });
  });
  return app;
}
