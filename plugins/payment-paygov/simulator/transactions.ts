/** The simulated platform's transactions, and the signed result it sends when the payer presses Pay or Cancel. */
import { randomInt } from 'node:crypto';
import type { SignedFields } from '../fields.ts';
import { maXacThuc } from '../signature.ts';
import { vietnamTimestamp } from '../time.ts';

export interface SimulatorAccount {
  /** MaDoiTac. */
  partnerCode: string;
  secret: string;
}

export interface SimulatedTransaction {
  reference: string;
  amount: string;
  currency: string;
  bankCode: string;
  info: string;
  initTime: string;
  /** MaXacThuc of the INIT: an identical INIT sent again is answered with the page again. */
  initSignature: string;
  callbackUrl: string | undefined;
  returnUrl: string | undefined;
  status: 'pending' | 'paid' | 'failed';
  transactionNo: string | undefined;
  resultTime: string | undefined;
  /** The signed result sent to the callback, kept so it can be sent again as the platform's retry would. */
  result: Record<string, string> | undefined;
}

/** LoaiBanTin of the result message: the platform's own value is not public. */
const RESULT_MESSAGE_TYPE = 'CONFIRM';
/** MaLoi of a result the payer cancelled: the simulator's choice, every code but 00 reads as failed. */
const CANCELLED_CODE = '24';
/** The bank a payer "chose" on the simulated page when INIT left MaNganHang empty. */
const SIMULATED_BANK = 'NCB';

function transactionNumber(): string {
  return `GD${Date.now()}${String(randomInt(1000, 10000))}`;
}

/** Ends the transaction as the payer chose and answers the signed result message for the callback. */
export function settle(transaction: SimulatedTransaction, account: SimulatorAccount, paid: boolean, at = new Date()): Record<string, string> {
  transaction.status = paid ? 'paid' : 'failed';
  transaction.transactionNo = transactionNumber();
  transaction.resultTime = vietnamTimestamp(at);
  transaction.result = resultMessage(transaction, account, paid ? '00' : CANCELLED_CODE);
  return transaction.result;
}

function resultMessage(transaction: SimulatedTransaction, account: SimulatorAccount, maLoi: string): Record<string, string> {
  const fields: SignedFields<'RESULT'> = {
    LoaiBanTin: RESULT_MESSAGE_TYPE,
    MaLoi: maLoi,
    MaDoiTac: account.partnerCode,
    MaThamChieu: transaction.reference,
    SoTien: transaction.amount,
    MaTienTe: transaction.currency,
    MaGiaoDich: transaction.transactionNo ?? '',
    MaNganHang: transaction.bankCode || SIMULATED_BANK,
    ThoiGianGD: transaction.resultTime ?? transaction.initTime,
    ThongTinGiaoDich: transaction.info,
  };
  return { ...fields, MaXacThuc: maXacThuc('RESULT', fields, account.secret) };
}

/** QUERY's TrangThaiGD for a transaction: 1 paid, 3 pending, 4 failed. */
export function trangThaiGD(transaction: SimulatedTransaction): string {
  return { paid: '1', pending: '3', failed: '4' }[transaction.status];
}
