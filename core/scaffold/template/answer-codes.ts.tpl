/**
 * The one place that says what the provider's answer codes mean for delivery. A code not in the table is retryable:
 * an answer nobody knows must not lose a message. Check each row against the provider's documentation.
 */
import { NotFoundError, PermanentError, RetryableError, codeTable, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';

type Verdict = 'done' | 'permanent' | 'retryable' | 'not-found';

export const ANSWER_CODES = codeTable<CodeRow<Verdict>>([
  { code: '00', verdict: 'done', meaning: 'the provider did what was asked' },
  { code: '01', verdict: 'permanent', meaning: 'the provider refused the request as invalid' },
  { code: '02', verdict: 'permanent', meaning: 'the provider refused the API key: fix the instance config, then replay' },
  { code: '05', verdict: 'not-found', meaning: 'the provider does not know what was asked about' },
  { code: '09', verdict: 'retryable', meaning: 'the provider is busy' },
  { code: '99', verdict: 'retryable', meaning: 'the provider reported a system error' },
]);

/** Whether `code` means success. */
export const isDone = (code: string) => ANSWER_CODES.find(code)?.verdict === 'done';

/** The error a refusal with `code` is: its meaning for the operator, and what the provider said, masked. */
export function answerError(code: string, message: string | undefined): Error {
  const row = ANSWER_CODES.find(code);
  const said = message ? `: ${maskedExcerpt(message, 200)}` : '';
  // The code is the provider's text too: bounded and masked like the rest of what it said.
  const shown = maskedExcerpt(code, 40);
  const text = `__ID__ answered ${shown} (${row?.meaning ?? 'a code the plugin does not know'})${said}`;
  if (row?.verdict === 'not-found') return new NotFoundError(text, { code: shown });
  if (row?.verdict === 'permanent') return new PermanentError(text, { code: shown });
  return new RetryableError(text, { code: shown });
}
