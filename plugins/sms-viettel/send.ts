/**
 * The `send` operation: `prepare` holds the text to the instance's segment limit at the API edge, `run` sends it with
 * wsCpMt. The text itself is the capability's business (core/capabilities/sms.ts shapes it at the edge for every
 * SMS provider); what is Viettel's here is the segment limit of the account and its content types.
 */
import type * as v from 'valibot';
import type { smsSendInput, smsSendOutput } from '../../core/capabilities/sms.ts';
import { countSegments, smsText } from '../../core/capabilities/sms-text.ts';
import { InputError, PermanentError, maskPhone, type OperationContext, type PrepareContext } from '../../core/sdk/index.ts';
import { acceptedOrThrow } from './answer-codes.ts';
import { sendMt } from './client.ts';
import type { ViettelConfig } from './config.ts';

type SendInput = v.InferOutput<typeof smsSendInput>;
type SendOutput = v.InferOutput<typeof smsSendOutput>;

/** Refuses, before anything is stored, a text that needs more SMS segments than the instance allows. */
export function prepare(input: SendInput, { config }: PrepareContext<ViettelConfig>): SendInput {
  const segments = countSegments(smsText(input), input.unicode);
  if (segments > config.maxSegments) {
    const kind = input.unicode ? 'Unicode' : 'non-Unicode';
    throw new InputError([{ path: 'text', message: `text needs ${segments} ${kind} SMS segments; this provider instance allows at most ${config.maxSegments}` }]);
  }
  return input;
}

/**
 * Sends one SMS. RequestID is the message's store sequence plus the instance's offset: numeric, the same on every
 * retry. wsCpMt answers only `{ message, result }`, no id of its own: `providerMessageId` stays unset.
 */
export async function run(input: SendInput, ctx: OperationContext<ViettelConfig>): Promise<SendOutput> {
  const { config } = ctx;
  if (ctx.sequence === undefined) throw new PermanentError('an SMS must be queued: it has no sequence number for RequestID', { code: 'NO_REQUEST_ID' });
  // Shaped at the edge already; shaped again here (the same text comes out) for a message stored before that.
  const content = smsText(input);
  const segments = countSegments(content, input.unicode);
  const answer = await sendMt(
    { endpoint: config.endpoint, http: ctx.http, signal: ctx.signal, timeoutMs: config.timeoutMs },
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
