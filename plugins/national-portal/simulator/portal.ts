/**
 * The simulated portal: its account, sessions, dossiers with their progress, and the five services. Answers are
 * the JSON the adapter answers (`error_code` 0 for success, a Vietnamese `message` otherwise). What it took and
 * refused is recorded for `GET /__received`: one history per dossier (its adds, updates and progress entries in
 * arrival order, and the calls that carried it as its deliveries) and one entry per refusal.
 */
import { randomBytes } from 'node:crypto';
import type { Deliveries, ReceivedLedger } from '../../../core/sdk/index.ts';
import { dossierProblem, isItem, type Item, progressProblem } from './validation.ts';

export interface PortalAccount {
  username: string;
  password: string;
  dstcode: string;
}

export interface DossierReceipt {
  MaHoSo: string;
  madonvi: string;
  /** Adds (isUpdating "False") and updates ("True") taken. */
  adds: number;
  updates: number;
  /** The latest data item taken. */
  dossier: Item;
  /** Progress entries taken, in arrival order. */
  progress: Item[];
  receivedAt: string;
}

/** One dossier as `GET /__received` lists it; its deliveries count the calls taken that carried it. */
export type DossierHistory = DossierReceipt & Deliveries;

export interface Refusal {
  rejected: string;
  service: string;
  MaHoSo?: string;
  receivedAt: string;
}

export type Answer = Record<string, unknown> & { error_code: number; message: string };

export const SESSION_REFUSED: Answer = { error_code: -2, message: 'Phiên làm việc không hợp lệ hoặc đã hết hạn' };

/** A small catalogue for LayDanhSachTTHC and LayThuTuc. */
export const PROCEDURES = [
  { MaTTHC: '1.001612', TenTTHC: 'Đăng ký thành lập hộ kinh doanh', MaLinhVuc: 'HKD', TenLinhVuc: 'Thành lập và hoạt động của hộ kinh doanh' },
  { MaTTHC: '1.004227', TenTTHC: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', MaLinhVuc: 'XD', TenLinhVuc: 'Hoạt động xây dựng' },
  { MaTTHC: '2.000635', TenTTHC: 'Cấp bản sao trích lục hộ tịch', MaLinhVuc: 'HT', TenLinhVuc: 'Hộ tịch' },
];

const ok = (extra: Record<string, unknown> = {}): Answer => ({ error_code: 0, message: 'Thành công', ...extra });
const refused = (message: string, code = -1): Answer => ({ error_code: code, message });

export function createPortal(account: PortalAccount, received: ReceivedLedger<DossierReceipt, Refusal>, sessionTtlMs: number) {
  const sessions = new Map<string, number>();
  /** Logins and calls per service answered by the portal (faults played before it are not counted). */
  const counts = { logins: 0, calls: {} as Record<string, number> };
  // DELETE /__received empties the listing, not the portal's memory.
  const dossiers = new Map<string, { data: Item; progress: number }>();
  const now = () => new Date().toISOString();
  const keyOf = (madonvi: string, code: string) => `${madonvi}\n${code}`;

  function refuse(service: string, message: string, code = -1, dossierCode?: string): Answer {
    received.record({ rejected: message, service, ...(dossierCode ? { MaHoSo: dossierCode } : {}), receivedAt: now() });
    return refused(message, code);
  }

  /** The dossier's listed history, with one more call that carried it. */
  function delivered(madonvi: string, code: string, data: Item): DossierHistory {
    return received.deliver(keyOf(madonvi, code), () => ({ MaHoSo: code, madonvi, adds: 0, updates: 0, dossier: data, progress: [], receivedAt: now() }));
  }

  function login(body: unknown, dstcode: string | undefined): Answer {
    counts.logins += 1;
    if (!dstcode) return refuse('login', 'dstcode không được để trống');
    if (!isItem(body) || typeof body.username !== 'string' || typeof body.password !== 'string') return refuse('login', 'username và password không được để trống');
    if (body.username !== account.username || body.password !== account.password || dstcode !== account.dstcode) {
      return refuse('login', 'Sai tên đăng nhập hoặc mật khẩu');
    }
    const session = randomBytes(24).toString('base64url');
    sessions.set(session, Date.now() + sessionTtlMs);
    return ok({ session });
  }

  function sessionValid(session: unknown): boolean {
    if (typeof session !== 'string') return false;
    const until = sessions.get(session);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    sessions.delete(session);
    return false;
  }

  function syncDossiers(madonvi: string, body: Item): Answer {
    const updating = body.isUpdating;
    if (updating !== 'True' && updating !== 'False') return refuse('DongBoHoSoMC', 'isUpdating không hợp lệ ("True" hoặc "False")');
    const items = Array.isArray(body.data) ? body.data : [];
    if (items.length === 0) return refuse('DongBoHoSoMC', 'data không được để trống');
    for (const item of items) {
      const problem = isItem(item) ? dossierProblem(item) : 'data không hợp lệ';
      if (problem) return refuse('DongBoHoSoMC', problem, -1, isItem(item) ? String(item.MaHoSo ?? '') : undefined);
    }
    const valid = items as Item[];
    for (const item of valid) {
      const code = String(item.MaHoSo);
      const known = dossiers.has(keyOf(madonvi, code));
      if (updating === 'False' && known) return refused(`Hồ sơ ${code} đã tồn tại trên Cổng DVCQG`, -3);
      if (updating === 'True' && !known) return refuse('DongBoHoSoMC', `Hồ sơ ${code} không tồn tại trên Cổng DVCQG`, -1, code);
    }
    for (const item of valid) {
      const code = String(item.MaHoSo);
      const state = dossiers.get(keyOf(madonvi, code));
      dossiers.set(keyOf(madonvi, code), { data: item, progress: state?.progress ?? 0 });
      const history = delivered(madonvi, code, item);
      history.dossier = item;
      if (updating === 'True') history.updates += 1;
      else history.adds += 1;
    }
    return ok();
  }

  /** Each dossier's entries stand or fall together; the answer lists every entry's result by its index. */
  function updateProgress(madonvi: string, body: Item): Answer {
    const items = Array.isArray(body.data) ? body.data : [];
    if (items.length === 0) return refuse('CapNhatTienDoHoSoMC', 'data không được để trống');
    const problems = new Map<string, string>();
    items.forEach((item) => {
      const code = isItem(item) ? String(item.MaHoSo ?? '') : '';
      if (problems.has(code)) return;
      const problem = isItem(item) ? progressProblem(item) : 'data không hợp lệ';
      if (problem) problems.set(code, problem);
      else if (!dossiers.has(keyOf(madonvi, code))) problems.set(code, `Hồ sơ ${code} không tồn tại trên Cổng DVCQG`);
    });
    const histories = new Map<string, DossierHistory>();
    const result = items.map((item, index) => {
      const code = isItem(item) ? String(item.MaHoSo ?? '') : '';
      const problem = problems.get(code);
      if (problem) return { index, MaHoSo: code, error_code: -1, message: problem };
      const state = dossiers.get(keyOf(madonvi, code));
      if (state) {
        state.progress += 1;
        // One delivery per call, however many of the dossier's entries it carried.
        const history = histories.get(code) ?? delivered(madonvi, code, state.data);
        histories.set(code, history);
        history.progress.push({ ...(item as Item), receivedAt: now() });
      }
      return { index, MaHoSo: code, error_code: 0, message: 'Thành công' };
    });
    for (const [code, problem] of problems) received.record({ rejected: problem, service: 'CapNhatTienDoHoSoMC', MaHoSo: code, receivedAt: now() });
    const failed = result.filter((entry) => entry.error_code !== 0).length;
    return failed === 0 ? ok({ result }) : { ...refused(`Có ${failed}/${items.length} tiến độ không cập nhật được`), result };
  }

  function lookUp(madonvi: string, body: Item): Answer {
    const code = typeof body.mahoso === 'string' ? body.mahoso : '';
    if (!code) return refuse('TraCuuHoSo', 'mahoso không được để trống');
    const state = dossiers.get(keyOf(madonvi, code));
    if (!state) return refused(`Hồ sơ ${code} không tồn tại trên Cổng DVCQG`);
    return ok({ result: { ...state.data, SoTienDo: state.progress } });
  }

  function procedure(body: Item): Answer {
    const code = typeof body.maTTHC === 'string' ? body.maTTHC : '';
    if (!code) return refuse('LayThuTuc', 'maTTHC không được để trống');
    const found = PROCEDURES.find((candidate) => candidate.MaTTHC === code);
    return found ? ok({ result: found }) : refused(`Thủ tục ${code} không tồn tại`);
  }

  /** One call to the integration path: the session first, then the service. */
  function call(body: unknown): Answer {
    if (!isItem(body)) return refuse('unknown', 'Dữ liệu gửi lên không hợp lệ');
    if (!sessionValid(body.session)) return SESSION_REFUSED;
    const madonvi = typeof body.madonvi === 'string' ? body.madonvi.trim() : '';
    const service = typeof body.service === 'string' ? body.service : '';
    counts.calls[service] = (counts.calls[service] ?? 0) + 1;
    if (!madonvi) return refuse(service || 'unknown', 'madonvi không được để trống');
    switch (service) {
      case 'DongBoHoSoMC':
        return syncDossiers(madonvi, body);
      case 'CapNhatTienDoHoSoMC':
        return updateProgress(madonvi, body);
      case 'TraCuuHoSo':
        return lookUp(madonvi, body);
      case 'LayThuTuc':
        return procedure(body);
      case 'LayDanhSachTTHC':
        return ok({ result: PROCEDURES });
      default:
        return refuse(service || 'unknown', 'service không hợp lệ');
    }
  }

  return {
    counts,
    login,
    call,
    refuse,
    /** Ends every session now: the next call of each client is refused and must log in again. */
    expireSessions(): number {
      const count = sessions.size;
      sessions.clear();
      return count;
    },
  };
}

export type SimulatedPortal = ReturnType<typeof createPortal>;
