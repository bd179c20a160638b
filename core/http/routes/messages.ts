import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { coversAgency } from '../../api-keys.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError } from '../problem.ts';
import { messageView } from '../views.ts';
import { waitingFor } from '../waiting-for.ts';

/** `GET /v1/messages/{id}`: a caller sees only messages of the agencies its key covers. */
export function messageRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/:id', async (c) => {
    const message = await gateway.store.getMessage(c.req.param('id'));
    // Another agency's message is answered exactly like a missing one: its existence is not disclosed.
    if (!message || !coversAgency(c.get('apiKey'), message.agency)) {
      throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: 'no such message' });
    }
    return c.json(messageView(message, waitingFor(gateway, message)));
  });
  return app;
}
