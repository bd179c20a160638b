/**
 * The CcApi SOAP client: node-soap over the instance's own axios client, built once per instance and endpoint
 * from the WSDL this plugin ships (never fetched from the network).
 */
import { fileURLToPath } from 'node:url';
import type { AxiosInstance } from 'axios';
import { createClientAsync, type Client, type IOptions } from 'soap';
import * as v from 'valibot';
import { hostOf } from '../../core/sdk/index.ts';
import { failureOf, malformedAnswer, type MtAnswer } from './answer-codes.ts';

export const WSDL_PATH = fileURLToPath(new URL('./wsdl/CcApi.wsdl', import.meta.url));

/** wsCpMt's children, in the order the service expects them (node-soap also orders them by the WSDL). */
export interface MtRequest {
  User: string;
  Password: string;
  CPCode: string;
  RequestID: string;
  UserID: string;
  ReceiverID: string;
  ServiceID: string;
  CommandCode: string;
  Content: string;
  ContentType: string;
}

export interface BalanceRequest {
  User: string;
  Password: string;
  CPCode: string;
}

/** Where and how one call goes. */
export interface CallTarget {
  /** The plugin instance: one client per instance and endpoint. */
  instance: string;
  endpoint: string;
  http: AxiosInstance;
  signal: AbortSignal;
  timeoutMs?: number | undefined;
}

const mtAnswerSchema = v.object({
  return: v.object({
    message: v.optional(v.string(), ''),
    result: v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.regex(/^-?\d+$/), v.transform(Number))]),
  }),
});

const balanceAnswerSchema = v.object({
  return: v.object({
    // Read as text by the deserializer below: a balance is money, never a float.
    balance: v.optional(v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/)), '0'),
    errCode: v.pipe(v.number(), v.integer()),
    errDesc: v.optional(v.string()),
  }),
});

export type BalanceAnswer = v.InferOutput<typeof balanceAnswerSchema>['return'];

/** node-soap parses xsd:decimal with Number(): 12345678901234567.89 would come back as 12345678901234568. */
const customDeserializer = { decimal: (text: string) => text };

/** Keyed by the instance's HTTP client first, so a client is dropped with the instance that owns it. */
const clients = new WeakMap<AxiosInstance, Map<string, Promise<Client>>>();

/** The node-soap client of an instance and endpoint, made on first use. */
export function clientFor(target: CallTarget): Promise<Client> {
  let byInstance = clients.get(target.http);
  if (!byInstance) {
    byInstance = new Map();
    clients.set(target.http, byInstance);
  }
  const key = `${target.instance}\n${target.endpoint}`;
  const cached = byInstance.get(key);
  if (cached) return cached;
  // One axios package, typed twice: node-soap sees its CommonJS declarations, the gateway its ES module ones.
  const request = target.http as unknown as IOptions['request'];
  const created = createClientAsync(WSDL_PATH, { endpoint: target.endpoint, request, customDeserializer });
  // A failed creation is not kept: the next attempt tries again.
  created.catch(() => byInstance.delete(key));
  byInstance.set(key, created);
  return created;
}

/** The endpoint's host, for messages: never its path or query. */
const viettelHost = (target: CallTarget) => hostOf(target.endpoint, { unknown: 'Viettel' });

async function call(target: CallTarget, operation: 'wsCpMt' | 'checkBalance', args: MtRequest | BalanceRequest): Promise<unknown> {
  const host = viettelHost(target);
  const client = await clientFor(target);
  const method: unknown = Reflect.get(client, `${operation}Async`);
  if (typeof method !== 'function') throw new Error(`the shipped WSDL has no operation ${operation}`);
  // Per-call options are merged into node-soap's axios request.
  const options = { signal: target.signal, ...(target.timeoutMs === undefined ? {} : { timeout: target.timeoutMs }) };
  try {
    const [result] = (await method.call(client, args, options)) as [unknown];
    return result;
  } catch (error) {
    throw failureOf(error, host);
  }
}

/** Sends one SMS (wsCpMt) and returns Viettel's `{ message, result }`. */
export async function sendMt(target: CallTarget, request: MtRequest): Promise<MtAnswer> {
  const answer = v.safeParse(mtAnswerSchema, await call(target, 'wsCpMt', request));
  if (!answer.success) throw malformedAnswer(viettelHost(target));
  return answer.output.return;
}

/** The account's balance (checkBalance), with the balance as text. */
export async function checkBalance(target: CallTarget, request: BalanceRequest): Promise<BalanceAnswer> {
  const answer = v.safeParse(balanceAnswerSchema, await call(target, 'checkBalance', request));
  if (!answer.success) throw malformedAnswer(viettelHost(target));
  return answer.output.return;
}
