/**
 * Test support: the audit chain's test vector as the README's "Audit log" section states it (the key, the entries
 * as exported, the canonical form of entry 2), read from the README itself so that the tests check the text a
 * reader implements from, not a copy of it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AuditEntry } from '../audit/chain.ts';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

export interface ReadmeVector {
  /** The key's text, as LIENTHONG_AUDIT_KEY would hold it. */
  key: string;
  /** The export's lines, exactly as printed. */
  lines: string[];
  entries: AuditEntry[];
  /** The canonical form of entry 2, as printed. */
  canonicalEntry2: string;
}

/** The README's "## Audit log" section. */
function auditSection(): string {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf('\n## Audit log\n');
  if (start < 0) throw new Error('README.md has no "## Audit log" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

function fencedAfter(section: string, marker: string, language: string): string {
  const at = section.indexOf(marker);
  if (at < 0) throw new Error(`the README's audit section no longer says "${marker}"`);
  const open = section.indexOf(`\n\`\`\`${language}\n`, at);
  if (open < 0) throw new Error(`no \`\`\`${language} block after "${marker}" in the README's audit section`);
  const from = open + language.length + 5;
  return section.slice(from, section.indexOf('\n```', from));
}

export function readmeVector(): ReadmeVector {
  const section = auditSection();
  const key = /Test vector, key `([^`]+)`/.exec(section)?.[1];
  if (!key) throw new Error("the README's audit section no longer gives the test vector's key");
  const lines = fencedAfter(section, 'Test vector, key', 'jsonl').split('\n');
  return {
    key,
    lines,
    entries: lines.map((line) => JSON.parse(line) as AuditEntry),
    canonicalEntry2: fencedAfter(section, 'The canonical form of entry 2', 'json'),
  };
}
