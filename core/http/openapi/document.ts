import packageJson from '../../../package.json' with { type: 'json' };
import { adminAuditQuery, adminListQuery, adminReplayBody } from '../routes/admin.ts';
import { adminPauseBody } from '../routes/admin-pauses.ts';
import { adminPaths } from './admin-paths.ts';
import { withFrontAnswers } from './front-answers.ts';
import { consoleDataSchemas } from './console-data.ts';
import { namedSchemaComponents } from './json-schema.ts';
import { messageResultSchemas } from './message-results.ts';
import { pausePaths, pauseSchemas } from './pause-paths.ts';
import { headers, parameters, problemSchema, responses } from './problems.ts';
import { servicePaths } from './service-paths.ts';
import type { OpenApiDocument } from './types.ts';
import { eventWebhooks, messagePaths, operationPaths } from './unified-paths.ts';
import { viewSchemas } from './view-schemas.ts';

const DESCRIPTION = `The unified API of the gateway between provincial one-stop (một cửa) software and its providers.

**Authentication.** \`Authorization: Bearer <api key>\` on /v1 and /admin/v1 (callbacks, health and this document are public).
A key has a role and the agency codes it covers (or \`*\`):
- \`client\`: calls /v1 for its agencies; another agency is 403.
- \`operator\`: the same, and the operators' API under /admin/v1 (403 for client keys), limited to its agencies' messages.

Revoking a key takes effect on the next request.

**Requests.** Every body names the \`agency\` it acts for. Bad input is refused (400, \`errors\` naming each field) before
anything is stored; where a field is trimmed, its length is checked after trimming. Sync operations answer 200 with
the provider's answer; async ones answer 202 once the message is durably stored, and are delivered at least once,
with retries, dead-lettering and operator replay. An \`Idempotency-Key\` makes an operation's POST safe to repeat.

**Errors** are RFC 9457 \`application/problem+json\` (\`Problem\`).`;

export interface DocumentOptions {
  /**
   * The gateway as its callers reach it (the config's `publicUrl`, or the address it listens on). Default `/`: the
   * host that served the document.
   */
  serverUrl?: string;
  /** Describe the sandbox's own endpoint (`/sandbox.json`) too. */
  sandbox?: boolean;
}

/** The OpenAPI 3.1 document, generated from the schemas that validate the requests. */
export function buildOpenApiDocument({ serverUrl = '/', sandbox = false }: DocumentOptions = {}): OpenApiDocument {
  const unified = operationPaths();
  const paths = { ...unified.paths, ...messagePaths, ...adminPaths({ listQuery: adminListQuery, replayBody: adminReplayBody, auditQuery: adminAuditQuery }), ...pausePaths(adminPauseBody), ...servicePaths(sandbox) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'lienthong',
      version: packageJson.version,
      summary: "Integration gateway for Vietnam's provincial one-stop public-service software",
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl, description: sandbox ? 'This sandbox.' : 'This gateway.' }],
    tags: [
      ...unified.tags,
      { name: 'messages', description: 'Following asynchronous work' },
      { name: 'callbacks', description: 'Notifications from providers' },
      { name: 'admin', description: 'The operators\' API (operator keys only)' },
      { name: 'service', description: 'Health, metrics and this document' },
      { name: 'webhooks', description: 'Events the gateway sends to the one-stop software' },
    ],
    security: [{ apiKey: [] }],
    paths: withFrontAnswers(paths),
    webhooks: eventWebhooks(),
    components: {
      schemas: { Problem: problemSchema, ...namedSchemaComponents(), ...viewSchemas, ...pauseSchemas, ...consoleDataSchemas, ...messageResultSchemas(), ...unified.schemas },
      responses,
      parameters,
      headers,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`lienthong keys create --role client|operator [--agencies …]`), stored hashed by the gateway.',
        },
      },
    },
  };
}
