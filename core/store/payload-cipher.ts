import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../config/config-error.ts';

const PREFIX = 'aes256gcm:';

/**
 * Payloads at rest under AES-256-GCM (LIENTHONG_DATA_KEY): `aes256gcm:<iv>:<tag>:<ciphertext>`, base64. Plain
 * JSON (a payload stored before a key was set) still reads, so a key can be introduced on a running system.
 */
export class PayloadCipher {
  private constructor(private readonly key: Buffer) {}

  /** From LIENTHONG_DATA_KEY: 32 bytes, base64 (e.g. `openssl rand -base64 32`). */
  static fromEnvironment(value: string | undefined): PayloadCipher | undefined {
    if (value === undefined || value === '') return undefined;
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) throw new ConfigError('LIENTHONG_DATA_KEY must be 32 bytes in base64 (e.g. openssl rand -base64 32)');
    return new PayloadCipher(key);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
  }

  static isEncrypted(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  decrypt(stored: string): string {
    const [iv, tag, ciphertext] = stored.slice(PREFIX.length).split(':');
    if (!iv || !tag || ciphertext === undefined) throw new Error('an encrypted payload is malformed');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}

/** How the store writes and reads payload text, with or without a key. */
export interface PayloadCodec {
  encode(json: string): string;
  decode(stored: string): string;
}

export function payloadCodec(cipher: PayloadCipher | undefined): PayloadCodec {
  return {
    encode: (json) => (cipher ? cipher.encrypt(json) : json),
    decode: (stored) => {
      if (!PayloadCipher.isEncrypted(stored)) return stored;
      if (!cipher) throw new Error('this payload is encrypted and LIENTHONG_DATA_KEY is not set');
      return cipher.decrypt(stored);
    },
  };
}
