/**
 * The VietinBank simulator's HTTP side (hono): the collection API (create, inquiry) behind the API gateway's
 * client id and secret, the hosted payment page, and the controls: `/__control` and `/__received` as every
 * simulator has (`/__control` also takes `{ "notices": "auto" | "held" }`), and `POST /__notices/resend`
 * (`{ "paymentId"?, "copies"? }`: the last notice again, several copies at once).
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context, type HonoRequest, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import {
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  faultMiddleware,
  listen,
  simulatorSettings,
  type FaultEnv,
  type FaultInjector,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { createBank, type Bank, type BankAccount, type BankAnswer } from './bank.ts';
import { createNotifier, type SentNotice } from './notices.ts';
import { paymentPage, problemPage, resultPage } from './pay-page.ts';

export const CREATE_PATH = '/collection/v1/payments';
export const INQUIRY_PATH = '/collection/v1/inquiry';

export interface VietinbankSimulatorOptions extends SimulatorOptions {
  account: BankAccount;
}

/** A request as `GET /__received` lists it (never the signature or the client secret). */
export interface ReceivedRequest {
  kind: 'create' | 'inquiry';
  requestId: string | undefined;
  /** The payment it registers or looks up. */
  paymentId: string | undefined;
  amount: string | undefined;
  notifyUrl: string | undefined;
  /** The status code answered. */
  code: string;
  refused?: string;
  receivedAt: string;
}

const resendSchema = v.object({
  paymentId: v.optional(v.string()),
  copies: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20)), 1),
});

type ApiKind = 'create' | 'inquiry';

/** How the bank's API gateway refuses a call before the API sees it. */
function gatewayRefusal(c: Context, status: 400 | 401, message: string): Response {
  return c.json({ httpCode: String(status), httpMessage: status === 401 ? 'Unauthorized' : 'Bad Request', moreInformation: message }, status);
}

/** The bank's API gateway: the client id and secret, and a JSON object body, before the API (or a fault) answers. */
function apiGateway(account: BankAccount): MiddlewareHandler {
  return async function checkedAtApiGateway(c, next) {
    if (c.req.header('x-ibm-client-id') !== account.clientId || c.req.header('x-ibm-client-secret') !== account.clientSecret) {
      return gatewayRefusal(c, 401, 'Invalid client id or secret.');
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return gatewayRefusal(c, 400, 'The body is not a JSON object.');
    await next();
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** The body apiGateway let through (hono keeps it once read). */
const requestOf = async (request: HonoRequest) => (await request.json()) as Record<string, unknown>;
const kindOf = (request: HonoRequest): ApiKind => (request.path === CREATE_PATH ? 'create' : 'inquiry');

export function vietinbankSimulatorApp(account: BankAccount, faults: FaultInjector, pageUrl: () => string, log?: SimulatorOptions['log']) {
  const bank: Bank = createBank(account, pageUrl);
  const received = createReceivedLedger<never, ReceivedRequest | SentNotice>();
  const notifier = createNotifier(bank, received, log);
  const app = new Hono<FaultEnv>();

  const codeOf = (answer: BankAnswer) => text((answer.body.status as { code?: unknown } | undefined)?.code) ?? '';

  function record(kind: ApiKind, request: Record<string, unknown>, answered: string, refused: string | undefined) {
    const entry: ReceivedRequest = {
      kind,
      requestId: text(request.requestId),
      paymentId: text(kind === 'create' ? request.billNo : request.queryTransactionId),
      amount: text(request.amount),
      notifyUrl: text(request.notifyUrl),
      code: answered,
      ...(refused ? { refused } : {}),
      receivedAt: new Date().toISOString(),
    };
    received.record(entry);
    log?.info({ kind, requestId: entry.requestId, code: answered }, 'VietinBank request answered');
  }

  /** A fault the bank answers signed, as it answers a request it cannot serve; listed like any answer. */
  const signedRefusal = (code: string, message: string) =>
    async function refusedByBank(request: HonoRequest): Promise<Response> {
      const kind = kindOf(request);
      const body = await requestOf(request);
      const answer = bank.refuse(kind === 'create' ? 'createAnswer' : 'inquiryAnswer', body.requestId, code, message);
      record(kind, body, codeOf(answer), undefined);
      return Response.json(answer.body, { status: answer.status });
    };
  // A timeout is the API's own: the bank takes the request, then withholds the answer.
  const injectedFault = faultMiddleware(faults, {
    // An overloaded bank answers either way: 503 from its API gateway, or a signed "system error".
    transient: [
      () => Response.json({ httpCode: '503', httpMessage: 'Service Unavailable' }, { status: 503, headers: { 'retry-after': '1' } }),
      signedRefusal('99', 'System error'),
    ],
    permanent: signedRefusal('03', 'Merchant is not active'),
  });

  const api = (kind: ApiKind, handle: (request: Record<string, unknown>) => { answer: BankAnswer; refused?: string }) =>
    async function answerApi(c: Context<FaultEnv>) {
      const request = await requestOf(c.req);
      if (c.get('fault') === 'timeout') {
        // The case a look-up must settle: was the payment registered?
        const taken = kind === 'create' ? handle(request) : undefined;
        record(kind, request, taken ? `${codeOf(taken.answer)} (answer withheld)` : 'no answer', taken?.refused);
        await faults.hang(c.req.raw.signal);
        return c.body(null, 504);
      }
      const outcome = handle(request);
      record(kind, request, codeOf(outcome.answer), outcome.refused);
      return c.json(outcome.answer.body, outcome.answer.status as 200);
    };

  const beforeApi = [bodyLimit({ maxSize: 64 * 1024 }), apiGateway(account), injectedFault] as const;
  app.post(CREATE_PATH, ...beforeApi, api('create', (request) => bank.create(request)));
  app.post(INQUIRY_PATH, ...beforeApi, api('inquiry', (request) => bank.inquire(request)));

  app.get('/pay/:id', (c) => {
    const payment = bank.find(c.req.param('id'));
    if (!payment) return c.html(problemPage('There is no such payment.'), 404);
    bank.refresh(payment);
    return c.html(paymentPage(payment));
  });
  app.post('/pay/:id', async (c) => {
    const form = await c.req.parseBody();
    const action = form.action === 'pay' || form.action === 'cancel' ? form.action : undefined;
    if (!action) return c.html(problemPage('Choose Pay or Cancel.'), 400);
    const payment = bank.settle(c.req.param('id'), action);
    if (typeof payment === 'string') return c.html(problemPage(`This payment cannot be made: ${payment}.`), 409);
    if (payment.state === 'paid') await notifier.paid(payment);
    return c.html(resultPage(payment));
  });

  app.post('/__notices/resend', async (c) => {
    const request = v.safeParse(resendSchema, await c.req.json().catch(() => ({})));
    if (!request.success) return c.json({ title: 'expected { "paymentId"?: string, "copies"?: 1..20 }' }, 400);
    const sent = await notifier.resend(request.output.paymentId, request.output.copies);
    if (!sent) return c.json({ title: 'no paid payment to notify about' }, 404);
    return c.json(sent);
  });
  const noticeSettings = simulatorSettings({
    entries: { notices: v.optional(v.picklist(['auto', 'held'])) },
    apply({ notices }) {
      if (notices) notifier.settings.delivery = notices;
      return { notices: notifier.settings.delivery };
    },
  });
  app.route('/', controlRoutes(faults, received, noticeSettings));
  return app;
}

/** Starts the simulator on `host:port` and resolves once it listens; `close()` also ends requests left hanging. */
export async function startVietinbankSimulator(options: VietinbankSimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector({ log: options.log });
  let url = '';
  const app = vietinbankSimulatorApp(options.account, faults, () => url, options.log);
  const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
  url = running.url;
  return running;
}
