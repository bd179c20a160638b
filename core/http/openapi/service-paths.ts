import { problem } from './problems.ts';
import type { Operation, Paths } from './types.ts';

const service = (operation: Omit<Operation, 'tags' | 'security'>): Operation => ({ ...operation, tags: ['service'], security: [] });

const status = (value: string, detail = false) => ({
  type: 'object' as const,
  required: ['status'],
  properties: { status: { type: 'string' as const, const: value }, ...(detail ? { detail: { type: 'string' as const } } : {}) },
});

/** What probes, scrapers and tools read: public, no API key. */
export function servicePaths(sandbox: boolean): Paths {
  return sandbox ? { ...productionPaths, ...sandboxPaths } : productionPaths;
}

const productionPaths: Paths = {
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
      responses: {
        '200': { description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } },
        '500': problem('The gateway could not read its store for the queue metrics; the `instance` member finds it in the log.'),
      },
    }),
  },
  '/openapi.json': {
    get: service({
      operationId: 'openapi',
      summary: 'This document',
      description: 'Its `servers` entry is the gateway as its callers reach it: the config\'s `publicUrl`, or the address the gateway listens on.',
      parameters: [
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          description: 'The ETag of a copy the client holds: 304 while it is current.',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'The OpenAPI 3.1 document.',
          headers: { ETag: { description: 'Send it back as If-None-Match to revalidate.', schema: { type: 'string' } } },
          content: { 'application/json': { schema: { type: 'object' } } },
        },
        '304': { description: 'The copy the client holds is current.' },
      },
    }),
  },
};

const sandboxPaths: Paths = {
  '/sandbox.json': {
    get: service({
      operationId: 'sandbox',
      summary: "The sandbox's simulators and agencies (sandbox mode only)",
      responses: {
        '200': {
          description: 'Where each simulator listens, by plugin id, and the agency codes the sandbox knows.',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['simulators', 'agencies'],
                properties: {
                  simulators: { type: 'object', additionalProperties: { type: 'string', format: 'uri' }, examples: [{ 'sms-viettel': 'http://127.0.0.1:39117' }] },
                  agencies: { type: 'array', items: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    }),
  },
};
