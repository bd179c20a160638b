/**
 * The VietinBank simulator's HTTP side (hono): the collection API (create, inquiry) behind the API gateway's
 * client id and secret, the hosted payment page, and the controls: `/__control` and `/__received` as every
 * simulator has, `POST /__notices` (`{ "delivery": "auto" | "held" }`) and `POST /__notices/resend`
 * (`{ "paymentId"?, "copies"? }`: the last notice again, several copies at once).
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { controlRoutes, createFaultInjector, listen, type FaultInjector, type RunningSimulator, type SimulatorOptions } from '../../../core/sdk/index.ts';
import { createBank, type Bank, type BankAccount, type BankAnswer } from './bank.ts';
import { createNotifier } from './notices.ts';
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

const noticeSettingsSchema = v.object({ delivery: v.picklist(['auto', 'held']) });
const resendSchema = v.object({
  paymentId: v.optional(v.string()),
  copies: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(20)), 1),
});

/** How the bank's API gateway refuses a call before the API sees it. */
function gatewayRefusal(c: Context, status: 400 | 401, message: string): Response {
  return c.json({ httpCode: String(status), httpMessage: status === 401 ? 'Unauthorized' : 'Bad Request', moreInformation: message }, status);
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function vietinbankSimulatorApp(account: BankAccount, faults: FaultInjector, pageUrl: () => string, log?: SimulatorOptions['log']) {
  const bank: Bank = createBank(account, pageUrl);
  const notifier = createNotifier(bank, faults, log);
  const app = new Hono();
  let transientFaults = 0;

  const codeOf = (answer: BankAnswer) => text((answer.body.status as { code?: unknown } | undefined)?.code) ?? '';

  function record(kind: 'create' | 'inquiry', request: Record<string, unknown>, answered: string, refused: string | undefined) {
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
    faults.record(entry);
    log?.info({ kind, requestId: entry.requestId, code: answered }, 'VietinBank request answered');
  }

  async function api(c: Context, kind: 'create' | 'inquiry', handle: (request: Record<string, unknown>) => { answer: BankAnswer; refused?: string }) {
    if (c.req.header('x-ibm-client-id') !== account.clientId || c.req.header('x-ibm-client-secret') !== account.clientSecret) {
      return gatewayRefusal(c, 401, 'Invalid client id or secret.');
    }
    const body: unknown = await c.req.json().catch(() => undefined);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return gatewayRefusal(c, 400, 'The body is not a JSON object.');
    const request = body as Record<string, unknown>;
    const decision = await faults.next();
    if (decision === 'transient') {
      // An overloaded bank answers either way: 503 from its API gateway, or a signed "system error".
      transientFaults += 1;
      if (transientFaults % 2 === 1) return c.json({ httpCode: '503', httpMessage: 'Service Unavailable' }, 503, { 'retry-after': '1' });
    }
    if (decision === 'timeout') {
      // The bank takes the request, then the answer never comes: the case a look-up must settle.
      const taken = kind === 'create' ? handle(request) : undefined;
      record(kind, request, taken ? `${codeOf(taken.answer)} (answer withheld)` : 'no answer', taken?.refused);
      log?.info('simulated timeout: holding the request until the client gives up');
      await faults.hang(c.req.raw.signal);
      return c.body(null, 504);
    }
    const outcome =
      decision === 'transient' ? { answer: systemError(kind, request) } : decision === 'permanent' ? { answer: merchantInactive(kind, request) } : handle(request);
    record(kind, request, codeOf(outcome.answer), 'refused' in outcome ? outcome.refused : undefined);
    return c.json(outcome.answer.body, outcome.answer.status as 200);
  }

  const signedRefusal = (kind: 'create' | 'inquiry', request: Record<string, unknown>, code: string, message: string): BankAnswer =>
    bank.refuse(kind === 'create' ? 'createAnswer' : 'inquiryAnswer', request.requestId, code, message);
  const systemError = (kind: 'create' | 'inquiry', request: Record<string, unknown>) => signedRefusal(kind, request, '99', 'System error');
  const merchantInactive = (kind: 'create' | 'inquiry', request: Record<string, unknown>) => signedRefusal(kind, request, '03', 'Merchant is not active');

  app.post(CREATE_PATH, bodyLimit({ maxSize: 64 * 1024 }), (c) => api(c, 'create', (request) => bank.create(request)));
  app.post(INQUIRY_PATH, bodyLimit({ maxSize: 64 * 1024 }), (c) => api(c, 'inquiry', (request) => bank.inquire(request)));

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

  app.post('/__notices', async (c) => {
    const settings = v.safeParse(noticeSettingsSchema, await c.req.json().catch(() => undefined));
    if (!settings.success) return c.json({ title: 'expected { "delivery": "auto" | "held" }' }, 400);
    notifier.settings.delivery = settings.output.delivery;
    return c.json(notifier.settings);
  });
  app.post('/__notices/resend', async (c) => {
    const request = v.safeParse(resendSchema, await c.req.json().catch(() => ({})));
    if (!request.success) return c.json({ title: 'expected { "paymentId"?: string, "copies"?: 1..20 }' }, 400);
    const sent = await notifier.resend(request.output.paymentId, request.output.copies);
    if (!sent) return c.json({ title: 'no paid payment to notify about' }, 404);
    return c.json(sent);
  });
  app.route('/', controlRoutes(faults));
  return app;
}

/** Starts the simulator on `host:port` and resolves once it listens; `close()` also ends requests left hanging. */
export async function startVietinbankSimulator(options: VietinbankSimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector();
  let url = '';
  const app = vietinbankSimulatorApp(options.account, faults, () => url, options.log);
  const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
  url = running.url;
  return running;
}
