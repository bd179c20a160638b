import { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { GatewayContext } from '../../gateway-context.ts';
import type { AppEnv } from '../env.ts';
import { buildOpenApiDocument } from './document.ts';

/**
 * `GET /openapi.json`: public; clients revalidate with the ETag. Built when the app is created, so that a schema the
 * document cannot describe stops the start; built again when its `servers` entry changes: the gateway's public
 * URL, which without a `publicUrl` in the config is known only once it listens.
 */
export function openApiRoutes(gateway: Pick<GatewayContext, 'publicUrl' | 'sandbox'>): Hono<AppEnv> {
  const build = (serverUrl: string) => ({ serverUrl, body: JSON.stringify(buildOpenApiDocument({ serverUrl, sandbox: gateway.sandbox !== undefined })) });
  let built = build(gateway.publicUrl() || '/');
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', etag(), function openApiDocument(c) {
    const serverUrl = gateway.publicUrl() || '/';
    if (built.serverUrl !== serverUrl) built = build(serverUrl);
    c.header('cache-control', 'public, max-age=300');
    return c.body(built.body, 200, { 'content-type': 'application/json' });
  });
  return app;
}
