import { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { AppEnv } from '../env.ts';
import { buildOpenApiDocument } from './document.ts';

/** `GET /openapi.json`: public, built once when the app is created; clients revalidate with the ETag. */
export function openApiRoutes(): Hono<AppEnv> {
  const document = buildOpenApiDocument();
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', etag(), function openApiDocument(c) {
    c.header('cache-control', 'public, max-age=300');
    return c.json(document);
  });
  return app;
}
