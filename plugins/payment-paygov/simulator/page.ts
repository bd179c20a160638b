/**
 * The hosted payment page: `GET /pay/{reference}` shows the payment with "Pay" and "Cancel" buttons; the form's
 * `POST /pay/{reference}` (`action=pay|cancel`) ends the transaction and sends the signed result to the callback
 * URL given in INIT, then shows what the gateway answered. The page is plain HTML, no script.
 * `POST /__resend/{reference}` sends an ended transaction's result again, as the platform's retry would.
 */
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ReceivedLedger, SimulatorOptions } from '../../../core/sdk/index.ts';
import type { MessageKind } from '../fields.ts';
import { settle, type SimulatedTransaction, type SimulatorAccount } from './transactions.ts';

/** What `GET /__received` lists for each result sent to the gateway. */
export interface SentResult {
  kind: Extract<MessageKind, 'RESULT'>;
  reference: string;
  maLoi: string;
  at: string;
  /** The gateway's HTTP status, or undefined when it could not be reached. */
  callbackStatus: number | undefined;
  /** The gateway's JSON answer (`{ MaLoi, MoTaLoi }`), when it gave one. */
  callbackAnswer: unknown;
}

const CALLBACK_TIMEOUT_MS = 10_000;

const layout = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="vi">
  <head><meta charset="utf-8" /><title>${title}</title></head>
  <body style="font-family: sans-serif; max-width: 32rem; margin: 2rem auto">
    <h1>Cổng thanh toán (giả lập)</h1>
    ${body}
  </body>
</html>`;

const formatVnd = (amount: string) => `${Number(amount).toLocaleString('vi-VN')} VND`;

export function paymentPage(
  account: SimulatorAccount,
  transactions: Map<string, SimulatedTransaction>,
  received: Pick<ReceivedLedger<never, SentResult>, 'record'>,
  log: SimulatorOptions['log'],
): Hono {
  const app = new Hono();

  app.get('/pay/:reference', (c) => {
    const transaction = transactions.get(c.req.param('reference'));
    if (!transaction) return c.html(layout('Không tìm thấy', html`<p>Không tìm thấy giao dịch.</p>`), 404);
    if (transaction.status !== 'pending') return c.html(layout('Đã xử lý', html`<p>Giao dịch đã kết thúc: ${transaction.status}.</p>`), 409);
    return c.html(
      layout(
        'Thanh toán',
        html`<p>Mã tham chiếu: <code>${transaction.reference}</code></p>
          <p>Nội dung: ${transaction.info}</p>
          <p>Số tiền: <strong>${formatVnd(transaction.amount)}</strong></p>
          <form method="post" action="/pay/${encodeURIComponent(transaction.reference)}">
            <button type="submit" name="action" value="pay">Pay</button>
            <button type="submit" name="action" value="cancel">Cancel</button>
          </form>`,
      ),
    );
  });

  app.post('/pay/:reference', async (c) => {
    const transaction = transactions.get(c.req.param('reference'));
    if (!transaction) return c.html(layout('Không tìm thấy', html`<p>Không tìm thấy giao dịch.</p>`), 404);
    const form = await c.req.parseBody();
    const action = form.action;
    if (action !== 'pay' && action !== 'cancel') return c.html(layout('Lỗi', html`<p>action must be pay or cancel.</p>`), 400);
    if (transaction.status !== 'pending') return c.html(layout('Đã xử lý', html`<p>Giao dịch đã kết thúc: ${transaction.status}.</p>`), 409);

    const sent = await deliver(transaction, settle(transaction, account, action === 'pay'));
    const outcome = action === 'pay' ? 'Thanh toán thành công' : 'Đã huỷ thanh toán';
    const back = transaction.returnUrl ? html`<p><a href="${transaction.returnUrl}">Quay lại</a></p>` : html``;
    return c.html(
      layout(
        outcome,
        html`<p>${outcome}. Mã giao dịch: <code>${transaction.transactionNo}</code></p>
          <p>Gateway answered: <code id="callback-status">${String(sent.callbackStatus ?? 'unreachable')}</code></p>
          ${back}`,
      ),
    );
  });
  app.post('/__resend/:reference', async (c) => {
    const transaction = transactions.get(c.req.param('reference'));
    if (!transaction?.result) return c.json({ error: 'no result to send for this reference' }, 404);
    return c.json(await deliver(transaction, transaction.result));
  });

  async function deliver(transaction: SimulatedTransaction, result: Record<string, string>) {
    const sent = await sendResult(transaction.callbackUrl, result);
    received.record({ kind: 'RESULT', reference: transaction.reference, maLoi: result.MaLoi ?? '', at: new Date().toISOString(), ...sent });
    if (sent.callbackStatus === undefined) log.warn({ reference: transaction.reference }, 'simulated platform could not deliver a result');
    return sent;
  }
  return app;
}

async function sendResult(url: string | undefined, result: Record<string, string>): Promise<Pick<SentResult, 'callbackStatus' | 'callbackAnswer'>> {
  if (!url) return { callbackStatus: undefined, callbackAnswer: undefined };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(result),
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    const text = await response.text();
    let callbackAnswer: unknown = text;
    try {
      callbackAnswer = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for /__received.
    }
    return { callbackStatus: response.status, callbackAnswer };
  } catch {
    return { callbackStatus: undefined, callbackAnswer: undefined };
  }
}
