/**
 * The CcApi SOAP client: node-soap reads the WSDL this plugin ships (never fetched from the network) and writes
 * and reads each call; the call goes over the instance's own HTTP client (soap-exchange.ts).
 */
import { fileURLToPath } from 'node:url';
import type { AxiosInstance } from 'axios';
import { createClientAsync, type Client } from 'soap';
import * as v from 'valibot';
import { hostOf } from '../../core/sdk/index.ts';
import { malformedAnswer, type MtAnswer } from './answer-codes.ts';
import { exchange } from './soap-exchange.ts';

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

let shipped: Promise<Client> | undefined;

/**
 * node-soap's reading of the shipped WSDL, made on first use and shared by every instance: it writes each call's
 * envelope and reads its answer; the endpoint comes with each call.
 */
export function wsdlClient(): Promise<Client> {
  if (shipped) return shipped;
  const created = createClientAsync(WSDL_PATH, { customDeserializer });
  // A failed reading is not kept: the next attempt tries again.
  created.catch(() => {
    if (shipped === created) shipped = undefined;
  });
  shipped = created;
  return created;
}

async function call(target: CallTarget, operation: 'wsCpMt' | 'checkBalance', args: MtRequest | BalanceRequest): Promise<unknown> {
  const { http, endpoint, signal, timeoutMs } = target;
  return exchange(await wsdlClient(), operation, args, { http, endpoint, host: viettelHost(target), signal, timeoutMs });
}

/** The endpoint's host, for messages: never its path or query. */
const viettelHost = (target: CallTarget) => hostOf(target.endpoint, { unknown: 'Viettel' });

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
