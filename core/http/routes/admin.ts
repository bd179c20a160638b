import { Hono } from 'hono';
import type { Context } from 'hono';
import * as v from 'valibot';
import { isoDateTime } from '../../capabilities/define.ts';
import { INPUT_CHECKS } from '../../capabilities/messages.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { cancelMessage, replayMessages } from '../../runtime/operator-actions.ts';
import { refreshPauses } from '../../runtime/pauses.ts';
import { coversAgency } from '../../api-keys.ts';
import type { MessageFilter, MessageRecord } from '../../store/types.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError, describeIssues, invalidInput, malformedJson } from '../problem.ts';
import { adminDossierRoutes } from './admin-dossiers.ts';
import { adminOverviewRoutes } from './admin-overview.ts';
import { attemptView, auditView, instanceView, operatorMessageView } from '../views.ts';
import { waitingFor } from '../waiting-for.ts';
import { pauseRoutes, pauseView } from './admin-pauses.ts';

const toMs = v.pipe(isoDateTime, v.transform((value: string) => Date.parse(value)));
const name = v.pipe(v.string(), v.maxLength(100));

const filterFields = {
  capability: v.optional(name),
  instance: v.optional(name),
  agency: v.optional(name),
  since: v.optional(toMs),
  until: v.optional(toMs),
  q: v.optional(v.pipe(v.string(), v.maxLength(200))),
};

export const adminListQuery = v.object({
  ...filterFields,
  status: v.optional(v.picklist(['queued', 'processing', 'succeeded', 'dead'])),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/, 'not a cursor from a previous page'))),
  limit: v.optional(v.pipe(v.string(), v.description('Page size, 1-200 (default 50)'), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(200)), '50'),
});

export const adminAuditQuery = v.object({
  messageId: v.optional(name),
  since: v.optional(toMs),
  until: v.optional(toMs),
  afterSeq: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.description('Page size, 1-1000 (default 200)'), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)), '200'),
});

export const adminReplayBody = v.object({
  /** Which dead messages: all of them when empty. */
  filter: v.optional(v.object(filterFields), {}),
  dryRun: v.optional(v.boolean(), false),
});

function parse<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, value, INPUT_CHECKS);
  if (!parsed.success) throw invalidInput(describeIssues(parsed.issues));
  return parsed.output;
}

const notFound = () => new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: 'no such message' });

/** The operators' API under `/admin/v1` (operator keys only; an operator key limited to agencies sees only those). */
export function adminRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  const scoped = (c: Context<AppEnv>, filter: MessageFilter): MessageFilter => ({ ...filter, agencies: c.get('apiKey').agencies });
  const visibleMessage = async (c: Context<AppEnv>): Promise<MessageRecord> => {
    const message = await gateway.store.getMessage(c.req.param('id') ?? '');
    if (!message || !coversAgency(c.get('apiKey'), message.agency)) throw notFound();
    return message;
  };
  const actor = (c: Context<AppEnv>) => ({ keyId: c.get('apiKey').id, requestId: c.get('requestId') });

  app.get('/messages', async (c) => {
    const { cursor, limit, ...filter } = parse(adminListQuery, c.req.query());
    const page = await gateway.store.listMessages(scoped(c, filter), { limit, ...(cursor ? { cursor } : {}) });
    return c.json({ messages: page.messages.map((message) => operatorMessageView(message, waitingFor(gateway, message))), nextCursor: page.nextCursor ?? null });
  });

  app.get('/messages/:id', async (c) => {
    const message = await visibleMessage(c);
    const [attempts, audit] = await Promise.all([gateway.store.listAttempts(message.id), gateway.store.listAudit({ messageId: message.id }, 500)]);
    return c.json({ ...operatorMessageView(message, waitingFor(gateway, message)), attemptHistory: attempts.map(attemptView), auditTrail: audit.map(auditView) });
  });

  app.get('/audit', async (c) => {
    const { messageId, since, until, afterSeq, limit } = parse(adminAuditQuery, c.req.query());
    if (messageId) {
      const message = await gateway.store.getMessage(messageId);
      if (!message || !coversAgency(c.get('apiKey'), message.agency)) throw notFound();
    } else if (!c.get('apiKey').agencies.includes('*')) {
      throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: 'an operator key limited to agencies reads the audit trail of its own messages only (give messageId)' });
    }
    const entries = await gateway.store.listAudit({ messageId, since, until, afterSeq }, limit);
    const last = entries.at(-1);
    return c.json({ entries: entries.map(auditView), nextAfterSeq: entries.length === limit && last ? last.seq : null });
  });

  app.post('/audit/verify', async (c) => {
    if (!c.get('apiKey').agencies.includes('*')) {
      throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: 'verifying the whole audit log needs an operator key for every agency' });
    }
    return c.json(await gateway.store.verifyAudit());
  });

  app.post('/messages/:id/replay', async (c) => {
    const message = await visibleMessage(c);
    if (message.status !== 'dead') {
      throw new ProblemError({ status: 409, title: 'Not dead', kind: 'not-replayable', detail: `only dead messages are replayed; this one is ${message.status}` });
    }
    const ids = await replayMessages(gateway, { ids: [message.id] }, `key:${c.get('apiKey').id}`);
    gateway.log.info({ ...actor(c), messageIds: ids }, 'operator replayed a message');
    return c.json({ id: message.id, status: 'queued' });
  });

  app.post('/messages/:id/cancel', async (c) => {
    const message = await visibleMessage(c);
    const cancelled = await cancelMessage(gateway, message.id, `cancelled by operator (${c.get('apiKey').id})`, `key:${c.get('apiKey').id}`);
    if (!cancelled) {
      throw new ProblemError({ status: 409, title: 'Cannot cancel', kind: 'not-cancellable', detail: `a ${message.status} message cannot be cancelled` });
    }
    gateway.log.info({ ...actor(c), messageId: message.id }, 'operator cancelled a message');
    return c.json(operatorMessageView(cancelled));
  });

  app.post('/replay', async (c) => {
    const json: unknown = await c.req.json().catch(() => {
      throw malformedJson();
    });
    const body = parse(adminReplayBody, json);
    const filter = scoped(c, body.filter);
    if (body.dryRun) return c.json({ dryRun: true, ...(await gateway.store.planReplay(filter)) });
    const ids = await replayMessages(gateway, { filter }, `key:${c.get('apiKey').id}`);
    gateway.log.info({ ...actor(c), queued: ids.length, filter: body.filter }, 'operator replayed messages by filter');
    return c.json({ dryRun: false, queued: ids.length });
  });

  app.route('/', adminOverviewRoutes(gateway));
  app.route('/', adminDossierRoutes(gateway));

  app.get('/instances', async (c) => {
    // The store, not this process's last poll, says what is paused: a pause made elsewhere shows at once.
    await refreshPauses(gateway.store, gateway.instances, gateway.log);
    const stats = new Map((await gateway.store.queueStats()).map((entry) => [entry.instance, entry]));
    const now = gateway.clock.now();
    // Health as last checked in the background: a provider that hangs right now does not hold this answer.
    const instances = gateway.instances.all.map((instance) =>
      ({ ...instanceView(instance, { circuit: instance.breaker.state(now), queue: stats.get(instance.id), health: gateway.instances.health.known(instance) }, now), paused: pauseView(instance.pause) }),
    );
    return c.json({ instances });
  });

  app.route('/instances', pauseRoutes(gateway));

  return app;
}
