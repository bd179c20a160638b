/**
 * The simulator's test businesses (invented names and people; tax codes that pass the check digit: the vectors of
 * the protocol note and others computed with it). Some hold an e-card, some are only in the national registry.
 */
import { createHash } from 'node:crypto';
import { pdfDocument } from './pdf.ts';

export interface SimBusiness {
  taxCode: string;
  name: string;
  address: string;
  legalRepresentative: string;
  /** As the registry writes it (ENTERPRISE_STATUS_NAME). */
  registryStatus: string;
  enterpriseType: string;
  foundingDate: string;
}

export interface SimDocument {
  id: string;
  type: string;
  title: string;
  issueDate: string;
  filename: string;
  contentType: string;
  body: Uint8Array;
  sha256: string;
}

export interface SimCard {
  cardNumber: string;
  taxCode: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'EXPIRED';
  /** `dd/MM/yyyy`, as the service writes dates. */
  issueDate: string;
  expiryDate: string;
  pin: string;
  documents: SimDocument[];
}

export const BUSINESSES: readonly SimBusiness[] = [
  { taxCode: '0100233488', name: 'Công ty Cổ phần Thương mại Dịch vụ Hương Giang', address: '12 Lê Lợi, phường Vĩnh Ninh, thành phố Huế, Thừa Thiên Huế', legalRepresentative: 'Nguyễn Văn An', registryStatus: 'Đang hoạt động', enterpriseType: 'Công ty cổ phần', foundingDate: '2009-04-21' },
  { taxCode: '0314409058', name: 'Công ty TNHH Công nghệ Phú Xuân', address: '45 Nguyễn Huệ, phường Phú Nhuận, thành phố Huế, Thừa Thiên Huế', legalRepresentative: 'Trần Thị Bích Ngọc', registryStatus: 'Đang hoạt động', enterpriseType: 'Công ty trách nhiệm hữu hạn hai thành viên trở lên', foundingDate: '2017-06-02' },
  { taxCode: '0314409058-002', name: 'Chi nhánh Công ty TNHH Công nghệ Phú Xuân tại Huế', address: '8 Hùng Vương, phường Phú Hội, thành phố Huế, Thừa Thiên Huế', legalRepresentative: 'Lê Minh Tuấn', registryStatus: 'Đang hoạt động', enterpriseType: 'Chi nhánh', foundingDate: '2019-09-16' },
  { taxCode: '3300102110', name: 'Công ty TNHH Xây dựng Thuận An', address: '3 Thuận An, thị trấn Thuận An, huyện Phú Vang, Thừa Thiên Huế', legalRepresentative: 'Phạm Quốc Huy', registryStatus: 'Đang làm thủ tục giải thể', enterpriseType: 'Công ty trách nhiệm hữu hạn một thành viên', foundingDate: '2001-11-05' },
  { taxCode: '3300358666', name: 'Hợp tác xã Nông nghiệp Hương Trà', address: 'Thôn Liễu Cốc, phường Hương Xuân, thị xã Hương Trà, Thừa Thiên Huế', legalRepresentative: 'Hoàng Văn Dũng', registryStatus: 'Đang hoạt động', enterpriseType: 'Hợp tác xã', foundingDate: '2004-02-18' },
  // In the national registry only: no e-card.
  { taxCode: '0100109106', name: 'Công ty Cổ phần Vận tải Biển Đông Hà', address: '27 Trần Phú, phường Đông Lễ, thành phố Đông Hà, Quảng Trị', legalRepresentative: 'Đặng Thu Hà', registryStatus: 'Đang hoạt động', enterpriseType: 'Công ty cổ phần', foundingDate: '1998-07-30' },
  { taxCode: '3301014523', name: 'Công ty TNHH Du lịch Lăng Cô', address: 'Thôn Lập An, thị trấn Lăng Cô, huyện Phú Lộc, Thừa Thiên Huế', legalRepresentative: 'Võ Thị Mai', registryStatus: 'Tạm ngừng kinh doanh', enterpriseType: 'Công ty trách nhiệm hữu hạn một thành viên', foundingDate: '2012-03-09' },
];

/** Valid tax codes that neither the card service nor the registry knows. */
export const UNKNOWN_TAX_CODES = ['3300777233', '3300600885'] as const;

function file(spec: Omit<SimDocument, 'sha256'>): SimDocument {
  return { ...spec, sha256: createHash('sha256').update(spec.body).digest('hex') };
}

function certificate(business: SimBusiness, id: string, issueDate: string): SimDocument {
  return file({
    id,
    type: 'business-registration',
    title: 'Giấy chứng nhận đăng ký doanh nghiệp',
    issueDate,
    filename: `${id}.pdf`,
    contentType: 'application/pdf',
    body: pdfDocument([
      'GIAY CHUNG NHAN DANG KY DOANH NGHIEP',
      `Ma so doanh nghiep: ${business.taxCode}`,
      `Ten doanh nghiep: ${business.name}`,
      `Loai hinh: ${business.enterpriseType}`,
      `Dia chi tru so chinh: ${business.address}`,
      `Nguoi dai dien theo phap luat: ${business.legalRepresentative}`,
      `Dang ky lan dau ngay: ${business.foundingDate}`,
    ]),
  });
}

function licence(business: SimBusiness, id: string, issueDate: string, activity: string): SimDocument {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<GiayPhep xmlns="urn:lienthong:simulator:giayphep"><SoGiayPhep>${id}</SoGiayPhep><MaSoThue>${business.taxCode}</MaSoThue>` +
    `<TenDoanhNghiep>${business.name}</TenDoanhNghiep><NganhNghe>${activity}</NganhNghe><NgayCap>${issueDate}</NgayCap></GiayPhep>\n`;
  return file({ id, type: 'licence', title: `Giấy phép: ${activity}`, issueDate, filename: `${id}.xml`, contentType: 'application/xml', body: new Uint8Array(Buffer.from(xml, 'utf8')) });
}

const business = (taxCode: string): SimBusiness => {
  const found = BUSINESSES.find((candidate) => candidate.taxCode === taxCode);
  if (!found) throw new Error(`no simulated business ${taxCode}`);
  return found;
};

/** A fresh copy each time: the simulator changes cards (lockouts) and tests may start one anew. */
export function simulatedCards(): SimCard[] {
  return [
    {
      cardNumber: 'TTH-EC-000101', taxCode: '0100233488', status: 'ACTIVE', issueDate: '15/03/2024', expiryDate: '14/03/2029', pin: '246810',
      documents: [
        certificate(business('0100233488'), 'DKDN-0100233488-01', '2009-04-21'),
        licence(business('0100233488'), 'GP-ATTP-2023-0457', '2023-08-10', 'Kinh doanh dịch vụ ăn uống'),
        file({ id: 'ANTT-2022-0113', type: 'security-certificate', title: 'Giấy chứng nhận đủ điều kiện về an ninh, trật tự', issueDate: '2022-05-04', filename: 'ANTT-2022-0113.pdf', contentType: 'application/pdf', body: pdfDocument(['GIAY CHUNG NHAN DU DIEU KIEN VE AN NINH, TRAT TU', 'So: ANTT-2022-0113', `Co so: ${business('0100233488').name}`, 'Nganh nghe: Kinh doanh dich vu luu tru']) }),
      ],
    },
    { cardNumber: 'TTH-EC-000102', taxCode: '0314409058', status: 'ACTIVE', issueDate: '02/01/2025', expiryDate: '01/01/2030', pin: '135790', documents: [certificate(business('0314409058'), 'DKDN-0314409058-03', '2017-06-02')] },
    { cardNumber: 'TTH-EC-000103', taxCode: '0314409058-002', status: 'ACTIVE', issueDate: '20/05/2025', expiryDate: '19/05/2030', pin: '482916', documents: [certificate(business('0314409058-002'), 'DKHD-0314409058-002', '2019-09-16')] },
    { cardNumber: 'TTH-EC-000104', taxCode: '3300102110', status: 'REVOKED', issueDate: '11/11/2022', expiryDate: '10/11/2027', pin: '902113', documents: [] },
    { cardNumber: 'TTH-EC-000105', taxCode: '3300358666', status: 'EXPIRED', issueDate: '01/01/2020', expiryDate: '31/12/2024', pin: '775533', documents: [certificate(business('3300358666'), 'DKHTX-3300358666-01', '2004-02-18')] },
  ];
}

export function businessOf(taxCode: string): SimBusiness | undefined {
  return BUSINESSES.find((candidate) => candidate.taxCode === taxCode);
}
