import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sqlite3 from 'sqlite3';
import type { AuditEntry } from '../../audit/chain.ts';
import { checkAuditKey } from '../../audit/key-binding.ts';
import { auditKeyId } from '../../audit/key-id.ts';
import { AuditKeyring } from '../../audit/keyring.ts';
import { verifyChain } from '../../audit/verify.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { AuditKeys } from '../audit-key.ts';
import { listAudit, readAuditKeys, readLastEntry } from './audit-log.ts';
import { type Connection, openConnection } from './connection.ts';
import { StoreNewerThanCode, refuseNewerStore } from './migrate.ts';
import { quickCheck, storeFacts } from './store-facts.ts';

export interface BackupFacts {
  schemaVersion: number;
  messages: number;
  auditEntries: number;
  /** The last entry of the verified chain; undefined for an empty log. */
  head: { seq: number; hash: string } | undefined;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Whether `file` is a backup this lienthong can put back, checked without writing a byte anywhere (the file is opened
 * immutable: no lock, no -shm, no journal): an SQLite file with no -wal beside it, a lienthong store of a schema
 * this code knows, undamaged (quick_check), whose audit log goes on with `keys.key` and verifies from its first
 * entry to its last with `keys` (older keys for entries before rotations). Each refusal is one line.
 */
export async function checkBackup(file: string, keys: Pick<AuditKeys, 'key' | 'name' | 'older'>): Promise<BackupFacts> {
  const named = resolve(file);
  if (!existsSync(file)) throw new ConfigError(`no backup at ${named}: check --from`);
  if (!(await hasSqliteHeader(file))) throw new ConfigError(`${named} is not an SQLite file: give a file made by lienthong backup`);
  if (existsSync(`${file}-wal`) && (await stat(`${file}-wal`)).size > 0) {
    throw new ConfigError(`${named} has a -wal file beside it, so it is a copy of a store in use rather than a backup: restore a file made by lienthong backup`);
  }
  const db = await openConnection(`${pathToFileURL(named).href}?immutable=1`, { mode: sqlite3.OPEN_READONLY | sqlite3.OPEN_URI, wal: false });
  try {
    if (!(await db.get("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"))) {
      throw new ConfigError(`${named} is an SQLite file but not a lienthong store: give a file made by lienthong backup`);
    }
    await refuseNewerStore(db, file).catch((error: unknown) => {
      if (!(error instanceof StoreNewerThanCode)) throw error;
      throw new ConfigError(
        `the backup ${named} has schema version ${error.storeVersion}, newer than this lienthong's ${error.codeVersion}: restore it with the lienthong version that made it, or a later one`,
      );
    });
    const check = await quickCheck(db);
    if (check !== 'ok') throw new ConfigError(`the backup ${named} is damaged (SQLite quick_check: ${check}): restore another backup`);
    const head = await verifyBackupChain(db, named, keys);
    return { ...(await storeFacts(db)), auditEntries: head?.seq ?? 0, head };
  } finally {
    await db.close();
  }
}

async function hasSqliteHeader(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(SQLITE_HEADER.length), 0, SQLITE_HEADER.length, 0);
    return bytesRead === SQLITE_HEADER.length && buffer.toString('latin1') === SQLITE_HEADER;
  } finally {
    await handle.close();
  }
}

/** The key must be the one the backup's log goes on with (else the restored store would refuse to start), and the chain must hold. */
async function verifyBackupChain(db: Connection, named: string, keys: Pick<AuditKeys, 'key' | 'name' | 'older'>): Promise<BackupFacts['head']> {
  const periods = await readAuditKeys(db);
  const lastEntry = await readLastEntry(db);
  const binding = checkAuditKey(keys.key, keys.name, periods.at(-1), lastEntry);
  if (binding.outcome === 'refused') {
    const expected = periods.at(-1)?.keyId;
    throw new ConfigError(
      `${keys.name} (key id ${auditKeyId(keys.key)}) is not the key the audit log of the backup ${named} goes on with` +
        `${expected ? ` (key id ${expected})` : ''}: give the audit key of the gateway the backup came from; nothing was restored`,
    );
  }
  const keyring = new AuditKeyring([...keys.older, keys.key]);
  const result = await verifyChain({ keyring, firstKeyId: periods[0]?.keyId ?? auditKeyId(keys.key) }, entriesOf(db));
  if (result.ok) return result.checked === 0 ? undefined : result.head;
  const more = result.missingKeyId === undefined ? '' : '; add that older key to LIENTHONG_AUDIT_KEYS or a --keys-file';
  throw new ConfigError(`the audit log of the backup ${named} does not verify at entry ${result.seq}: ${result.problem}${more}; nothing was restored`);
}

async function* entriesOf(db: Connection): AsyncGenerator<AuditEntry> {
  for (let after = 0; ; ) {
    const page = await listAudit(db, { afterSeq: after }, 5000);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < 5000) return;
    after = last.seq;
  }
}
