/**
 * The one place that says what Viettel's answers and failures mean for delivery. `result = 1` is accepted; every
 * other answer is looked up by its message in RESULT_TABLE; what is not in the table is retryable (an unknown
 * answer must not lose a message). Transport failures are classified in `failureOf` below.
 *
 * Errors carry the provider's message and use it (or its fixed prefix) as the error code. They never carry the
 * password, the content or the full phone number: the receiver appears masked.
 */
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';

export type Verdict = 'permanent' | 'retryable' | 'duplicate';

export interface ResultRow {
  /** The provider's `message` for `result = 0`; with `prefix`, what it starts with (the rest carries numbers). */
  message: string;
  prefix?: boolean;
  verdict: Verdict;
  /** For the operator reading the dead letter. */
  meaning: string;
}

export const RESULT_TABLE: readonly ResultRow[] = [
  // Authentication and whitelist: the instance config (or Viettel's side) must change; replay afterwards.
  { message: 'Authenticate: Cp_code: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no CP code was sent' },
  { message: 'Authenticate: UserName: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no user was sent' },
  { message: 'Authenticate: Password: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no password was sent' },
  { message: 'CP_CODE_NOT_FOUND', verdict: 'permanent', meaning: 'Viettel does not know the CP code' },
  { message: 'WRONG_INFORMATION_AUTHENTICATE', verdict: 'permanent', meaning: 'wrong user or password' },
  { message: 'Authenticate: IP_INVALID', verdict: 'permanent', meaning: "the gateway's IP address is not whitelisted" },
  // The request itself.
  { message: 'Check RequestID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no RequestID was sent' },
  { message: 'Check RequestID: REQUEST_ID_NOT_NUMBER', verdict: 'permanent', meaning: 'the RequestID is not a number' },
  { message: 'Check UserID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no UserID was sent' },
  { message: 'Check ReceiverID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no receiver was sent' },
  { message: 'Check ReceiverID: FORMAT_ERROR', verdict: 'permanent', meaning: 'the receiver is not a number Viettel accepts' },
  { message: 'UserID_NOT_EQUAL_ReceiverID', verdict: 'permanent', meaning: 'UserID and ReceiverID differ' },
  // A failed carrier look-up of a number whose prefix we checked: Viettel's look-up may answer on a later try.
  { message: 'Unable to check telco from input receiver', verdict: 'retryable', meaning: "Viettel's carrier look-up failed" },
  // Brandname and command.
  { message: 'Check ServiceID: DUPLICATE MESSAGE', verdict: 'duplicate', meaning: 'this RequestID was already received' },
  { message: 'Check ServiceID: ALIAS_INVALID', prefix: true, verdict: 'permanent', meaning: 'the brandname is not registered for this carrier' },
  { message: 'Check CommandCode: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no command code was sent' },
  { message: 'Check CommandCode: COMMAND_CODE_ERROR', verdict: 'permanent', meaning: 'the command code is wrong' },
  // Content.
  { message: 'Check Content: NULL_OR_BLANK', verdict: 'permanent', meaning: 'the content is empty' },
  { message: 'Check Content: MAXLENGTH_LIMIT', prefix: true, verdict: 'permanent', meaning: 'the content is longer than Viettel allows' },
  { message: 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST', verdict: 'permanent', meaning: 'the content contains a blacklisted word' },
  { message: 'Check template: CONTENT_NOT_MATCH_TEMPLATE', verdict: 'permanent', meaning: 'the content matches no registered template' },
  // Says nothing about the cause: try again within the attempt budget.
  { message: 'Check information error', verdict: 'retryable', meaning: 'Viettel reported an unspecified error' },
];

export function findResultRow(message: string): ResultRow | undefined {
  const trimmed = message.trim();
  return RESULT_TABLE.find((row) => (row.prefix ? trimmed.startsWith(row.message) : trimmed === row.message));
}

/** Viettel's answer to wsCpMt: `{ message, result }`. */
export interface MtAnswer {
  message: string;
  result: number;
}

/** What the attempt is about, for messages: never the content, never the whole number. */
export interface Attempt {
  requestId: number;
  receiver: string;
  /** An earlier attempt may have reached Viettel (a retry, a replay, a restart): DUPLICATE then means it got through. */
  triedBefore: boolean;
}

export type Accepted = { providerMessage: string; providerCode: string; duplicate: boolean };

/** Accepted (possibly as a duplicate of an earlier try), or throws the error the gateway acts on. */
export function acceptedOrThrow(answer: MtAnswer, about: Attempt): Accepted {
  const providerCode = String(answer.result);
  if (answer.result === 1) return { providerMessage: answer.message, providerCode, duplicate: false };
  const row = findResultRow(answer.message);
  const refused = `Viettel answered result=${providerCode} for RequestID ${about.requestId} to ${maskPhone(about.receiver)}`;
  const provider = shorten(answer.message);
  if (!row) {
    throw new RetryableError(`${refused}: ${provider || '(no message)'} (not a known answer)`, { code: 'UNKNOWN_RESULT' });
  }
  if (row.verdict === 'duplicate') {
    if (about.triedBefore) return { providerMessage: answer.message, providerCode, duplicate: true };
    // Never tried before, so the RequestID must have been used by another message: this one was never sent.
    throw new PermanentError(`${refused}: ${provider} (RequestID already used by another message)`, { code: row.message });
  }
  const ErrorClass = row.verdict === 'permanent' ? PermanentError : RetryableError;
  throw new ErrorClass(`${refused}: ${provider} (${row.meaning})`, { code: row.message });
}

/**
 * What a SOAP call threw, as the gateway's errors. Connection errors, timeouts and aborts arrive already
 * classified by the instance's HTTP client. node-soap hands back every HTTP status itself, so: a SOAP fault,
 * 5xx, 408 and 429 are retryable (with the server's Retry-After in seconds); any other 4xx is permanent; an
 * answer that is not the expected SOAP envelope is retryable.
 */
export function failureOf(error: unknown, host: string): RetryableError | PermanentError {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const status = numberAt(error, 'response', 'status');
  const fault = at(error, 'root', 'Envelope', 'Body', 'Fault');
  if (fault !== undefined) {
    const faultCode = textOf(at(fault, 'faultcode')) ?? textOf(at(fault, 'Code', 'Value')) ?? 'fault';
    const faultString = textOf(at(fault, 'faultstring')) ?? textOf(at(fault, 'Reason', 'Text')) ?? '';
    const httpStatus = status === undefined ? '' : ` (HTTP ${status})`;
    return new RetryableError(`SOAP fault from ${host}${httpStatus}: ${shorten(`${faultCode}: ${faultString}`)}`, { code: 'SOAP_FAULT' });
  }
  if (status !== undefined && (status >= 500 || status === 408 || status === 429)) {
    const retryAfterMs = retryAfterOf(at(error, 'response', 'headers', 'retry-after'));
    return new RetryableError(`HTTP ${status} from ${host}`, { code: `HTTP_${status}`, retryAfterMs });
  }
  if (status !== undefined && status >= 400) return new PermanentError(`HTTP ${status} from ${host}`, { code: `HTTP_${status}` });
  return malformedAnswer(host);
}

/** An answer that is not the SOAP envelope the WSDL describes: retryable, the next try may get a proper one. */
export function malformedAnswer(host: string): RetryableError {
  return new RetryableError(`the answer from ${host} is not the expected SOAP envelope`, { code: 'MALFORMED_ANSWER' });
}

/** `84981234567` → `8498****567`: enough for an operator to match a complaint, not to identify. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  return phone.slice(0, 4) + '*'.repeat(phone.length - 7) + phone.slice(-3);
}

/** Provider text in an error: phone-like digit runs masked, bounded in length. */
function shorten(text: string): string {
  const masked = text.trim().replace(/(?<!\d)(?:\+?84|0)\d{9}(?!\d)/g, maskPhone);
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

function retryAfterOf(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value) * 1000 : undefined;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function numberAt(value: unknown, ...path: string[]): number | undefined {
  const found = at(value, ...path);
  return typeof found === 'number' ? found : undefined;
}

/** node-soap gives an element's text as a string, or as `{ $value }` when the element has attributes. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const inner = at(value, '$value');
  return typeof inner === 'string' ? inner : undefined;
}
