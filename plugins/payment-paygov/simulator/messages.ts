/**
 * The simulated platform's message endpoints: INIT and QUERY, checked the way the platform checks them (every
 * signed field present as text, the version, the partner, MaXacThuc), answered with MaLoi and the codes of
 * ../answer-codes.ts.
 */
import { Hono, type Context } from 'hono';
import {
  faultMiddleware,
  gatewayTimeout,
  serviceUnavailable,
  type FaultEnv,
  type FaultInjector,
  type ReceivedLedger,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { FIELD_ORDER, PROTOCOL_VERSION, type MessageKind, type SignedFields } from '../fields.ts';
import { isHttpUrl } from '../parse.ts';
import { hasValidMaXacThuc, maXacThuc } from '../signature.ts';
import { vietnamTimestamp } from '../time.ts';
import { trangThaiGD, type SimulatedTransaction, type SimulatorAccount } from './transactions.ts';

export interface PlatformSettings {
  account: SimulatorAccount;
  initPath: string;
  queryPath: string;
  callbackUrlField: string;
  returnUrlField: string;
  paymentUrlField: string;
}

/** What `GET /__received` lists for each message, without the secret or the hash. */
export interface ReceivedMessage {
  kind: MessageKind;
  reference: string;
  maLoi: string;
  at: string;
  [detail: string]: unknown;
}

type Answer = Record<string, string> & { MaLoi: string };
const answer = (maLoi: string, moTaLoi: string, extra: Record<string, string> = {}): Answer => ({ MaLoi: maLoi, MoTaLoi: moTaLoi, ...extra });

/** The signed fields when every one is a string; undefined otherwise. */
function signedFields<K extends MessageKind>(kind: K, body: Record<string, unknown>): SignedFields<K> | undefined {
  const fields: Record<string, string> = {};
  for (const name of FIELD_ORDER[kind]) {
    const value = body[name];
    if (typeof value !== 'string') return undefined;
    fields[name] = value;
  }
  return fields as SignedFields<K>;
}

type MessageHandler<K extends MessageKind> = (fields: SignedFields<K>, body: Record<string, unknown>) => Answer;

/** The checks every message passes before its own, then `handle`'s answer. */
function checkedAnswer<K extends MessageKind>(kind: K, body: Record<string, unknown>, account: SimulatorAccount, handle: MessageHandler<K>): Answer {
  const fields = signedFields(kind, body);
  if (!fields || typeof body.MaXacThuc !== 'string') return answer('03', 'Thiếu trường dữ liệu');
  const common = fields as SignedFields<'QUERY'>;
  if (common.LoaiBanTin !== kind || common.PhienBan !== PROTOCOL_VERSION) return answer('03', 'Sai loại bản tin hoặc phiên bản');
  if (!/^\d{14}$/.test(common.ThoiGianGD)) return answer('03', 'Sai định dạng ThoiGianGD');
  if (common.MaDoiTac !== account.partnerCode) return answer('02', 'Mã đối tác không tồn tại');
  if (!hasValidMaXacThuc(kind, fields, body.MaXacThuc, account.secret)) return answer('01', 'Sai mã xác thực');
  return handle(fields, body);
}

export function platformRoutes(
  settings: PlatformSettings,
  transactions: Map<string, SimulatedTransaction>,
  faults: FaultInjector,
  received: Pick<ReceivedLedger<never, ReceivedMessage>, 'record'>,
  baseUrl: () => string,
  log: SimulatorOptions['log'],
): Hono<FaultEnv> {
  const app = new Hono<FaultEnv>();
  const { account } = settings;
  // A permanent fault is a refusal of the message, listed like any other: the endpoint answers it.
  const injectedFault = faultMiddleware(faults, {
    // Overload shows either way: the proxy's 503, or the platform's own "try again" code.
    transient: [serviceUnavailable, () => Response.json(answer('99', 'Hệ thống đang bận'))],
    timeout: gatewayTimeout,
  });

  /** Hands a message that passed the common checks to `handle`. */
  const endpoint = <K extends MessageKind>(kind: K, handle: MessageHandler<K>) =>
    async function answerMessage(c: Context<FaultEnv>) {
      const body = await c.req.json().catch(() => undefined);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return c.json(answer('03', 'Bản tin không phải JSON'));
      const record = body as Record<string, unknown>;
      const reply = c.get('fault') === 'permanent' ? answer('06', 'Số tiền không hợp lệ (lỗi giả lập)') : checkedAnswer(kind, record, account, handle);
      const reference = typeof record.MaThamChieu === 'string' ? record.MaThamChieu : '';
      received.record({ kind, reference, maLoi: reply.MaLoi, at: new Date().toISOString() });
      if (reply.MaLoi !== '00') log.info({ kind, maLoi: reply.MaLoi }, 'simulated platform refused a message');
      return c.json(reply);
    };

  app.post(
    settings.initPath,
    injectedFault,
    endpoint('INIT', (fields, body) => {
      if (!/^[1-9]\d{0,11}$/.test(fields.SoTien)) return answer('06', 'Số tiền không hợp lệ');
      if (!/^[0-9A-Za-z_-]{1,50}$/.test(fields.MaThamChieu)) return answer('03', 'Sai định dạng MaThamChieu');
      const paymentUrl = `${baseUrl()}/pay/${encodeURIComponent(fields.MaThamChieu)}`;
      const opened = answer('00', 'Thành công', { MaThamChieu: fields.MaThamChieu, [settings.paymentUrlField]: paymentUrl });
      const held = transactions.get(fields.MaThamChieu);
      // The simulator's reading (unconfirmed): the same INIT again, hash for hash, while the transaction is open is a
      // partner that lost the answer, and gets the page again; every other INIT with a used MaThamChieu is refused.
      if (held) return held.status === 'pending' && held.initSignature === body.MaXacThuc ? opened : answer('04', 'Mã tham chiếu đã tồn tại');
      const callbackUrl = body[settings.callbackUrlField];
      if (!isHttpUrl(callbackUrl)) return answer('03', `Thiếu ${settings.callbackUrlField}`);
      const returnUrl = body[settings.returnUrlField];
      transactions.set(fields.MaThamChieu, {
        reference: fields.MaThamChieu,
        amount: fields.SoTien,
        currency: fields.MaTienTe,
        bankCode: fields.MaNganHang,
        info: fields.ThongTinGiaoDich,
        initTime: fields.ThoiGianGD,
        initSignature: String(body.MaXacThuc),
        callbackUrl,
        returnUrl: isHttpUrl(returnUrl) ? returnUrl : undefined,
        status: 'pending',
        transactionNo: undefined,
        resultTime: undefined,
        result: undefined,
      });
      return opened;
    }),
  );

  app.post(
    settings.queryPath,
    injectedFault,
    endpoint('QUERY', (fields) => {
      const transaction = transactions.get(fields.MaThamChieu);
      if (!transaction) return answer('05', 'Không tìm thấy giao dịch');
      const signed: SignedFields<'RESULT'> = {
        LoaiBanTin: 'QUERY',
        MaLoi: '00',
        MaDoiTac: account.partnerCode,
        MaThamChieu: transaction.reference,
        SoTien: transaction.amount,
        MaTienTe: transaction.currency,
        MaGiaoDich: transaction.transactionNo ?? '',
        MaNganHang: transaction.bankCode,
        ThoiGianGD: transaction.resultTime ?? vietnamTimestamp(new Date()),
        ThongTinGiaoDich: transaction.info,
      };
      return { ...signed, MoTaLoi: 'Thành công', TrangThaiGD: trangThaiGD(transaction), MaXacThuc: maXacThuc('RESULT', signed, account.secret) };
    }),
  );
  return app;
}
