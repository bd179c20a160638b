import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rotateKeyFile } from '../store/audit-key.ts';
import { auditKeyId } from './key-id.ts';
import { readNewAuditKey } from './rotate.ts';

const OLD = 'the sandbox audit key before rotation, 0123456789';
const NEW = 'the sandbox audit key after rotation, 0123456789';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-rotate-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the new key of a rotation', () => {
  it('comes from the first line of --new-key-file, or from LIENTHONG_NEW_AUDIT_KEY', async () => {
    const file = join(dir, 'new.key');
    await writeFile(file, `\n${NEW}\n`);
    expect((await readNewAuditKey({ file })).toString('utf8')).toBe(NEW);
    expect((await readNewAuditKey({ env: NEW })).toString('utf8')).toBe(NEW);
  });

  it('is refused when missing, given twice, unreadable or too short, in one line that does not show it', async () => {
    await expect(readNewAuditKey({})).rejects.toThrow(/^audit rotate-key needs the new key in a file \(--new-key-file FILE, e\.g\. from openssl rand -base64 48\) or in LIENTHONG_NEW_AUDIT_KEY$/);
    await expect(readNewAuditKey({ file: join(dir, 'new.key'), env: NEW })).rejects.toThrow('the new audit key is given twice');
    await expect(readNewAuditKey({ file: join(dir, 'missing.key') })).rejects.toThrow(`cannot read the new audit key from ${join(dir, 'missing.key')}: ENOENT`);
    const error = await readNewAuditKey({ env: 'short-key' }).catch((caught: Error) => caught);
    expect(String(error)).toContain('the new audit key in LIENTHONG_NEW_AUDIT_KEY must be at least 32 characters');
    expect(String(error)).not.toContain('short-key');
  });
});

describe("the sandbox's key file after a rotation", () => {
  const db = () => join(dir, 'sandbox.db');
  const keyFile = () => `${db()}.audit-key`;

  it('holds the new key first and the replaced keys after it, readable by its owner only', async () => {
    await writeFile(keyFile(), `${OLD}\n`, { mode: 0o600 });
    expect(await rotateKeyFile(db(), auditKeyId(Buffer.from(OLD)), Buffer.from(NEW))).toBe(true);
    expect(await readFile(keyFile(), 'utf8')).toBe(`${NEW}\n${OLD}\n`);
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
  });

  it('is left alone when it does not hold the replaced key, or is not there', async () => {
    await writeFile(keyFile(), `${NEW}\n`, { mode: 0o600 });
    expect(await rotateKeyFile(db(), auditKeyId(Buffer.from(OLD)), Buffer.from(`${NEW}!`))).toBe(false);
    expect(await readFile(keyFile(), 'utf8')).toBe(`${NEW}\n`);
    await rm(keyFile());
    expect(await rotateKeyFile(db(), auditKeyId(Buffer.from(OLD)), Buffer.from(NEW))).toBe(false);
  });
});
