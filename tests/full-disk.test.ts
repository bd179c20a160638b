/**
 * Whole-gateway: the store on a tmpfs that fills up. The sandbox runs as a real child process on a small tmpfs
 * mounted for this test; a file then takes every byte left. Writes answer 503 with Retry-After, /readyz 503, the
 * worker says so once; once the file is removed, /readyz answers 200 by itself, new requests are accepted, and every
 * request accepted before, during or after is delivered. A start on the full disk prints one line naming the disk.
 * Mounting needs root (CAP_SYS_ADMIN): where it is refused, the test is skipped, saying so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import type { ChildSandbox } from './support/child-sandbox.ts';
import { type ChildEnv, killChildren, runCli } from './support/run-cli.ts';
import { accepted, allDelivered, outageLines, readyAgain, readyz, sendSms, startOutageGateway } from './support/store-outage.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-full-disk-'));
const refusal = mountTmpfs(dir, '24m');
const db = join(dir, 'gateway.db');
const filler = join(dir, 'filler');
let gateway: ChildSandbox | undefined;

/** Mounts a tmpfs of `size` on `at`; answers why not when the system refuses. */
function mountTmpfs(at: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim();
  }
}

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  await gateway?.exited;
  await killChildren();
  if (refusal === undefined) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `filler` until the filesystem has not one more byte for it, in ever smaller pieces. */
async function fillDisk(): Promise<void> {
  const file = await open(filler, 'a');
  try {
    for (let size = 1 << 20; size >= 512; ) {
      try {
        await file.write(Buffer.alloc(size));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size /= 2;
      }
    }
  } finally {
    await file.close();
  }
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const env = (): ChildEnv => ({ LIENTHONG_DB: db, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, LIENTHONG_DATABASE_URL: undefined });

// Runs only on the tmpfs it mounted: see the skipped case below for where mounting is refused.
describe.skipIf(refusal !== undefined)('a store whose disk fills up', () => {
  it('answers writes 503 with Retry-After and /readyz 503 while full, recovers by itself once space is freed, and loses nothing it accepted', async () => {
    gateway = await startOutageGateway(db);
    const before = [await accepted(gateway, 1), await accepted(gateway, 2), await accepted(gateway, 3)];

    await fillDisk();
    // Said before any write fails on it.
    expect((await readyz(gateway)).status).toBe(503);
    // SQLite may still commit a few into WAL space it already holds: send until one is refused.
    const acceptedWhileFilling: string[] = [];
    let refused: Response | undefined;
    for (let n = 100; n < 2100 && !refused; n++) {
      const response = await sendSms(gateway, n);
      if (response.status === 202) acceptedWhileFilling.push(((await response.json()) as { id: string }).id);
      else refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('content-type')).toBe('application/problem+json');
    expect(refused?.headers.get('retry-after')).toBe('30');
    expect(await refused?.json()).toMatchObject({
      type: 'urn:lienthong:problem:store-unavailable',
      detail: "the gateway's store cannot write (its disk is full); nothing was stored: retry after 30 s",
    });
    const notReady = await readyz(gateway);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not ready', detail: 'the store cannot write: its disk is full' });
    expect((await sendSms(gateway, 3000)).status).toBe(503);

    await rm(filler);
    await readyAgain(gateway);
    const after = [await accepted(gateway, 4), await accepted(gateway, 5)];
    await allDelivered(gateway, [...before, ...acceptedWhileFilling, ...after]);

    const lines = outageLines(gateway);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`store unavailable: the disk holding ${db} (the filesystem mounted at ${dir}, `);
    expect(lines[0]).toContain('is full: free space on it');
    expect(lines[1]).toBe('store writable again; deliveries resume');
    expect(await gateway.stop()).toBe(0);

    // Nothing half-written: the audit chain of everything that went on holds.
    const verified = await runCli(['audit', 'verify', '--db', db], env());
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  });

  it('refuses to start on the full disk in one line that names the disk and says what to do, exit 1', async () => {
    const config = join(dir, 'gateway.json');
    await writeFile(config, JSON.stringify({ agencies: [{ code: '000.00.01.H22' }] }));
    await fillDisk();
    try {
      for (const args of [
        ['sandbox', '--port', '0', '--db', db],
        ['serve', '--config', config, '--port', '0', '--host', '127.0.0.1', '--db', db],
      ]) {
        const result = await runCli(args, env());
        expect(result.code, result.stderr).toBe(1);
        const lines = result.stderr.split('\n').filter((line) => line.startsWith('lienthong: '));
        expect(lines, result.stderr).toEqual([
          expect.stringMatching(new RegExp(`^lienthong: the disk holding ${escaped(db)} \\(the filesystem mounted at ${escaped(dir)}, \\d+ KiB free\\) is full: free space on it .*then start the gateway again$`)),
        ]);
      }
    } finally {
      await rm(filler);
    }
  });
});

// Mounting a tmpfs needs root or CAP_SYS_ADMIN: where the system refuses, one skipped case says so, with its answer.
if (refusal !== undefined) {
  describe('a store whose disk fills up', () => {
    // Mounting a tmpfs was refused (no root or CAP_SYS_ADMIN): the case says so instead of passing silently.
    it.skip(`this system refused to mount a tmpfs (${refusal}); the test needs root or CAP_SYS_ADMIN`, () => undefined);
  });
}
