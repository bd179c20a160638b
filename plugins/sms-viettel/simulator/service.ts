/**
 * The simulated CcApi service: checks a request the way the real service is known to, answers with its
 * documented strings, remembers RequestIDs to answer DUPLICATE MESSAGE, and lists what it received.
 */
import type { IncomingMessage } from 'node:http';
import { MOBILE_PREFIXES_BY_CARRIER } from '../../../core/capabilities/identifiers.ts';
import type { Deliveries, FaultDecision, ReceivedLedger, SimulatorOptions } from '../../../core/sdk/index.ts';

/** The one account the simulator knows. */
export interface SimulatorAccount {
  user: string;
  password: string;
  cpCode: string;
  brandname: string;
  commandCode: string;
}

export interface SmsReceipt {
  requestId: string;
  receiverId: string;
  serviceId: string;
  content: string;
  contentType: string;
  receivedAt: string;
}

/**
 * One RequestID as `GET /__received` lists it, however often it arrived valid: `deliveries` more than 1 means a
 * retry after an answer was lost.
 */
export type ReceivedSms = SmsReceipt & Deliveries;

/** A request the simulator refused, listed so a sandbox user can see why. */
export interface RejectedSms {
  requestId: string | undefined;
  rejected: string;
  receivedAt: string;
}

export type MtFields = Record<'User' | 'Password' | 'CPCode' | 'RequestID' | 'UserID' | 'ReceiverID' | 'ServiceID' | 'CommandCode' | 'Content' | 'ContentType', string | undefined>;

export const OK_MESSAGE = 'Insert MT_QUEUE: OK';
export const DUPLICATE_MESSAGE = 'Check ServiceID: DUPLICATE MESSAGE';
export const BLACKLIST_MESSAGE = 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST';

/** Carrier codes as Viettel names them in ALIAS_INVALID:TELCO=…; GM (Gmobile) is not seen in public code. */
const TELCO_CODES: Record<keyof typeof MOBILE_PREFIXES_BY_CARRIER, string> = { viettel: 'VT', vinaphone: 'VN', mobifone: 'MB', vietnamobile: 'VM', gmobile: 'GM' };
const TELCO_BY_PREFIX: Record<string, string> = Object.fromEntries(
  Object.entries(MOBILE_PREFIXES_BY_CARRIER).flatMap(([carrier, prefixes]) => prefixes.map((prefix) => [prefix, TELCO_CODES[carrier as keyof typeof TELCO_CODES]])),
);

/** The simulator's own limits (Viettel's are not public): ten segments' worth, in bytes as the service reports them. */
const MAX_PLAIN_BYTES = 1530;
const MAX_UNICODE_BYTES = 1340;
const BLACKLIST = ['casino', 'ca do bong da', 'cá độ bóng đá'];

const blank = (value: string | undefined): value is undefined => value === undefined || value.trim() === '';

/** The refusal the real service would answer (result 0), or undefined when the request is valid. */
export function refusalOf(request: MtFields, account: SimulatorAccount): string | undefined {
  if (blank(request.CPCode)) return 'Authenticate: Cp_code: NULL_OR_BLANK';
  if (blank(request.User)) return 'Authenticate: UserName: NULL_OR_BLANK';
  if (blank(request.Password)) return 'Authenticate: Password: NULL_OR_BLANK';
  if (request.CPCode !== account.cpCode) return 'CP_CODE_NOT_FOUND';
  if (request.User !== account.user || request.Password !== account.password) return 'WRONG_INFORMATION_AUTHENTICATE';
  if (blank(request.RequestID)) return 'Check RequestID: NULL_OR_BLANK';
  if (!/^\d{1,19}$/.test(request.RequestID)) return 'Check RequestID: REQUEST_ID_NOT_NUMBER';
  if (blank(request.UserID)) return 'Check UserID: NULL_OR_BLANK';
  if (blank(request.ReceiverID)) return 'Check ReceiverID: NULL_OR_BLANK';
  if (!/^84\d{9}$/.test(request.ReceiverID)) return 'Check ReceiverID: FORMAT_ERROR';
  if (request.UserID !== request.ReceiverID) return 'UserID_NOT_EQUAL_ReceiverID';
  const telco = TELCO_BY_PREFIX[request.ReceiverID.slice(2, 4)];
  if (!telco) return 'Unable to check telco from input receiver';
  if (request.ServiceID !== account.brandname) return `Check ServiceID: ALIAS_INVALID:TELCO=${telco}`;
  if (blank(request.CommandCode)) return 'Check CommandCode: NULL_OR_BLANK';
  if (request.CommandCode !== account.commandCode) return 'Check CommandCode: COMMAND_CODE_ERROR';
  if (blank(request.Content)) return 'Check Content: NULL_OR_BLANK';
  const unicode = request.ContentType === '1';
  const bytes = unicode ? request.Content.length * 2 : request.Content.length;
  const limit = unicode ? MAX_UNICODE_BYTES : MAX_PLAIN_BYTES;
  if (bytes > limit) return `Check Content: MAXLENGTH_LIMIT_${limit}_BYTE (YOUR_CONTENT: ${bytes} BYTE)`;
  const lower = request.Content.toLowerCase();
  if (BLACKLIST.some((word) => lower.includes(word))) return BLACKLIST_MESSAGE;
  return undefined;
}

const MT_FIELDS = ['User', 'Password', 'CPCode', 'RequestID', 'UserID', 'ReceiverID', 'ServiceID', 'CommandCode', 'Content', 'ContentType'] as const;

/** node-soap hands the request children over as an object of strings; anything else counts as absent. */
function fieldsOf(args: unknown): MtFields {
  const source = args !== null && typeof args === 'object' ? (args as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
  return Object.fromEntries(MT_FIELDS.map((name) => [name, text(source[name])])) as MtFields;
}

/** The service keeps this many RequestIDs for DUPLICATE MESSAGE, dropping the oldest. */
const REMEMBERED_REQUEST_IDS = 200_000;

export interface CcApiServiceOptions {
  account: SimulatorAccount;
  received: ReceivedLedger<SmsReceipt, RejectedSms>;
  /** The fault decided for this request by the HTTP layer (only `permanent` reaches the service). */
  faultOf(request: IncomingMessage): FaultDecision;
  /** What checkBalance answers now. */
  balance(): string;
  log?: SimulatorOptions['log'];
}

interface MtResponse {
  return: { message: string; result: number };
}

/** node-soap's `services` object for the WSDL's CcApi service and CcApiPort port. */
export function ccApiService(options: CcApiServiceOptions) {
  const { account, received, log } = options;
  const seen = new Set<string>();
  const now = () => new Date().toISOString();

  const answer = (result: number, message: string): MtResponse => ({ return: { message, result } });
  const reject = (requestId: string | undefined, message: string): MtResponse => {
    received.record({ requestId, rejected: message, receivedAt: now() });
    log?.info({ requestId, answer: message }, 'SMS refused');
    return answer(0, message);
  };

  function wsCpMt(args: unknown, _callback: unknown, _headers: unknown, request: IncomingMessage): MtResponse {
    const fields = fieldsOf(args);
    if (options.faultOf(request) === 'permanent') return reject(fields.RequestID, BLACKLIST_MESSAGE);
    const refusal = refusalOf(fields, account);
    if (refusal) return reject(fields.RequestID, refusal);
    // Valid from here on: refusalOf checked every field below.
    const requestId = fields.RequestID as string;
    received.deliver(requestId, () => ({
      requestId,
      receiverId: fields.ReceiverID as string,
      serviceId: fields.ServiceID as string,
      content: fields.Content as string,
      contentType: fields.ContentType ?? '',
      receivedAt: now(),
    }));
    if (seen.has(requestId)) {
      log?.info({ requestId }, 'SMS with a RequestID already received');
      return answer(0, DUPLICATE_MESSAGE);
    }
    seen.add(requestId);
    if (seen.size > REMEMBERED_REQUEST_IDS) {
      const oldest = seen.values().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
    log?.info({ requestId }, 'SMS accepted');
    return answer(1, OK_MESSAGE);
  }

  function checkBalance(args: unknown) {
    const fields = fieldsOf(args);
    const valid = fields.CPCode === account.cpCode && fields.User === account.user && fields.Password === account.password;
    return { return: valid ? { balance: options.balance(), errCode: 0 } : { balance: '0', errCode: 1, errDesc: 'WRONG_INFORMATION_AUTHENTICATE' } };
  }

  // wsCpMtRegDlr takes the same request; delivery reports are not simulated.
  return { CcApi: { CcApiPort: { wsCpMt, wsCpMtRegDlr: wsCpMt, checkBalance } } };
}
