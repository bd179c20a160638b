import { Hono } from 'hono';
import type { Context } from 'hono';
import type { GatewayContext } from '../gateway-context.ts';
import { ProblemError } from '../http/problem.ts';
import type { UnknownKeyLimit } from '../http/unknown-key-limit.ts';
import { errorMessage } from '../sdk/errors.ts';
import { findStoreUnavailable } from '../store/unavailable.ts';
import { consoleAssets } from './assets.ts';
import type { ConsoleEnv } from './console-env.ts';
import { requireOperator } from './operator-session.ts';
import { pageContext } from './page-context.ts';
import { consolePageHeaders } from './page-headers.ts';
import { auditRoutes } from './routes/audit.tsx';
import { cancelRoutes } from './routes/cancel.tsx';
import { dossierRoutes } from './routes/dossiers.tsx';
import { messageRoutes } from './routes/messages.tsx';
import { overviewRoutes } from './routes/overview.tsx';
import { pauseRoutes } from './routes/pauses.tsx';
import { replayRoutes } from './routes/replays.tsx';
import { searchRoutes } from './routes/search.ts';
import { signInRoutes } from './routes/sign-in.tsx';
import { signOutRoutes } from './routes/sign-out.ts';
import { ConsoleSessions, type SessionOptions } from './sessions.ts';
import { ErrorPage } from './views/error-page.tsx';

export interface ConsoleOptions {
  sessions?: SessionOptions;
  /** The API's count of wrong keys per address: sign-ins with wrong keys are slowed down by the same budget. */
  unknownKeys?: UnknownKeyLimit;
}

/** The admin API's own paths: the console leaves them to it, even those it does not know (a problem+json 404). */
const isApiPath = (path: string) => path === '/admin/v1' || path.startsWith('/admin/v1/');

/**
 * The operators' console, mounted at `/admin`: server-rendered pages over the same store and runtime functions as the
 * admin API, behind a sign-in with an operator key.
 */
export function consoleApp(gateway: GatewayContext, options: ConsoleOptions = {}) {
  const app = new Hono<ConsoleEnv>();
  const sessions = new ConsoleSessions(options.sessions);

  app.use('*', async (c, next) => (isApiPath(c.req.path) ? c.notFound() : next()));
  app.use('*', consolePageHeaders());
  app.route('/assets', consoleAssets());
  app.route('/', signInRoutes(gateway, sessions, options.unknownKeys));

  app.use('*', requireOperator(gateway, sessions, (c) => errorPage(c, 403, c.get('t')('error.forbiddenTitle'), c.get('t')('form.refused'))));
  app.route('/', signOutRoutes(gateway, sessions));
  app.route('/', searchRoutes(gateway));
  app.route('/', overviewRoutes(gateway));
  app.route('/', pauseRoutes(gateway));
  app.route('/', messageRoutes(gateway));
  app.route('/', dossierRoutes(gateway));
  app.route('/', replayRoutes(gateway));
  app.route('/', cancelRoutes(gateway));
  app.route('/', auditRoutes(gateway));

  app.all('*', (c) => errorPage(c, 404, c.get('t')('error.notFoundTitle'), c.get('t')('error.notFound')));
  app.onError((error, c) => consoleError(gateway, c, error));
  return app;
}

function errorPage(c: Context<ConsoleEnv>, status: 403 | 404 | 500 | 503, title: string, message: string, headers: Record<string, string> = {}) {
  const page = pageContext(c);
  return c.html(<ErrorPage {...page} title={title} message={message} />, status, headers);
}

/** A failure as an operator reads it: the store unavailable (503, Retry-After), a refusal, or an error to report. */
function consoleError(gateway: GatewayContext, c: Context<ConsoleEnv>, error: Error) {
  const t = c.get('t');
  const unavailable = findStoreUnavailable(error);
  if (unavailable) {
    const seconds = String(unavailable.retryAfterSeconds);
    return errorPage(c, 503, t('error.unavailableTitle'), t('error.unavailable', { seconds }), { 'retry-after': seconds });
  }
  if (error instanceof ProblemError && error.problem.status === 404) return errorPage(c, 404, t('error.notFoundTitle'), t('error.notFound'));
  if (error instanceof ProblemError && error.problem.status === 403) return errorPage(c, 403, t('error.forbiddenTitle'), t('error.forbidden', { detail: error.problem.detail ?? '' }));
  gateway.log.error({ err: errorMessage(error), requestId: c.get('requestId'), path: c.req.path }, 'console page failed');
  return errorPage(c, 500, t('error.internalTitle'), t('error.internal', { requestId: c.get('requestId') }));
}
