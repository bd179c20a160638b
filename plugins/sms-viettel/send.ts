/** The `send` operation: `prepare` shapes and checks the text at the API edge, `run` sends it with wsCpMt. */
import type * as v from 'valibot';
import type { smsSendInput, smsSendOutput } from '../../core/capabilities/sms.ts';
import { InputError, PermanentError, maskPhone, type OperationContext, type PrepareContext } from '../../core/sdk/index.ts';
import { sendMt } from './client.ts';
import type { ViettelConfig } from './config.ts';
import { countSegments, hasUnsendableCharacters, nonGsmCharacters, toGsmText } from './content.ts';
import { acceptedOrThrow } from './answer-codes.ts';

type SendInput = v.InferOutput<typeof smsSendInput>;
type SendOutput = v.InferOutput<typeof smsSendOutput>;

/** The text exactly as it will be sent: without diacritics for a non-Unicode SMS, NFC for a Unicode one. */
export function contentOf(input: Pick<SendInput, 'text' | 'unicode'>): string {
  return input.unicode ? input.text.normalize('NFC') : toGsmText(input.text);
}

/**
 * Refuses, before anything is stored, a text that cannot be sent as asked or that needs more segments than the
 * instance allows. Messages describe the text, never quote it.
 */
export function prepare(input: SendInput, { config }: PrepareContext<ViettelConfig>): SendInput {
  const text = contentOf(input);
  const problem = (message: string) => new InputError([{ path: 'text', message }]);
  if (text.trim() === '') throw problem('text is empty once diacritics are removed');
  if (hasUnsendableCharacters(text)) throw problem('text contains control characters or broken surrogates');
  if (!input.unicode) {
    const unsupported = nonGsmCharacters(text);
    if (unsupported.length > 0) {
      throw problem(`text has characters a non-Unicode SMS cannot carry (${unsupported.slice(0, 5).join(', ')}): send it with unicode: true`);
    }
  }
  const segments = countSegments(text, input.unicode);
  if (segments > config.maxSegments) {
    const kind = input.unicode ? 'Unicode' : 'non-Unicode';
    throw problem(`text needs ${segments} ${kind} SMS segments; this provider instance allows at most ${config.maxSegments}`);
  }
  return { ...input, text };
}

/** Sends one SMS. RequestID is the message's store sequence plus the instance's offset: numeric, the same on every retry. */
export async function run(input: SendInput, ctx: OperationContext<ViettelConfig>): Promise<SendOutput> {
  const { config } = ctx;
  if (ctx.sequence === undefined) throw new PermanentError('an SMS must be queued: it has no sequence number for RequestID', { code: 'NO_REQUEST_ID' });
  const content = contentOf(input);
  const segments = countSegments(content, input.unicode);
  const answer = await sendMt(
    { instance: ctx.instance, endpoint: config.endpoint, http: ctx.http, signal: ctx.signal, timeoutMs: config.timeoutMs },
    {
      User: config.user,
      Password: config.password.reveal(),
      CPCode: config.cpCode,
      RequestID: String(ctx.config.requestIdOffset + ctx.sequence),
      UserID: input.to,
      ReceiverID: input.to,
      ServiceID: config.brandname,
      CommandCode: config.commandCode,
      Content: content,
      ContentType: input.unicode ? config.contentTypeUnicode : config.contentTypePlain,
    },
  );
  const accepted = acceptedOrThrow(answer, { requestId: ctx.config.requestIdOffset + ctx.sequence, receiver: input.to, triedBefore: ctx.triedBefore });
  ctx.log.info(
    { requestId: ctx.config.requestIdOffset + ctx.sequence, receiver: maskPhone(input.to), segments, duplicate: accepted.duplicate },
    accepted.duplicate ? 'Viettel already had this SMS from an earlier attempt' : 'Viettel accepted the SMS',
  );
  return { ...accepted, segments };
}
