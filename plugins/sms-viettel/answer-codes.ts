/**
 * The one place that says what Viettel's answers and failures mean for delivery. `result = 1` is accepted; every
 * other answer is looked up by its message in ANSWER_CODES; what is not in the table is retryable (an unknown
 * answer must not lose a message). Transport failures are classified in `failureOf` below.
 *
 * Errors carry the provider's message and use it (or its fixed prefix) as the error code. They never carry the
 * password, the content or the full phone number: the receiver appears masked.
 */
import { PermanentError, RetryableError, codeTable, httpStatusError, maskPhone, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';

export type Verdict = 'permanent' | 'retryable' | 'duplicate';

/**
 * Viettel answers `result = 0` with a message that says why: the message is the code. A `prefix` row is a message
 * that goes on with varying text (a carrier, a length).
 */
export const ANSWER_CODES = codeTable<CodeRow<Verdict>>([
  // Authentication and whitelist: the instance config (or Viettel's side) must change; replay afterwards.
  { code: 'Authenticate: Cp_code: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no CP code was sent' },
  { code: 'Authenticate: UserName: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no user was sent' },
  { code: 'Authenticate: Password: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no password was sent' },
  { code: 'CP_CODE_NOT_FOUND', verdict: 'permanent', meaning: 'Viettel does not know the CP code' },
  { code: 'WRONG_INFORMATION_AUTHENTICATE', verdict: 'permanent', meaning: 'wrong user or password' },
  { code: 'Authenticate: IP_INVALID', verdict: 'permanent', meaning: "the gateway's IP address is not whitelisted" },
  // The request itself.
  { code: 'Check RequestID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no RequestID was sent' },
  { code: 'Check RequestID: REQUEST_ID_NOT_NUMBER', verdict: 'permanent', meaning: 'the RequestID is not a number' },
  { code: 'Check UserID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no UserID was sent' },
  { code: 'Check ReceiverID: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no receiver was sent' },
  { code: 'Check ReceiverID: FORMAT_ERROR', verdict: 'permanent', meaning: 'the receiver is not a number Viettel accepts' },
  { code: 'UserID_NOT_EQUAL_ReceiverID', verdict: 'permanent', meaning: 'UserID and ReceiverID differ' },
  // A failed carrier look-up of a number whose prefix we checked: Viettel's look-up may answer on a later try.
  { code: 'Unable to check telco from input receiver', verdict: 'retryable', meaning: "Viettel's carrier look-up failed" },
  // Brandname and command.
  { code: 'Check ServiceID: DUPLICATE MESSAGE', verdict: 'duplicate', meaning: 'this RequestID was already received' },
  { code: 'Check ServiceID: ALIAS_INVALID', prefix: true, verdict: 'permanent', meaning: 'the brandname is not registered for this carrier' },
  { code: 'Check CommandCode: NULL_OR_BLANK', verdict: 'permanent', meaning: 'no command code was sent' },
  { code: 'Check CommandCode: COMMAND_CODE_ERROR', verdict: 'permanent', meaning: 'the command code is wrong' },
  // Content.
  { code: 'Check Content: NULL_OR_BLANK', verdict: 'permanent', meaning: 'the content is empty' },
  { code: 'Check Content: MAXLENGTH_LIMIT', prefix: true, verdict: 'permanent', meaning: 'the content is longer than Viettel allows' },
  { code: 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST', verdict: 'permanent', meaning: 'the content contains a blacklisted word' },
  { code: 'Check template: CONTENT_NOT_MATCH_TEMPLATE', verdict: 'permanent', meaning: 'the content matches no registered template' },
  // Says nothing about the cause: try again within the attempt budget.
  { code: 'Check information error', verdict: 'retryable', meaning: 'Viettel reported an unspecified error' },
]);

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
  const row = ANSWER_CODES.find(answer.message);
  const refused = `Viettel answered result=${providerCode} for RequestID ${about.requestId} to ${maskPhone(about.receiver)}`;
  const provider = maskedExcerpt(answer.message);
  if (!row) {
    throw new RetryableError(`${refused}: ${provider || '(no message)'} (not a known answer)`, { code: 'UNKNOWN_RESULT' });
  }
  if (row.verdict === 'duplicate') {
    if (about.triedBefore) return { providerMessage: answer.message, providerCode, duplicate: true };
    // Never tried before, so the RequestID must have been used by another message: this one was never sent.
    throw new PermanentError(`${refused}: ${provider} (RequestID already used by another message)`, { code: row.code });
  }
  const ErrorClass = row.verdict === 'permanent' ? PermanentError : RetryableError;
  throw new ErrorClass(`${refused}: ${provider} (${row.meaning})`, { code: row.code });
}

/** A SOAP call's answer that is not the operation's: its status and headers, and the envelope of a fault. */
export interface FailedAnswer {
  response: { status: number; headers: Record<string, unknown> };
  /** The parsed envelope, when the answer was a SOAP fault. */
  root?: unknown;
}

/**
 * A failed answer as the gateway's error (connection errors, timeouts and aborts arrive already classified by the
 * instance's HTTP client): a SOAP fault is retryable; other statuses from 400 up go by the HTTP rules (5xx, 408,
 * 425, 429 retryable with the server's Retry-After, the rest permanent); an answer that is not the expected SOAP
 * envelope is retryable.
 */
export function failureOf(answer: FailedAnswer, host: string): RetryableError | PermanentError {
  const { status, headers } = answer.response;
  const fault = at(answer.root, 'Envelope', 'Body', 'Fault');
  if (fault !== undefined) {
    const faultCode = textOf(at(fault, 'faultcode')) ?? textOf(at(fault, 'Code', 'Value')) ?? 'fault';
    const faultString = textOf(at(fault, 'faultstring')) ?? textOf(at(fault, 'Reason', 'Text')) ?? '';
    return new RetryableError(`SOAP fault from ${host} (HTTP ${status}): ${maskedExcerpt(`${faultCode}: ${faultString}`)}`, { code: 'SOAP_FAULT' });
  }
  if (status >= 400) return httpStatusError(status, host, at(headers, 'retry-after'));
  return malformedAnswer(host);
}

/** An answer that is not the SOAP envelope the WSDL describes: retryable, the next try may get a proper one. */
export function malformedAnswer(host: string): RetryableError {
  return new RetryableError(`the answer from ${host} is not the expected SOAP envelope`, { code: 'MALFORMED_ANSWER' });
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** node-soap gives an element's text as a string, or as `{ $value }` when the element has attributes. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const inner = at(value, '$value');
  return typeof inner === 'string' ? inner : undefined;
}
