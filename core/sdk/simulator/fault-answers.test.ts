import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { faultMiddleware, faultPlayer, gatewayTimeout, serviceUnavailable, type FaultEnv } from './fault-answers.ts';
import { createFaultInjector, type FaultMode } from './faults.ts';

const logLines: string[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

function failingAlways(failMode: FaultMode) {
  const faults = createFaultInjector({ random: () => 0, log });
  Object.assign(faults.settings, { failRate: 1, failMode });
  return faults;
}

const ownError = () => Response.json({ code: '99' }, { status: 500 });

function guardedApp(failMode: FaultMode) {
  const faults = failingAlways(failMode);
  const app = new Hono<FaultEnv>();
  app.use('/service/*', faultMiddleware(faults, { transient: [serviceUnavailable, ownError], timeout: gatewayTimeout }));
  app.post('/service/call', (c) => c.json({ handledWith: c.get('fault') }));
  return { app, faults };
}

describe('faultMiddleware', () => {
  it('answers transient faults in turn with the answers given', async () => {
    const { app } = guardedApp('transient');
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push((await app.request('/service/call', { method: 'POST' })).status);
    expect(statuses).toEqual([503, 500, 503, 500]);
    expect((await app.request('/service/call', { method: 'POST' })).headers.get('retry-after')).toBe('1');
  });

  it('leaves a mode it has no answer for to the handler, with the decision', async () => {
    const { app } = guardedApp('permanent');
    const answer = await app.request('/service/call', { method: 'POST' });
    expect(await answer.json()).toEqual({ handledWith: 'permanent' });
  });

  it('lets a request through when no fault is drawn', async () => {
    const { app, faults } = guardedApp('permanent');
    faults.settings.failRate = 0;
    expect(await (await app.request('/service/call', { method: 'POST' })).json()).toEqual({ handledWith: 'ok' });
  });

  it('makes an answer from the request, even from a body a middleware before has read', async () => {
    const app = new Hono<FaultEnv>();
    app.post(
      '/payments',
      async (c, next) => {
        if (typeof (await c.req.json()) !== 'object') return c.text('not JSON', 400);
        await next();
      },
      faultMiddleware(failingAlways('permanent'), { permanent: async (request) => Response.json({ refused: ((await request.json()) as { requestId: string }).requestId }, { status: 403 }) }),
      (c) => c.body(null, 204),
    );
    const answer = await app.request('/payments', { method: 'POST', body: JSON.stringify({ requestId: 'RQ000000001' }) });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ refused: 'RQ000000001' });
  });

  it('holds a timeout until the client gives up, then answers', async () => {
    const { app } = guardedApp('timeout');
    const client = new AbortController();
    const answering = app.request('/service/call', { method: 'POST', signal: client.signal });
    client.abort();
    expect((await answering).status).toBe(504);
  });

  it('holds a timeout until the simulator closes', async () => {
    const { app, faults } = guardedApp('timeout');
    logLines.length = 0;
    const answering = app.request('/service/call', { method: 'POST' });
    while (!logLines.some((line) => line.includes('simulated timeout'))) await new Promise((resolve) => setTimeout(resolve, 5));
    faults.close();
    expect((await answering).status).toBe(504);
  });
});

describe('faultPlayer', () => {
  it('works on any request type, for servers outside hono', async () => {
    const play = faultPlayer<{ path: string }>(failingAlways('permanent'), { permanent: (request) => new Response(request.path, { status: 403 }) });
    const played = await play({ path: '/bulkapi' }, new AbortController().signal);
    expect(played.decision).toBe('permanent');
    expect(played.answer?.status).toBe(403);
    expect(await played.answer?.text()).toBe('/bulkapi');
  });

  it('answers nothing for a transient fault when no answer is given', async () => {
    const play = faultPlayer<Request>(failingAlways('transient'), {});
    expect(await play(new Request('http://simulator/'), new AbortController().signal)).toEqual({ decision: 'transient', answer: undefined });
  });
});
