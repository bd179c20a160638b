/**
 * The unified API's dossier and progress (English field names) as the portal's data items. This is the one
 * place that knows the portal's field names; absent optional fields are left out, never sent empty.
 */
import type * as v from 'valibot';
import type { dossier, progressEntry } from '../../core/capabilities/portal.ts';
import { toPortalTime, toPortalTimeOrUndefined } from './dates.ts';

export type Dossier = v.InferOutput<typeof dossier>;
export type ProgressEntry = v.InferOutput<typeof progressEntry>;

/** A data item as sent: JSON values only, no undefined left in. */
export type PortalItem = Record<string, string | number | boolean | PortalItem[]>;

/** Drops the fields that are undefined, so that the JSON sent carries no `null`s or empty strings for them. */
function defined(fields: Record<string, string | number | boolean | PortalItem[] | undefined>): PortalItem {
  const item: PortalItem = {};
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) item[name] = value;
  return item;
}

/** LoaiDoiTuong: 1 citizen, 2 business. */
const SUBJECT_TYPE = { citizen: 1, business: 2 } as const;

/** One `DongBoHoSoMC` data item. */
export function dossierItem(source: Dossier): PortalItem {
  const { applicant } = source;
  return defined({
    MaHoSo: source.code,
    MaTTHC: source.procedureCode,
    TenTTHC: source.procedureName,
    MaLinhVuc: source.fieldCode,
    TenLinhVuc: source.fieldName,
    SoBienNhan: source.receiptNumber,
    ChuHoSo: applicant.name,
    LoaiDoiTuong: SUBJECT_TYPE[applicant.type],
    MaDoiTuong: applicant.idNumber,
    // The portal has no address field: the one-stop integrations put it in ThongTinKhac ("other information").
    ThongTinKhac: applicant.address,
    Email: applicant.email,
    Fax: applicant.fax,
    SoDienThoai: applicant.phone,
    TrichYeuHoSo: source.summary,
    NgayTiepNhan: toPortalTime(source.receivedAt),
    NgayHenTra: toPortalTimeOrUndefined(source.dueAt),
    TrangThaiHoSo: source.status,
    NgayTra: toPortalTimeOrUndefined(source.returnedAt),
    ThongTinTra: source.resultInfo,
    HinhThuc: source.online === undefined ? undefined : source.online ? 1 : 0,
    NgayKetThucXuLy: toPortalTimeOrUndefined(source.finishedAt),
    DonViXuLy: source.processingUnit,
    GhiChu: source.note,
    DanhSachLePhi: source.fees?.map((fee) =>
      defined({ TenPhiLePhi: fee.name, MaPhiLePhi: fee.code, HinhThucThu: fee.method, Gia: fee.amount, LoaiPhiLePhi: fee.kind }),
    ),
    TaiLieuNop: source.submittedFiles?.map((file) =>
      defined({
        TepDinhKemId: file.id,
        TenTepDinhKem: file.name,
        IsDeleted: file.deleted,
        MaThanhPhanHoSo: file.componentCode,
        DuongDanTaiTepTin: file.url,
      }),
    ),
    DanhSachGiayToKetQua: source.results?.map((document) =>
      defined({ TenGiayTo: document.name, MaThanhPhanHoSo: document.componentCode, GiayToId: document.id, DuongDanTepTinKetQua: document.url }),
    ),
  });
}

/** One `CapNhatTienDoHoSoMC` data item. */
export function progressItem(dossierCode: string, entry: ProgressEntry): PortalItem {
  return defined({
    MaHoSo: dossierCode,
    NguoiXuLy: entry.handler,
    ChucDanh: entry.position,
    ThoiDiemXuLy: toPortalTime(entry.handledAt),
    PhongBanXuLy: entry.department,
    NoiDungXuLy: entry.content,
    TrangThai: entry.status,
    NgayBatDau: toPortalTimeOrUndefined(entry.startedAt),
    NgayKetThucTheoQuyDinh: toPortalTimeOrUndefined(entry.dueAt),
  });
}
