import { StoreUnavailableError, type UnavailableReason } from '../unavailable.ts';

/**
 * PostgreSQL's SQLSTATEs and the socket errors of a lost server, by what they mean here. Class 08 is a connection
 * exception; 57P01–57P03 an administrator's or a crash's shutdown (pg_terminate_backend too), 53300 too many clients.
 */
const BY_CODE: Record<string, UnavailableReason> = {
  '53100': 'disk-full',
  '53300': 'unreachable',
  '57P01': 'unreachable',
  '57P02': 'unreachable',
  '57P03': 'unreachable',
  '25006': 'read-only',
  '58030': 'io-error',
  ECONNREFUSED: 'unreachable',
  ECONNRESET: 'unreachable',
  EPIPE: 'unreachable',
  ETIMEDOUT: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
};

/** Messages of `pg` for a connection that ended or never came, which carry no code. */
const LOST = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed|not queryable/i;

/** The reason `error` says the database cannot be written now, or undefined for any other error. */
export function unavailableReason(error: unknown): UnavailableReason | undefined {
  if (error instanceof StoreUnavailableError) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const reason = BY_CODE[code] ?? (code.startsWith('08') ? 'unreachable' : undefined);
    if (reason) return reason;
  }
  return error instanceof Error && LOST.test(error.message) ? 'unreachable' : undefined;
}

/** Whether the connection that raised `error` is gone (and must not be used again). */
export function connectionLost(error: unknown): boolean {
  const reason = unavailableReason(error);
  return reason === 'unreachable' && (error as { code?: unknown }).code !== '53300';
}

/**
 * `error` as a StoreUnavailableError with the operator's line when it says the database cannot be written now;
 * any other error as it is. `where` names the database without its password.
 */
export function classifyPostgresError(error: unknown, where: string, situation: { starting?: boolean } = {}): unknown {
  const reason = unavailableReason(error);
  if (!reason) return error;
  if (error instanceof StoreUnavailableError && !situation.starting) return error;
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown }).code;
  const line = operatorLine(reason, typeof code === 'string' ? code : String((cause as Error).message), where, situation.starting ?? false);
  return new StoreUnavailableError(reason, line, { cause });
}

function operatorLine(reason: UnavailableReason, code: string, where: string, starting: boolean): string {
  const then = starting ? 'then start the gateway again' : 'the gateway writes again by itself once it can';
  switch (reason) {
    case 'disk-full':
      return `the PostgreSQL server of ${where} has no disk space left (${code}): free space on its data disk, ${then}`;
    case 'read-only':
      return `${where} accepts no writes (${code}: a standby, or default_transaction_read_only): point LIENTHONG_DATABASE_URL at the primary, ${then}`;
    case 'io-error':
      return `the PostgreSQL server of ${where} reports an I/O error (${code}): check its disk and its log, ${then}`;
    default:
      return `the PostgreSQL server of ${where} cannot be reached or ended the connection (${code}): check that it runs and accepts connections (max_connections, pg_hba.conf), ${then}`;
  }
}
