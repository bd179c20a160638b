import { ConfigError } from '../config/config-error.ts';
import { auditKeyId } from './key-id.ts';

/** The shortest audit key taken: LIENTHONG_AUDIT_KEY, a new key for a rotation, a key of a keyring. */
export const MIN_AUDIT_KEY_LENGTH = 32;

/** The audit keys a verifier holds, by key id: the key in use and those a log was chained with before a rotation. */
export class AuditKeyring {
  readonly #keys = new Map<string, Buffer>();

  constructor(keys: Iterable<Buffer> = []) {
    for (const key of keys) this.add(key);
  }

  /** Adds a key; answers its id. */
  add(key: Buffer): string {
    const id = auditKeyId(key);
    this.#keys.set(id, key);
    return id;
  }

  get(id: string): Buffer | undefined {
    return this.#keys.get(id);
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }
}

/**
 * The keys of a keyring text (`LIENTHONG_AUDIT_KEYS`, a keys file, the lines after the first of `<db>.audit-key`):
 * separated by newlines, commas or spaces, which keys made with `openssl rand -base64 48` never hold; a line
 * starting with `#` is a comment. `source` names the text in the message about a key too short (never the key).
 */
export function parseAuditKeys(text: string, source: string): Buffer[] {
  const keys = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((key) => key !== '');
  keys.forEach((key, index) => {
    if (key.length < MIN_AUDIT_KEY_LENGTH) {
      throw new ConfigError(`${source}: key ${index + 1} is shorter than ${MIN_AUDIT_KEY_LENGTH} characters; keys are separated by newlines, commas or spaces`);
    }
  });
  return keys.map((key) => Buffer.from(key, 'utf8'));
}
