/** The INIT and QUERY messages as sent: the signed fields in the order of fields.ts, extra fields, MaXacThuc last. */
import type { PaygovConfig } from './config.ts';
import { PROTOCOL_VERSION, type SignedFields } from './fields.ts';
import { maXacThuc } from './signature.ts';

export interface InitDetails {
  reference: string;
  /** Whole VND. */
  amount: number;
  /** ThongTinGiaoDich, already shaped by transactionInfo(). */
  info: string;
  /** ThoiGianGD. */
  time: string;
  callbackUrl: string;
  returnUrl?: string | undefined;
}

export function initMessage(config: PaygovConfig, details: InitDetails): Record<string, string> {
  const signed: SignedFields<'INIT'> = {
    LoaiBanTin: 'INIT',
    PhienBan: PROTOCOL_VERSION,
    MaDoiTac: config.partnerCode,
    MaThamChieu: details.reference,
    SoTien: String(details.amount),
    LoaiHinhThanhToan: config.paymentType,
    MaKenhThanhToan: config.channelCode,
    MaThietBi: config.deviceCode,
    NgonNgu: config.language,
    MaTienTe: config.currency,
    MaNganHang: config.bankCode,
    ThongTinGiaoDich: details.info,
    ThoiGianGD: details.time,
    Ip: config.ip,
  };
  // Unsigned additions: the signed list is the platform's, these are not in it.
  const extra: Record<string, string> = {};
  if (config.callbackUrlField) extra[config.callbackUrlField] = details.callbackUrl;
  if (config.returnUrlField && details.returnUrl) extra[config.returnUrlField] = details.returnUrl;
  return { ...signed, ...extra, MaXacThuc: maXacThuc('INIT', signed, config.secret.reveal()) };
}

export function queryMessage(config: PaygovConfig, details: { reference: string; time: string }): Record<string, string> {
  const signed: SignedFields<'QUERY'> = {
    LoaiBanTin: 'QUERY',
    PhienBan: PROTOCOL_VERSION,
    MaDoiTac: config.partnerCode,
    MaThamChieu: details.reference,
    ThoiGianGD: details.time,
  };
  return { ...signed, MaXacThuc: maXacThuc('QUERY', signed, config.secret.reveal()) };
}
