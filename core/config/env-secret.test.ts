import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { SECRET_VARIABLES, envSecret, withSecretFiles } from './env-secret.ts';
import { resolveSecrets } from './secrets.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-env-secret-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function secretFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

describe('a secret variable given as NAME or NAME_FILE', () => {
  it('reads NAME_FILE, its trailing newline trimmed, as systemd LoadCredential and `openssl rand > FILE` leave it', async () => {
    const path = await secretFile('audit-key', 'key from a file, long enough for it\n');
    expect(envSecret({ LIENTHONG_AUDIT_KEY_FILE: path }, 'LIENTHONG_AUDIT_KEY')).toBe('key from a file, long enough for it');
  });

  it('keeps the lines inside a file (LIENTHONG_AUDIT_KEYS holds one key a line)', async () => {
    const path = await secretFile('older-keys', 'first\r\nsecond\n\n');
    expect(envSecret({ LIENTHONG_AUDIT_KEYS_FILE: path }, 'LIENTHONG_AUDIT_KEYS')).toBe('first\r\nsecond');
  });

  it('answers NAME when only it is set, and undefined when neither is (an empty value is unset)', () => {
    expect(envSecret({ LIENTHONG_DATA_KEY: 'abc' }, 'LIENTHONG_DATA_KEY')).toBe('abc');
    expect(envSecret({}, 'LIENTHONG_DATA_KEY')).toBeUndefined();
    expect(envSecret({ LIENTHONG_DATA_KEY: '', LIENTHONG_DATA_KEY_FILE: '' }, 'LIENTHONG_DATA_KEY')).toBe('');
  });

  it('refuses both set, naming both', async () => {
    const path = await secretFile('data-key', 'x\n');
    expect(() => envSecret({ LIENTHONG_DATA_KEY: 'abc', LIENTHONG_DATA_KEY_FILE: path }, 'LIENTHONG_DATA_KEY')).toThrow(
      new ConfigError('LIENTHONG_DATA_KEY and LIENTHONG_DATA_KEY_FILE are both set: unset one of them (a service keeps the secret in the file)'),
    );
  });

  it('a file that is missing, unreadable or empty is one line naming the variable, the path and what to do', async () => {
    const missing = join(dir, 'nowhere');
    expect(() => envSecret({ LIENTHONG_AUDIT_KEY_FILE: missing }, 'LIENTHONG_AUDIT_KEY')).toThrow(
      `cannot read LIENTHONG_AUDIT_KEY_FILE ${missing} (no such file): check the path, and that the user the gateway runs as may read the file`,
    );
    expect(() => envSecret({ LIENTHONG_AUDIT_KEY_FILE: dir }, 'LIENTHONG_AUDIT_KEY')).toThrow(`cannot read LIENTHONG_AUDIT_KEY_FILE ${dir} (it is a directory)`);
    const empty = await secretFile('empty', '\n');
    expect(() => envSecret({ LIENTHONG_AUDIT_KEY_FILE: empty }, 'LIENTHONG_AUDIT_KEY')).toThrow(
      `LIENTHONG_AUDIT_KEY_FILE ${empty} is empty: write the secret in it, or unset LIENTHONG_AUDIT_KEY_FILE`,
    );
    // root reads any file: the permission case only means something for another user.
    if (process.getuid?.() !== 0) {
      const locked = await secretFile('locked', 'secret\n');
      await chmod(locked, 0o000);
      expect(() => envSecret({ LIENTHONG_AUDIT_KEY_FILE: locked }, 'LIENTHONG_AUDIT_KEY')).toThrow(`cannot read LIENTHONG_AUDIT_KEY_FILE ${locked} (permission denied)`);
    }
  });
});

describe('withSecretFiles', () => {
  it('reads every secret variable given by file into its own name, and leaves the environment given as it was', async () => {
    const env: Record<string, string | undefined> = { PORT: '8080', LIENTHONG_DATA_KEY: 'direct' };
    for (const name of SECRET_VARIABLES) if (name !== 'LIENTHONG_DATA_KEY') env[`${name}_FILE`] = await secretFile(name, `${name} value\n`);
    const before = { ...env };
    const resolved = withSecretFiles(env);
    expect(env).toEqual(before);
    expect(resolved.PORT).toBe('8080');
    expect(resolved.LIENTHONG_DATA_KEY).toBe('direct');
    for (const name of SECRET_VARIABLES) if (name !== 'LIENTHONG_DATA_KEY') expect(resolved[name]).toBe(`${name} value`);
  });

  it('reads no other variable ending in _FILE', () => {
    expect(withSecretFiles({ SSL_CERT_FILE: '/nowhere' })).toEqual({ SSL_CERT_FILE: '/nowhere' });
  });
});

describe('a config secret { "env": "NAME" }', () => {
  it('is read from NAME_FILE too, and a missing one says both names', async () => {
    const path = await secretFile('sms-password', 'from a credential\n');
    const resolved = resolveSecrets({ password: { env: 'SMS_PASSWORD' } }, "instance 'sms-hue' config", { SMS_PASSWORD_FILE: path }) as { password: { reveal(): string } };
    expect(resolved.password.reveal()).toBe('from a credential');
    expect(() => resolveSecrets({ password: { env: 'SMS_PASSWORD' } }, "instance 'sms-hue' config", {})).toThrow(
      "instance 'sms-hue' config.password: environment variable SMS_PASSWORD is not set (nor SMS_PASSWORD_FILE)",
    );
    expect(() => resolveSecrets({ password: { env: 'SMS_PASSWORD' } }, "instance 'sms-hue' config", { SMS_PASSWORD: 'a', SMS_PASSWORD_FILE: path })).toThrow(
      "instance 'sms-hue' config.password: SMS_PASSWORD and SMS_PASSWORD_FILE are both set",
    );
  });
});
