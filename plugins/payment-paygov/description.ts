/**
 * ThongTinGiaoDich as sent: no `|` (it would shift the fields of MaXacThuc), no control characters, and without
 * diacritics when the instance asks for plain text (`Lệ phí hồ sơ` → `Le phi ho so`).
 */
export function transactionInfo(description: string, plain: boolean): string {
  let text = description.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f|]/g, ' ');
  if (plain) {
    text = text
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .normalize('NFC');
  }
  return text.replace(/\s+/g, ' ').trim();
}
