import type { Operation, Paths } from './types.ts';

const service = (operation: Omit<Operation, 'tags' | 'security'>): Operation => ({ ...operation, tags: ['service'], security: [] });

const status = (value: string, detail = false) => ({
  type: 'object' as const,
  required: ['status'],
  properties: { status: { type: 'string' as const, const: value }, ...(detail ? { detail: { type: 'string' as const } } : {}) },
});

/** What probes, scrapers and tools read: public, no API key. */
export const servicePaths: Paths = {
  '/healthz': {
    get: service({
      operationId: 'healthz',
      summary: 'The process answers',
      responses: { '200': { description: 'Alive.', content: { 'application/json': { schema: status('ok') } } } },
    }),
  },
  '/readyz': {
    get: service({
      operationId: 'readyz',
      summary: 'The store is reachable, can write, and its migrations are applied',
      responses: {
        '200': { description: 'Ready.', content: { 'application/json': { schema: status('ready') } } },
        '503': {
          description: 'Not ready: `detail` says why (e.g. the store cannot write: its disk is full); Retry-After while the store cannot write.',
          content: { 'application/json': { schema: status('not ready', true) } },
        },
      },
    }),
  },
  '/metrics': {
    get: service({
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description: 'The Prometheus text exposition format (text/plain; version=0.0.4). Served when the gateway runs with metrics.',
      responses: { '200': { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    }),
  },
  '/openapi.json': {
    get: service({
      operationId: 'openapi',
      summary: 'This document',
      responses: { '200': { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
    }),
  },
};
