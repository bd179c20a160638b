/**
 * A store with a month of a province's traffic, written straight in SQL (one INSERT … SELECT per chunk, a recursive
 * CTE making the rows inside SQLite) on the schema the migrations make, so the counters and indexes are the
 * gateway's own. Per dossier: its portal sync, two progress updates, two SMS and a payment's webhook event; the
 * payment itself as the payment plugin's record. Agencies are skewed (a few big ones, many small ones); 3% of
 * messages are dead, the SMS of one night almost all (a carrier outage); the newest 1.5% still wait. Succeeded
 * messages had one attempt (a tenth of them two), dead ones up to 8.
 */
import { createHash, randomBytes } from 'node:crypto';
import { openConnection } from '../core/store/sqlite/connection.ts';
import { migrate } from '../core/store/sqlite/migrate.ts';

export interface FilledStore {
  messages: number;
  seconds: number;
  /** What the bench asks for: a dossier, a message id, an agency, a key limited to two agencies. */
  sample: { dossierCode: string; dossierPrefix: string; messageId: string; smallAgency: string; scopedToken: string; scopedAgencies: string[] };
}

const DAY = 86_400_000;
const CHUNK = 50_000;
export const INSTANCES = { sms: 'sms-viettel', portal: 'national-portal', webhook: 'onestop', payment: 'payment-vietinbank' };

export async function fillStore(file: string, total: number, now: number, step: (what: string) => void): Promise<FilledStore> {
  const began = performance.now();
  const db = await openConnection(file);
  try {
    await migrate(db);
    // A bench file, thrown away after: no fsync, no journal while it is filled; WAL again for the gateway.
    await db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;');
    const start = now - 30 * DAY;
    const gap = (30 * DAY) / total;
    for (let from = 0; from < total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK) - 1;
      await db.exec('BEGIN');
      await db.run(INSERT_MESSAGES, [from, to, total, start, gap, now]);
      await db.run(INSERT_ATTEMPTS, [from + 1, to + 1]);
      await db.run(INSERT_PAYMENTS, [from + 1, to + 1]);
      await db.exec('COMMIT');
      if ((to + 1) % 200_000 === 0 || to + 1 === total) step(`filled ${to + 1} of ${total} messages (${((performance.now() - began) / 1000).toFixed(0)} s)`);
    }
    await db.exec('PRAGMA optimize; PRAGMA journal_mode = WAL;');
    const middle = await db.get<{ id: string; dossier_code: string }>('SELECT id, dossier_code FROM messages WHERE seq = ?', [Math.floor(total / 2) - (Math.floor(total / 2) % 6) + 1]);
    if (!middle) throw new Error('the filled store has no message in the middle');
    const small = await db.get<{ agency: string }>(
      "SELECT agency FROM message_counts GROUP BY agency HAVING SUM(count) > 100 ORDER BY SUM(count) LIMIT 1",
    );
    const scopedToken = `lt_op_${randomBytes(24).toString('base64url')}`;
    const scopedAgencies = ['000.00.05.H22', small?.agency ?? '000.00.90.H22'];
    await db.run('INSERT INTO api_keys (id, hash, role, agencies, label, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      'key_benchscoped', createHash('sha256').update(scopedToken).digest('hex'), 'operator', JSON.stringify(scopedAgencies), 'bench', now,
    ]);
    return {
      messages: total,
      seconds: (performance.now() - began) / 1000,
      sample: {
        dossierCode: middle.dossier_code,
        // The dossiers of one agency on one day.
        dossierPrefix: middle.dossier_code.slice(0, middle.dossier_code.lastIndexOf('-')),
        messageId: middle.id,
        smallAgency: small?.agency ?? '000.00.90.H22',
        scopedToken,
        scopedAgencies,
      },
    };
  } finally {
    await db.close();
  }
}

/**
 * Row n (0-based) of `total`: dossier n / 6, slot n % 6 (0 sync, 1-2 progress, 3-4 SMS, 5 event). Parameters:
 * first n, last n, total, start time, ms between messages, now.
 */
const INSERT_MESSAGES = `
WITH RECURSIVE n(n) AS (SELECT ?1 UNION ALL SELECT n + 1 FROM n WHERE n < ?2),
row AS (
  SELECT n, n / 6 AS d, n % 6 AS slot, (n * 2654435761) % 10000 AS h,
         CAST(?4 + n * ?5 AS INTEGER) AS at, n >= ?3 * 0.985 AS recent,
         n BETWEEN ?3 * 0.6 AND ?3 * 0.605 AND n % 6 IN (3, 4) AS outage
    FROM n),
dossier AS (
  SELECT *, printf('000.00.%02d.H22-%s-%06d', 1 + (((d * 7919) % 10007) * ((d * 7919) % 10007)) / 1012000, substr(strftime('%Y%m%d', at / 1000, 'unixepoch'), 3), d) AS code,
         printf('000.00.%02d.H22', 1 + (((d * 7919) % 10007) * ((d * 7919) % 10007)) / 1012000) AS agency,
         strftime('%Y-%m-%dT%H:%M:%S+00:00', at / 1000, 'unixepoch') AS iso
    FROM row),
fate AS (
  SELECT *,
         CASE WHEN recent THEN CASE WHEN h < 6000 THEN 'queued' WHEN h < 7000 THEN 'processing' ELSE 'succeeded' END
              WHEN outage AND h < 9000 THEN 'dead'
              WHEN h < 300 THEN 'dead'
              ELSE 'succeeded' END AS status
    FROM dossier),
shaped AS (
  SELECT *,
         CASE WHEN status = 'succeeded' THEN NULL
              WHEN outage THEN 'HTTP 503 from wsCpMt: Service Unavailable'
              WHEN slot IN (3, 4) AND h % 2 = 0 THEN 'subscriber 0981234567 is blocked (result 13)'
              WHEN slot IN (3, 4) THEN 'timed out after 10000 ms'
              WHEN slot = 5 THEN 'endpoint answered 502 Bad Gateway'
              ELSE 'portal error_code 12: Ma ho so khong ton tai tren Cong DVC' END AS error,
         CASE WHEN status = 'succeeded' THEN 1 + (h % 10 = 0)
              WHEN status = 'dead' THEN CASE WHEN h % 2 = 0 AND slot IN (3, 4) AND NOT outage THEN 1 ELSE 8 END
              WHEN status = 'processing' THEN 1 + h % 2
              ELSE 1 + h % 3 END AS tries
    FROM fate)
INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, dossier_code, ordering_key, ordering_rank,
                      status, attempts, total_attempts, max_attempts, next_attempt_at, lease_owner, lease_until, last_error, result,
                      created_at, updated_at, expires_at)
SELECT printf('msg_%026d', n),
       CASE WHEN slot <= 2 THEN 'portal' WHEN slot <= 4 THEN 'sms' ELSE 'webhook' END,
       CASE slot WHEN 0 THEN 'syncDossier' WHEN 1 THEN 'updateProgress' WHEN 2 THEN 'updateProgress' WHEN 5 THEN 'deliver' ELSE 'send' END,
       agency,
       CASE WHEN slot <= 2 THEN '${INSTANCES.portal}' WHEN slot <= 4 THEN '${INSTANCES.sms}' ELSE '${INSTANCES.webhook}' END,
       CASE WHEN slot <= 2 THEN 'national-portal' WHEN slot <= 4 THEN 'sms-viettel' ELSE 'webhook' END,
       CASE WHEN slot = 0 THEN json_object('agency', agency, 'dossier', json_object(
              'code', code, 'procedureCode', '1.004227', 'procedureName', 'Cap giay phep xay dung doi voi cong trinh cap III, cap IV',
              'applicant', json_object('name', 'Nguyen Van An', 'type', 'citizen', 'idNumber', '046095001234', 'phone', '0981234567',
                                       'address', '12 Le Loi, phuong Vinh Ninh, thanh pho Hue'),
              'receivedAt', iso, 'status', 1, 'fees', json_array(json_object('name', 'Le phi cap phep', 'amount', 50000))))
            WHEN slot <= 2 THEN json_object('agency', agency, 'dossierCode', code, 'entries', json_array(json_object(
              'handler', 'Tran Thi Binh', 'position', 'Chuyen vien', 'handledAt', iso, 'content', 'Chuyen ho so den phong chuyen mon xu ly', 'status', slot + 1)))
            WHEN slot <= 4 THEN json_object('agency', agency, 'to', '84981234567', 'text', 'Ho so ' || code || ' da co ket qua, moi ong/ba den nhan.', 'unicode', json('false'), 'reference', code)
            ELSE json_object('agency', agency, 'event', json_object('type', CASE WHEN d % 2 = 0 THEN 'payment.succeeded' ELSE 'payment.failed' END,
              'timestamp', iso, 'data', json_object('paymentId', printf('PAY-%07d', d), 'dossierCode', code, 'amount', 50000)))
       END,
       CASE WHEN slot <= 4 THEN code END,
       code,
       CASE WHEN slot <= 2 THEN code WHEN slot = 5 THEN printf('PAY-%07d', d) END,
       slot IN (1, 2),
       status, tries, tries, 8,
       CASE WHEN status = 'queued' THEN at + 60000 END,
       CASE WHEN status = 'processing' THEN 'bench-filler' END,
       CASE WHEN status = 'processing' THEN ?6 + ${DAY} END,
       error,
       CASE WHEN status = 'succeeded' THEN json_object('code', '0') END,
       at, at + tries * 1000, at + ${DAY}
  FROM shaped`;

/** Each message's attempts so far: retries, then its outcome; a processing message's current one is not over. */
const INSERT_ATTEMPTS = `
WITH RECURSIVE k(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM k WHERE k < 8)
INSERT INTO attempts (message_id, round, number, started_at, finished_at, outcome, error, provider_code)
SELECT m.id, 0, k.k, m.created_at + k.k * 1000, m.created_at + k.k * 1000 + 150,
       CASE WHEN k.k < m.attempts OR m.status IN ('queued', 'processing') THEN 'retry' ELSE m.status END,
       CASE WHEN k.k < m.attempts OR m.status <> 'succeeded' THEN COALESCE(m.last_error, 'timed out after 10000 ms') END,
       CASE WHEN m.status = 'succeeded' AND k.k = m.attempts THEN '0' ELSE 'ERR' END
  FROM messages m JOIN k ON k.k <= m.attempts - (m.status = 'processing')
 WHERE m.seq BETWEEN ?1 AND ?2`;

/** The payment of each dossier, as payment-vietinbank keeps it: paid when its event says so. */
const INSERT_PAYMENTS = `
INSERT INTO plugin_records (instance, key, status, data, dossier_code, created_at, updated_at)
SELECT '${INSTANCES.payment}', m.payload ->> '$.event.data.paymentId', CASE WHEN m.payload ->> '$.event.type' = 'payment.succeeded' THEN 'paid' ELSE 'failed' END,
       json_object('requestId', m.payload ->> '$.event.data.paymentId', 'amount', 50000, 'agency', m.agency, 'dossierCode', m.dossier_code,
                   'expiresAt', strftime('%Y-%m-%dT%H:%M:%S+00:00', m.created_at / 1000 + 900, 'unixepoch')),
       m.dossier_code, m.created_at - 60000, m.created_at
  FROM messages m WHERE m.seq BETWEEN ?1 AND ?2 AND m.capability = 'webhook'`;
