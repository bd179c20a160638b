/** What the plugin sends for each service (msw), and what it makes of the answers. */
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import plugin from './index.ts';
import { listProcedures, lookupDossier, syncDossier, updateProgress } from './operations.ts';
import { AGENCY, context, dossier, entry, OK, password, portalAnswering } from './test-support/msw-portal.ts';

const server = useMswServer();

const expectedDossierItem = {
  MaHoSo: '000.00.01.H22-261121-0001',
  MaTTHC: '1.001612',
  TenTTHC: 'Đăng ký thành lập hộ kinh doanh',
  MaLinhVuc: 'HKD',
  TenLinhVuc: 'Thành lập và hoạt động của hộ kinh doanh',
  SoBienNhan: 'BN-0001',
  ChuHoSo: 'Đặng Văn Ấn',
  LoaiDoiTuong: 1,
  MaDoiTuong: '046090001234',
  ThongTinKhac: '1 Lê Lợi, Huế',
  Email: 'an@example.vn',
  SoDienThoai: '0981234567',
  TrichYeuHoSo: 'Đăng ký hộ kinh doanh',
  NgayTiepNhan: '20261122063000',
  NgayHenTra: '20261128170000',
  TrangThaiHoSo: 2,
  HinhThuc: 1,
  DonViXuLy: 'Phòng Tài chính - Kế hoạch',
  GhiChu: 'Ghi chú',
  DanhSachLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký', MaPhiLePhi: 'LP01', HinhThucThu: 'Trực tuyến', Gia: 100000, LoaiPhiLePhi: '1' }],
  TaiLieuNop: [{ TepDinhKemId: 'F1', TenTepDinhKem: 'Đơn đề nghị.pdf', IsDeleted: false, MaThanhPhanHoSo: 'TP1', DuongDanTaiTepTin: 'https://files.test/F1' }],
  DanhSachGiayToKetQua: [{ TenGiayTo: 'Giấy chứng nhận', MaThanhPhanHoSo: 'KQ1', GiayToId: 'R1', DuongDanTepTinKetQua: 'https://files.test/R1' }],
};

describe('login', () => {
  it('POSTs {username, password} with the dstcode header, then sends the session with every call', async () => {
    const sent = portalAnswering(server, () => OK);
    await syncDossier({ agency: AGENCY, dossier }, context());
    expect(sent.logins).toHaveLength(1);
    expect(sent.logins[0]?.json).toEqual({ username: 'ubnd_tthue', password });
    expect(sent.logins[0]?.headers.get('dstcode')).toBe('000.00.01.H22');
    expect(sent.logins[0]?.headers.get('content-type')).toContain('application/json');
    expect(sent.calls[0]?.json).toMatchObject({ session: 's1', madonvi: AGENCY });
  });
});

describe('DongBoHoSoMC (syncDossier)', () => {
  it('sends the dossier as an add, with portal field names and dates in Vietnam time', async () => {
    const sent = portalAnswering(server, () => OK);
    const synced = await syncDossier({ agency: AGENCY, dossier }, context());
    expect(synced).toEqual({ code: '0', message: 'Thành công' });
    expectCapabilityOutput(plugin, 'syncDossier', synced);
    expect(sent.calls.map((call) => call.json)).toEqual([
      { session: 's1', madonvi: AGENCY, service: 'DongBoHoSoMC', isUpdating: 'False', data: [expectedDossierItem] },
    ]);
  });

  it('leaves absent optional fields out and sends a business as LoaiDoiTuong 2, offline as HinhThuc 0', async () => {
    const sent = portalAnswering(server, () => OK);
    const bare = {
      code: 'HS-2',
      procedureCode: '1.004227',
      applicant: { name: 'Công ty TNHH Một Thành Viên', type: 'business' as const },
      receivedAt: '2026-03-01T08:00:00+07:00',
      status: 1,
      online: false,
    };
    await syncDossier({ agency: AGENCY, dossier: bare }, context());
    expect(sent.calls[0]?.json.data).toEqual([
      { MaHoSo: 'HS-2', MaTTHC: '1.004227', ChuHoSo: 'Công ty TNHH Một Thành Viên', LoaiDoiTuong: 2, NgayTiepNhan: '20260301080000', TrangThaiHoSo: 1, HinhThuc: 0 },
    ]);
  });

  it.each([
    [3, 'Hồ sơ đã tồn tại'],
    [-3, 'Mã hồ sơ 000.00.01.H22-261121-0001 đã tồn tại trên hệ thống'],
    ['3', 'Hồ sơ đã tồn tại'],
  ])('turns an "already exists" answer (error_code %s) into an update and says updated: true', async (code, message) => {
    const sent = portalAnswering(server, (_, n) => (n === 0 ? { error_code: code, message } : OK));
    await expect(syncDossier({ agency: AGENCY, dossier }, context())).resolves.toEqual({ code: '0', message: 'Thành công', updated: true });
    expect(sent.calls.map((call) => call.json.isUpdating)).toEqual(['False', 'True']);
    expect(sent.calls[1]?.json).toEqual({ session: 's1', madonvi: AGENCY, service: 'DongBoHoSoMC', isUpdating: 'True', data: [expectedDossierItem] });
  });

  it('sends the unit code configured for the agency as madonvi', async () => {
    const sent = portalAnswering(server, () => OK);
    await syncDossier({ agency: AGENCY, dossier }, context({ unitCodes: { [AGENCY]: 'H22.01' } }));
    expect(sent.calls[0]?.json.madonvi).toBe('H22.01');
  });
});

describe('CapNhatTienDoHoSoMC (updateProgress)', () => {
  it('sends the entries in order with portal field names', async () => {
    const sent = portalAnswering(server, () => OK);
    const input = {
      agency: AGENCY,
      dossierCode: 'HS-1',
      entries: [
        { ...entry(1, '2026-11-21T17:00:00Z'), startedAt: '2026-11-21T16:59:59Z', dueAt: '2026-11-28T10:00:00Z' },
        { handler: 'Lãnh đạo', handledAt: '2026-11-22T09:00:00+07:00', content: 'Ký duyệt', status: 9 },
      ],
    };
    const updated = await updateProgress(input, context({ progressBatchSize: 1 }));
    expect(updated).toEqual({ code: '0', message: 'Thành công' });
    expectCapabilityOutput(plugin, 'updateProgress', updated);
    expect(sent.calls.map((call) => call.json)).toEqual([
      {
        session: 's1',
        madonvi: AGENCY,
        service: 'CapNhatTienDoHoSoMC',
        data: [
          {
            MaHoSo: 'HS-1',
            NguoiXuLy: 'Cán bộ 1',
            ChucDanh: 'Chuyên viên',
            ThoiDiemXuLy: '20261122000000',
            PhongBanXuLy: 'Bộ phận một cửa',
            NoiDungXuLy: 'Bước 1',
            TrangThai: 4,
            NgayBatDau: '20261121235959',
            NgayKetThucTheoQuyDinh: '20261128170000',
          },
          { MaHoSo: 'HS-1', NguoiXuLy: 'Lãnh đạo', ThoiDiemXuLy: '20261122090000', NoiDungXuLy: 'Ký duyệt', TrangThai: 9 },
        ],
      },
    ]);
  });
});

describe('TraCuuHoSo (lookupDossier)', () => {
  it('sends mahoso and answers the dossier with its status', async () => {
    const sent = portalAnswering(server, () => ({ ...OK, result: { MaHoSo: 'HS-1', TrangThaiHoSo: '4', ChuHoSo: 'Đặng Văn Ấn' } }));
    const found = await lookupDossier({ agency: AGENCY, dossierCode: 'HS-1' }, context());
    expect(found).toEqual({
      found: true,
      dossierCode: 'HS-1',
      status: 4,
      detail: { MaHoSo: 'HS-1', TrangThaiHoSo: '4', ChuHoSo: 'Đặng Văn Ấn' },
    });
    expectCapabilityOutput(plugin, 'lookupDossier', found);
    expect(sent.calls[0]?.json).toEqual({ session: 's1', madonvi: AGENCY, service: 'TraCuuHoSo', mahoso: 'HS-1' });
  });

  it('answers found: false for a dossier the portal does not know, and for an empty answer', async () => {
    portalAnswering(server, (_, n) => (n === 0 ? { error_code: -1, message: 'Hồ sơ HS-9 không tồn tại' } : { ...OK, data: [] }));
    await expect(lookupDossier({ agency: AGENCY, dossierCode: 'HS-9' }, context())).resolves.toEqual({ found: false, dossierCode: 'HS-9' });
    await expect(lookupDossier({ agency: AGENCY, dossierCode: 'HS-9' }, context())).resolves.toEqual({ found: false, dossierCode: 'HS-9' });
  });
});

describe('LayDanhSachTTHC and LayThuTuc (listProcedures)', () => {
  it('asks for the catalogue without a procedure code', async () => {
    const sent = portalAnswering(server, () => ({
      ...OK,
      result: [
        { MaTTHC: '1.001612', TenTTHC: 'Đăng ký hộ kinh doanh', TenLinhVuc: 'Hộ kinh doanh' },
        { MaTTHC: 2000635, TenTTHC: 'Trích lục hộ tịch' },
        { TenTTHC: 'no code: left out' },
      ],
    }));
    const catalogue = await listProcedures({ agency: AGENCY }, context());
    expect(catalogue).toEqual({
      procedures: [
        { code: '1.001612', name: 'Đăng ký hộ kinh doanh', fieldName: 'Hộ kinh doanh' },
        { code: '2000635', name: 'Trích lục hộ tịch' },
      ],
    });
    expectCapabilityOutput(plugin, 'listProcedures', catalogue);
    expect(sent.calls[0]?.json).toEqual({ session: 's1', madonvi: AGENCY, service: 'LayDanhSachTTHC' });
  });

  it('asks for one procedure by maTTHC, and answers none when the portal does not know it', async () => {
    const sent = portalAnswering(server, (body) =>
      body.maTTHC === '1.001612' ? { ...OK, data: { MaTTHC: '1.001612', TenTTHC: 'Đăng ký hộ kinh doanh' } } : { error_code: -1, message: 'Thủ tục không tồn tại' },
    );
    const ctx = context();
    await expect(listProcedures({ agency: AGENCY, procedureCode: '1.001612' }, ctx)).resolves.toEqual({ procedures: [{ code: '1.001612', name: 'Đăng ký hộ kinh doanh' }] });
    await expect(listProcedures({ agency: AGENCY, procedureCode: '9.999' }, ctx)).resolves.toEqual({ procedures: [] });
    expect(sent.calls.map((call) => call.json)).toEqual([
      { session: 's1', madonvi: AGENCY, service: 'LayThuTuc', maTTHC: '1.001612' },
      { session: 's1', madonvi: AGENCY, service: 'LayThuTuc', maTTHC: '9.999' },
    ]);
  });

  it('reads error_code given as "00" as success', async () => {
    portalAnswering(server, () => HttpResponse.json({ error_code: '00', message: '', result: [] }));
    await expect(listProcedures({ agency: AGENCY }, context())).resolves.toEqual({ procedures: [] });
  });
});
