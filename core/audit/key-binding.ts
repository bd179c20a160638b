import { ConfigError } from '../config/config-error.ts';
import { type AuditEntry, entryHash, sameHash } from './chain.ts';
import { auditKeyId } from './key-id.ts';

/** One row of a store's key history: entries from `fromSeq` on are chained with the key whose id is `keyId`. */
export interface AuditKeyPeriod {
  fromSeq: number;
  keyId: string;
}

/** A store given a key its audit log is not chained with: refused before anything is written. */
export class AuditKeyRefused extends ConfigError {
  override name = 'AuditKeyRefused';
}

export type KeyCheck =
  | { outcome: 'matches' }
  /** The store takes this key from entry `fromSeq` on: a new or empty log, or a log from before key ids. */
  | { outcome: 'record'; keyId: string; fromSeq: number }
  | { outcome: 'refused'; error: AuditKeyRefused };

/**
 * Whether a store may go on with `key`. A store records its key's id; another key is refused. A log whose store
 * records no id yet (made before key ids) takes the key only if it verifies the log's last entry, so that a wrong
 * key given on the first start after an upgrade is refused rather than recorded; an empty log takes any key, since
 * nothing is chained under the one it recorded. `keyName` says where the key came from (`LIENTHONG_AUDIT_KEY`).
 */
export function checkAuditKey(key: Buffer, keyName: string, current: AuditKeyPeriod | undefined, head: AuditEntry | undefined): KeyCheck {
  const keyId = auditKeyId(key);
  if (current?.keyId === keyId) return { outcome: 'matches' };
  if (!head) return { outcome: 'record', keyId, fromSeq: 1 };
  if (current) {
    return {
      outcome: 'refused',
      error: new AuditKeyRefused(
        `${keyName} is not the key this store's audit log is chained with (key id ${keyId}, the store expects ${current.keyId}): give the store's key, or change keys with \`lienthong audit rotate-key\``,
      ),
    };
  }
  if (sameHash(entryHash(key, head.prevHash, head), head.hash)) return { outcome: 'record', keyId, fromSeq: 1 };
  return {
    outcome: 'refused',
    error: new AuditKeyRefused(
      `${keyName} (key id ${keyId}) does not verify entry ${head.seq}, the last of this store's audit log, which records no key id yet: give the key the log was chained with`,
    ),
  };
}

/** Another process rotated the audit key while this one was writing under the old key: its writes stop here. */
export class AuditKeyChanged extends Error {
  override name = 'AuditKeyChanged';

  constructor(keyId: string, storeKeyId: string | undefined) {
    super(`the audit key of this store was changed by another process (this process has key id ${keyId}, the store now expects ${storeKeyId ?? 'none'}): restart it with the store's key`);
  }
}
