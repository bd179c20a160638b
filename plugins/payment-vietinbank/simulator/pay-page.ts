/** The bank's hosted payment page: plain HTML with a Pay and a Cancel button, usable by a person or a browser test. */
import { html } from 'hono/html';
import type { BankPayment } from './bank.ts';

const vnd = (amount: number) => `${amount.toLocaleString('vi-VN')} VND`;

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} — VietinBank (simulator)</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: .4rem 1rem; }
      button { font-size: 1rem; padding: .5rem 1.5rem; margin-right: 1rem; }
    </style>
  </head>
  <body>
    <h1>${title}</h1>
    ${body}
    <p><small>VietinBank simulator: no money moves here.</small></p>
  </body>
</html>`;
}

function details(payment: BankPayment) {
  return html`<dl>
    <dt>Payment</dt><dd id="payment-id">${payment.billNo}</dd>
    <dt>Amount</dt><dd id="amount">${vnd(payment.amount)}</dd>
    <dt>Description</dt><dd id="remark">${payment.remark}</dd>
    <dt>Status</dt><dd id="state">${payment.state}</dd>
  </dl>`;
}

export function paymentPage(payment: BankPayment) {
  const action = `/pay/${encodeURIComponent(payment.requestId)}`;
  const buttons =
    payment.state === 'pending'
      ? html`<form method="post" action="${action}">
          <button type="submit" name="action" value="pay">Pay</button>
          <button type="submit" name="action" value="cancel">Cancel</button>
        </form>`
      : html``;
  return page('Pay a public-service fee', html`${details(payment)}${buttons}`);
}

export function resultPage(payment: BankPayment) {
  const back = payment.returnUrl ? html`<p><a id="return" href="${payment.returnUrl}">Back to the one-stop office</a></p>` : html``;
  return page(payment.state === 'paid' ? 'Payment received' : 'Payment cancelled', html`${details(payment)}${back}`);
}

export function problemPage(reason: string) {
  return page('Payment not possible', html`<p id="reason">${reason}</p>`);
}
