/**
 * deploy/lienthong.env.example names every environment variable the gateway reads, and only those: the variables
 * are found in the source (core/, app/, plugins/, tests and test helpers left out) by their names, `LIENTHONG_…`
 * anywhere and any other read as `env.NAME` or `env['NAME']`. A secret appears in the template only as its
 * `NAME_FILE`, never with a value of its own. Template and code cannot drift apart.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_VARIABLES, fileVariable } from '../core/config/env-secret.ts';
import { ROOT } from './support/run-cli.ts';

/** Names in the source that look like variables but are not read from the environment, each with why. */
const NOT_VARIABLES: Record<string, string> = {
  LIENTHONG_SANDBOX: "the payment platform simulator's partner code for its sandbox account",
  LIENTHONG_SANDBOX_WEBHOOK_SECRET: "set by the sandbox itself for its own webhook receiver's { env } secret",
};

/** Source that is not the gateway: tests, their helpers, and the test kit plugin authors import. */
const isGatewaySource = (file: string) =>
  /\.(ts|tsx|js)$/.test(file) && !/\.test\.tsx?$|\.test-helper\.ts$/.test(file) && !file.startsWith('core/testing/') && !file.startsWith('core/sdk/testing');

async function sourceFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ['core', 'app', 'plugins', 'bin']) {
    for (const file of await readdir(join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      const path = `${dir}/${file}`;
      if (isGatewaySource(path)) files.push(path);
    }
  }
  return files;
}

/** Every name the source reads from the environment (and the NOT_VARIABLES, which the test checks apart). */
async function namesInSource(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await sourceFiles()) {
    const text = await readFile(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/\b(LIENTHONG_[A-Z0-9_]*[A-Z0-9])\b/g)) names.add(match[1]!);
    for (const match of text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) names.add((match[1] ?? match[2])!);
  }
  return names;
}

/** The template's variables, set (`NAME=…`) or commented out (`#NAME=…`), each with its value. */
async function templateVariables(): Promise<Map<string, string>> {
  const text = await readFile(join(ROOT, 'deploy/lienthong.env.example'), 'utf8');
  const variables = new Map<string, string>();
  for (const match of text.matchAll(/^#?([A-Z][A-Z0-9_]*)=(.*)$/gm)) variables.set(match[1]!, match[2]!);
  return variables;
}

describe('deploy/lienthong.env.example', () => {
  it('names every variable the gateway reads, and no other', async () => {
    const read = await namesInSource();
    for (const name of Object.keys(NOT_VARIABLES)) {
      expect(read.has(name), `${name} is no longer in the source: remove it from NOT_VARIABLES`).toBe(true);
      read.delete(name);
    }
    // A secret counts once, whether named as NAME or as NAME_FILE.
    const secrets = new Set<string>(SECRET_VARIABLES);
    const variable = (name: string) => (secrets.has(name.replace(/_FILE$/, '')) ? name.replace(/_FILE$/, '') : name);
    const inTemplate = new Set([...(await templateVariables()).keys()].map(variable));
    expect([...inTemplate].sort()).toEqual([...new Set([...read].map(variable))].sort());
  });

  it('gives each secret only as NAME_FILE, never a value', async () => {
    const variables = await templateVariables();
    for (const name of SECRET_VARIABLES) {
      expect(variables.has(name), `${name} has a value in the template: give it as ${fileVariable(name)}`).toBe(false);
      expect(variables.has(fileVariable(name)), `${fileVariable(name)} is missing`).toBe(true);
    }
  });

  it('explains each variable in a comment just above it', async () => {
    const lines = (await readFile(join(ROOT, 'deploy/lienthong.env.example'), 'utf8')).split('\n');
    lines.forEach((line, index) => {
      if (!/^#?[A-Z][A-Z0-9_]*=/.test(line)) return;
      // A variable follows its comment, or another variable that the same comment explains (a pair).
      let above = index - 1;
      while (above >= 0 && /^#?[A-Z][A-Z0-9_]*=/.test(lines[above]!)) above -= 1;
      expect(lines[above], `${line}: no comment above it`).toMatch(/^# \S/);
    });
  });
});
