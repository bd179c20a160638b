import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newPlugin } from './new-plugin.ts';

/** How new-plugin edits the composition root's list (the generated plugin itself is tested in tests/new-plugin.test.ts). */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lienthong-scaffold-'));
  await mkdir(join(root, 'app'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function listAfter(list: string): Promise<string> {
  await writeFile(join(root, 'app/plugins.ts'), list);
  await newPlugin(root, 'sms-x', 'sms');
  return readFile(join(root, 'app/plugins.ts'), 'utf8');
}

const header = "import type { AnyPlugin } from '../core/sdk/index.ts';\nimport a from '../plugins/a/index.ts';\n";

describe('new-plugin and app/plugins.ts', () => {
  it('adds the import after the last one and the plugin last, whatever the list ends with', async () => {
    expect(await listAfter(`${header}export const plugins: AnyPlugin[] = [a];\n`)).toBe(
      `${header}import smsX from '../plugins/sms-x/index.ts';\nexport const plugins: AnyPlugin[] = [a, smsX];\n`,
    );
  });

  it('keeps no hole after a trailing comma', async () => {
    expect(await listAfter(`${header}export const plugins: AnyPlugin[] = [\n  a,\n];\n`)).toContain('[\n  a, smsX];');
  });

  it('starts an empty list', async () => {
    expect(await listAfter(`${header}export const plugins: AnyPlugin[] = [];\n`)).toContain('export const plugins: AnyPlugin[] = [smsX];');
  });

  it('writes nothing when it cannot edit the list, saying what to add by hand', async () => {
    await writeFile(join(root, 'app/plugins.ts'), 'export default [];\n');
    await expect(newPlugin(root, 'sms-x', 'sms')).rejects.toThrow(/add "import smsX from '\.\.\/plugins\/sms-x\/index\.ts';" and smsX to the list by hand/);
    await expect(access(join(root, 'plugins'))).rejects.toThrow();
  });
});
