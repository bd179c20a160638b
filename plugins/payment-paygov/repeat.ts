/**
 * A create that reaches the plugin again with the messageId of an earlier one: the one-stop software repeated it with
 * the same Idempotency-Key after a 502/504. It is the same payment (the same MaThamChieu), never a second one.
 *
 * - Pending with its page known: the first answer again.
 * - Paid, failed or expired: said so, as a refusal (the payment will not be opened again).
 * - No page known (the first INIT got no answer: a timeout, a 5xx, the gateway stopped): QUERY first, as the
 *   protocol note documents QUERY as the way to learn a transaction's state and INIT as the only message that
 *   answers a page. MaLoi 05 (the platform never took it): INIT again. Pending at the platform: INIT again, the same
 *   message field for field, on the assumption that the platform answers a repeated identical INIT with the
 *   transaction's page (the simulator does); if it refuses the MaThamChieu as used (04), the page is lost and the
 *   caller is told so. Paid or failed at the platform: the record moves, with its event, and the caller is told.
 */
import { PermanentError, type OperationContext } from '../../core/sdk/index.ts';
import type { PaygovConfig } from './config.ts';
import { openPage, type CreateInput, type CreateOutput } from './init.ts';
import type { StoredPayment } from './payment-record.ts';
import { askPlatform, settle } from './query.ts';
import { isUnknownTransaction } from './answer-codes.ts';

export async function repeatedCreate(payment: StoredPayment, input: CreateInput, ctx: OperationContext<PaygovConfig>): Promise<CreateOutput> {
  const { paymentUrl } = payment.data;
  if (payment.status === 'pending' && paymentUrl) {
    ctx.log.info({ paymentId: payment.paymentId }, 'a repeated create: the payment page already opened');
    return { paymentId: payment.paymentId, paymentUrl, expiresAt: payment.data.expiresAt };
  }
  if (payment.status === 'failed' && payment.data.initRefused) {
    const code = payment.data.failureCode ?? 'REFUSED';
    throw new PermanentError(`the payment platform refused payment ${payment.paymentId} before (${code})`, { code });
  }
  if (payment.status === 'paid' || payment.status === 'expired' || paymentUrl) throw ended(payment);
  return recoverPage(payment, input, ctx);
}

async function recoverPage(payment: StoredPayment, input: CreateInput, ctx: OperationContext<PaygovConfig>): Promise<CreateOutput> {
  const { paymentId } = payment;
  let held: boolean;
  try {
    const view = await askPlatform(payment, ctx);
    if (view.state !== 'pending') throw ended(await settle(payment, view, ctx));
    held = true;
  } catch (error) {
    if (!isUnknownTransaction(error)) throw error;
    held = false;
  }
  if (Date.now() >= Date.parse(payment.data.expiresAt)) {
    throw new PermanentError(`the page time of payment ${paymentId} passed before its page was known`, { code: 'PAYMENT_EXPIRED' });
  }
  ctx.log.info({ paymentId, held }, 'a repeated create whose first INIT got no answer: sending the same INIT again');
  try {
    return await openPage(payment, input, ctx);
  } catch (error) {
    if (held && error instanceof PermanentError && error.code === 'MALOI_04') {
      throw new PermanentError(`the payment platform holds payment ${paymentId} but does not answer its page again (MaLoi 04): it cannot be paid`, {
        code: 'PAYMENT_PAGE_LOST',
        cause: error,
      });
    }
    throw error;
  }
}

/** A payment that will not be opened again: paid, expired, or failed at the platform. */
function ended(payment: StoredPayment): PermanentError {
  if (payment.status === 'paid') return new PermanentError(`payment ${payment.paymentId} is paid already`, { code: 'PAYMENT_PAID' });
  const code = payment.status === 'expired' ? 'PAYMENT_EXPIRED' : 'PAYMENT_FAILED';
  return new PermanentError(`payment ${payment.paymentId} is ${payment.status === 'pending' ? 'still open' : payment.status} at the payment platform`, { code });
}
