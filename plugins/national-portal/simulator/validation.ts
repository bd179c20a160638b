/**
 * The simulated portal's checks of a data item, with the kind of message the portal answers (Vietnamese, naming
 * the field). Required fields are the ones every integration sends; optional dates and codes are checked when
 * present.
 */
import { fromPortalTime } from '../dates.ts';

export type Item = Record<string, unknown>;

const DOSSIER_REQUIRED = ['MaHoSo', 'MaTTHC', 'ChuHoSo', 'LoaiDoiTuong', 'NgayTiepNhan', 'TrangThaiHoSo'] as const;
const DOSSIER_DATES = ['NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'NgayKetThucXuLy', 'NgayNopHoSo', 'NgayTuChoi'] as const;
const PROGRESS_REQUIRED = ['MaHoSo', 'NguoiXuLy', 'ThoiDiemXuLy', 'NoiDungXuLy', 'TrangThai'] as const;
const PROGRESS_DATES = ['ThoiDiemXuLy', 'NgayBatDau', 'NgayKetThucTheoQuyDinh'] as const;

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A whole number given as a JSON number or as its digits. */
function codeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,3}$/.test(value.trim())) return Number(value);
  return undefined;
}

function statusProblem(item: Item, field: string): string | undefined {
  const status = codeOf(item[field]);
  return status === undefined || status < 1 || status > 10 ? `${field} không hợp lệ (mã trạng thái 1-10)` : undefined;
}

function dateProblems(item: Item, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const value = item[field];
    if (blank(value)) continue;
    if (typeof value !== 'string' || fromPortalTime(value) === undefined) return `${field} sai định dạng yyyyMMddHHmmss`;
  }
  return undefined;
}

function requiredProblem(item: Item, fields: readonly string[]): string | undefined {
  const missing = fields.find((field) => blank(item[field]));
  return missing ? `${missing} không được để trống` : undefined;
}

/** Why the portal would refuse this dossier item, or undefined. */
export function dossierProblem(item: Item): string | undefined {
  const required = requiredProblem(item, DOSSIER_REQUIRED);
  if (required) return required;
  const type = codeOf(item.LoaiDoiTuong);
  if (type !== 1 && type !== 2) return 'LoaiDoiTuong không hợp lệ (1 công dân, 2 doanh nghiệp)';
  if (!blank(item.HinhThuc) && codeOf(item.HinhThuc) !== 0 && codeOf(item.HinhThuc) !== 1) return 'HinhThuc không hợp lệ (0 trực tiếp, 1 trực tuyến)';
  return statusProblem(item, 'TrangThaiHoSo') ?? dateProblems(item, DOSSIER_DATES);
}

/** Why the portal would refuse this progress item (its dossier's existence aside), or undefined. */
export function progressProblem(item: Item): string | undefined {
  return requiredProblem(item, PROGRESS_REQUIRED) ?? statusProblem(item, 'TrangThai') ?? dateProblems(item, PROGRESS_DATES);
}

export function isItem(value: unknown): value is Item {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
