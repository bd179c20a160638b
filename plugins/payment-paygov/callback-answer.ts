/**
 * What this plugin answers the platform's result callback: JSON `{ MaLoi, MoTaLoi, MaDoiTac?, MaThamChieu?,
 * ThoiGianGD? }` with HTTP 200, as known integrations answer it; `MaLoi` `00` means taken (a repeat included),
 * anything else refused. The codes below are this gateway's, documented for the platform's operators; the
 * platform publishes none.
 */
export const CALLBACK_ANSWERS = {
  taken: { code: '00', text: 'Thành công', reason: 'taken' },
  badSignature: { code: '01', text: 'Sai mã xác thực', reason: 'bad MaXacThuc' },
  otherPartner: { code: '02', text: 'Sai mã đối tác', reason: 'another partner code' },
  malformed: { code: '03', text: 'Dữ liệu không hợp lệ', reason: 'malformed notice' },
  unknownPayment: { code: '05', text: 'Không tìm thấy giao dịch', reason: 'unknown MaThamChieu' },
  amountMismatch: { code: '06', text: 'Sai số tiền', reason: 'SoTien or MaTienTe differs from the payment' },
  internal: { code: '99', text: 'Lỗi hệ thống', reason: 'gateway error' },
} as const;

export type CallbackAnswer = (typeof CALLBACK_ANSWERS)[keyof typeof CALLBACK_ANSWERS];

export function callbackResponse(answer: CallbackAnswer, about: { MaDoiTac?: string; MaThamChieu?: string; ThoiGianGD?: string } = {}): Response {
  const body = { MaLoi: answer.code, MoTaLoi: answer.text, ...about };
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' } });
}
