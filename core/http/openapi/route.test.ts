import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { Instances } from '../../runtime/instances.ts';
import type { Store } from '../../store/types.ts';
import { createApp } from '../app.ts';

/** The smallest gateway the app runs on; its store fails the test if the document route ever touches it. */
function documentOnlyGateway(publicUrl = () => 'http://127.0.0.1:8080'): GatewayContext {
  const log = pino({ level: 'silent' });
  const config = loadConfig({ agencies: [{ code: '000.00.01.H22' }], instances: [] }, [], {});
  const store = new Proxy({} as Store, {
    get: (_, method) => () => Promise.reject(new Error(`the store was called (${String(method)})`)),
  });
  const auditAfterAnswer = () => {
    throw new Error('the audit was called');
  };
  return { store, config, instances: new Instances(config, log), log, clock: { now: () => Date.now() }, notify: () => undefined, publicUrl, auditAfterAnswer };
}

describe('GET /openapi.json', () => {
  const app = createApp(documentOnlyGateway());

  it('answers without an API key, as JSON, cacheable', async () => {
    const response = await app.request('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('etag')).toBeTruthy();
    const body = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(body.paths).toHaveProperty(['/v1/sms/send']);
  });

  it('answers 304 to a client that holds the current document', async () => {
    const first = await app.request('/openapi.json');
    const again = await app.request('/openapi.json', { headers: { 'if-none-match': first.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
  });

  it("names the gateway as its server: the config's publicUrl, or where it listens once it does", async () => {
    const served = async (answer: Response) => ((await answer.json()) as { servers: unknown }).servers;
    expect(await served(await app.request('/openapi.json'))).toEqual([{ url: 'http://127.0.0.1:8080', description: 'This gateway.' }]);

    let listening = '';
    const starting = createApp(documentOnlyGateway(() => listening));
    const before = await starting.request('/openapi.json');
    const beforeTag = before.headers.get('etag');
    expect(await served(before)).toEqual([{ url: '/', description: 'This gateway.' }]);
    listening = 'http://127.0.0.1:39117';
    const after = await starting.request('/openapi.json', { headers: { 'if-none-match': beforeTag ?? '' } });
    expect(after.status).toBe(200);
    expect(await served(after)).toEqual([{ url: 'http://127.0.0.1:39117', description: 'This gateway.' }]);
  });

  it('describes /sandbox.json in sandbox mode only', async () => {
    const paths = async (target: ReturnType<typeof createApp>) => Object.keys(((await (await target.request('/openapi.json')).json()) as { paths: object }).paths);
    expect(await paths(app)).not.toContain('/sandbox.json');
    expect(await paths(createApp({ ...documentOnlyGateway(), sandbox: { simulators: {} } }))).toContain('/sandbox.json');
  });

  it('leaves /v1 behind the API key', async () => {
    const response = await app.request('/v1/sms/send', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(401);
  });
});
