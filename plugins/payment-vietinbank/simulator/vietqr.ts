/**
 * VietQR data (EMVCo merchant-presented QR, NAPAS 247 profile) for a transfer to the collection account, as the
 * bank's QR generator returns it: tag-length-value fields closed by a CRC-16/CCITT-FALSE checksum.
 */
const VIETINBANK_BIN = '970415';

const field = (tag: string, value: string) => `${tag}${String(value.length).padStart(2, '0')}${value}`;

function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

export function vietQr(account: string, amount: number, billNo: string): string {
  const beneficiary = field('00', VIETINBANK_BIN) + field('01', account);
  const merchant = field('00', 'A000000727') + field('01', beneficiary) + field('02', 'QRIBFTTA');
  const payload =
    field('00', '01') + field('01', '12') + field('38', merchant) + field('53', '704') + field('54', String(amount)) + field('58', 'VN') +
    field('62', field('08', billNo)) + '6304';
  return payload + crc16(payload);
}

/** True when the data's last field is a correct CRC of everything before it. */
export function hasValidCrc(data: string): boolean {
  return data.length > 8 && data.slice(-8, -4) === '6304' && crc16(data.slice(0, -4)) === data.slice(-4);
}
