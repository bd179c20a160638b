/**
 * The one table of the payment platform's message fields, in the order their values enter MaXacThuc (the shared
 * secret always comes last). The JSON of a message lists its fields in the same order.
 */
export const PROTOCOL_VERSION = '1.0.6';

export const FIELD_ORDER = {
  /** Start a payment: the answer carries the payment page's URL. */
  INIT: [
    'LoaiBanTin',
    'PhienBan',
    'MaDoiTac',
    'MaThamChieu',
    'SoTien',
    'LoaiHinhThanhToan',
    'MaKenhThanhToan',
    'MaThietBi',
    'NgonNgu',
    'MaTienTe',
    'MaNganHang',
    'ThongTinGiaoDich',
    'ThoiGianGD',
    'Ip',
  ],
  /** A transaction's state. */
  QUERY: ['LoaiBanTin', 'PhienBan', 'MaDoiTac', 'MaThamChieu', 'ThoiGianGD'],
  /** The result the platform sends to the one-stop side when the payer finishes. */
  RESULT: ['LoaiBanTin', 'MaLoi', 'MaDoiTac', 'MaThamChieu', 'SoTien', 'MaTienTe', 'MaGiaoDich', 'MaNganHang', 'ThoiGianGD', 'ThongTinGiaoDich'],
} as const;

export type MessageKind = keyof typeof FIELD_ORDER;
export type FieldsOf<K extends MessageKind> = (typeof FIELD_ORDER)[K][number];
/** A message's signed fields, as the strings that are hashed. */
export type SignedFields<K extends MessageKind> = Record<FieldsOf<K>, string>;
