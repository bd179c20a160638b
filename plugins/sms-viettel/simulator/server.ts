/**
 * The Viettel SMS simulator's HTTP side: node-soap serves CcApi at /bulkapi (and its WSDL at /bulkapi?wsdl, with
 * soap:address pointing here); in front of it, on the same port, this module answers /__control (also
 * `{ "balance": "123.45" }`, what checkBalance answers) and /__received, checks SOAPAction and plays the injected
 * faults before a request reaches the service.
 */
import { readFileSync } from 'node:fs';
import { createServer, Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { listen } from 'soap';
import * as v from 'valibot';
import {
  closedSignal,
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  faultPlayer,
  gatewayTimeout,
  listen as listenSimulator,
  serviceUnavailable,
  simulatorSettings,
  writeResponse,
  type FaultDecision,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { WSDL_PATH } from '../client.ts';
import { ccApiService, type RejectedSms, type SimulatorAccount, type SmsReceipt } from './service.ts';

export const SERVICE_PATH = '/bulkapi';
const NAMESPACE = 'http://impl.bulkSms.ws/';
const OPERATIONS = ['wsCpMt', 'wsCpMtRegDlr', 'checkBalance'];
/** Some clients send an empty SOAPAction, others the JAX-WS action of the operation: both are accepted. */
const ACCEPTED_ACTIONS = new Set(['', ...OPERATIONS.map((operation) => `${NAMESPACE}CcApi/${operation}Request`)]);
const BODY_LIMIT = 1024 * 1024;

export interface ViettelSimulatorOptions extends SimulatorOptions {
  account: SimulatorAccount;
  /** What checkBalance answers, as the decimal text the service sends. Default `50000000.00`. */
  balance?: string;
}

/** The shipped WSDL with its soap:address rewritten to `serviceUrl`. */
export function wsdlFor(serviceUrl: string): string {
  return readFileSync(WSDL_PATH, 'utf8').replace(/(<soap:address\s+location=")[^"]*(")/, `$1${serviceUrl}$2`);
}

function soapFault(status: number, code: 'Client' | 'Server', reason: string): Response {
  const body =
    '<?xml version="1.0" encoding="utf-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>' +
    `<faultcode>S:${code}</faultcode><faultstring>${reason}</faultstring></S:Fault></S:Body></S:Envelope>`;
  return new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

function plain(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

/** checkBalance answers decimal text, as the service sends it. */
const balanceText = v.pipe(v.string(), v.regex(/^\d{1,20}(\.\d{1,2})?$/, 'a decimal with at most 2 places, e.g. "50000000.00"'));

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the simulator on `host:port` and resolves once it listens; `close()` also ends requests left hanging. */
export async function startViettelSimulator(options: ViettelSimulatorOptions): Promise<RunningSimulator> {
  const { log } = options;
  const faults = createFaultInjector({ log });
  const received = createReceivedLedger<SmsReceipt, RejectedSms>();
  const settings = { balance: options.balance ?? '50000000.00' };
  const decisions = new WeakMap<IncomingMessage, FaultDecision>();
  const services = ccApiService({
    account: options.account,
    received,
    faultOf: (request) => decisions.get(request) ?? 'ok',
    balance: () => settings.balance,
    log,
  });
  const ownSettings = simulatorSettings({
    entries: { balance: v.optional(balanceText) },
    apply({ balance }) {
      if (balance !== undefined) settings.balance = balance;
      return { balance: settings.balance };
    },
  });
  const control = getRequestListener(controlRoutes(faults, received, ownSettings).fetch);
  // A permanent fault reaches the service, which refuses the SMS as the real one would (and lists the refusal).
  const playFault = faultPlayer<IncomingMessage>(faults, {
    // An overloaded service answers either way: a SOAP fault with 500, or 503 from the front proxy.
    transient: [() => soapFault(500, 'Server', 'simulated overload, try again later'), serviceUnavailable],
    timeout: gatewayTimeout,
  });
  // node-soap answers the 'request' events of the server it is given; this one never listens itself, the
  // front server below hands it the SOAP requests it lets through.
  const soapServer = new Server();

  async function acceptSoap(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) return writeResponse(res, soapFault(413, 'Client', 'request too large'));
    if (body.length === 0) return writeResponse(res, soapFault(500, 'Client', 'empty request'));
    const action = (req.headers.soapaction ?? '').toString().replace(/^"(.*)"$/, '$1');
    if (!ACCEPTED_ACTIONS.has(action)) return writeResponse(res, soapFault(500, 'Client', 'unknown SOAPAction'));
    // node-soap would look the operation up by a non-empty SOAPAction; the body's element names it already.
    delete req.headers.soapaction;

    const { decision, answer } = await playFault(req, closedSignal(res));
    if (answer) return writeResponse(res, answer);
    decisions.set(req, decision);
    // node-soap reads a body already read from `req.body`.
    Object.assign(req, { body });
    soapServer.emit('request', req, res);
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname.replace(/\/$/, '');
    if (path === '/__control' || path === '/__received') return void control(req, res);
    if (path !== SERVICE_PATH) return void writeResponse(res, plain(404, 'not found'));
    if (req.method === 'GET') return void soapServer.emit('request', req, res);
    if (req.method !== 'POST') return void writeResponse(res, plain(405, 'method not allowed', { allow: 'GET, POST' }));
    acceptSoap(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'simulator failed on a request');
      if (!res.headersSent) void writeResponse(res, soapFault(500, 'Server', 'simulator error'));
      else res.destroy();
    });
  });

  const running = await listenSimulator(server, options, faults);
  await new Promise<void>((resolve, reject) => {
    listen(soapServer, {
      path: SERVICE_PATH,
      services,
      xml: wsdlFor(`${running.url}${SERVICE_PATH}`),
      suppressStack: true,
      callback: (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
    });
  });

  return running;
}
