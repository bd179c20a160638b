#!/usr/bin/env node
/**
 * `npm run build` (and `npm ci`, through `prepare`): compiles the program — app/cli.ts and everything it imports,
 * no tests, no bench — to dist/ with the TypeScript compiler, then copies beside the compiled modules every file
 * they read at run time through `new URL('<relative path>', import.meta.url)` (SQL migrations, the WSDL, the
 * new-plugin templates). A path that names nothing, or a TypeScript file, stops the build: a dist/ that would fail
 * at run time is never left behind.
 *
 * The build does not type-check (tsc --noCheck, a few seconds): `npm run typecheck` and the tests do that. So a
 * fresh clone's `npm ci` never fails on a type error in code that runs.
 *
 * The TypeScript compiler, module for module, rather than a bundler: an esbuild bundle started within the noise of
 * this build and held about 8 MB less (bench/README.md, start-up), but would move every file read beside its module
 * and make stack traces name lines of one large file.
 *
 * `--when-changed` (`npm start`): builds only when a source is newer than the last build, so a changed plugin is
 * what the sandbox runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
/** What the build reads: a change to any of these (or a file added to or removed from their folders) rebuilds. */
const INPUTS = ['app', 'core', 'plugins', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
/** `new URL('./x', import.meta.url)` as tsc writes it; the path is group 2. */
const RUNTIME_FILE = /new URL\((['"`])([^'"`]+)\1,\s*import\.meta\.url\)/g;

/** Says what is wrong and leaves no dist/: a half-built one would start and fail later, at run time. */
function fail(message) {
  rmSync(DIST, { recursive: true, force: true });
  process.stderr.write(`build: ${message}\n`);
  process.exit(1);
}

/** The newest modification time under `path` (folders count: adding or removing a file changes theirs). */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function upToDate() {
  const built = statSync(STAMP, { throwIfNoEntry: false });
  return built !== undefined && INPUTS.every((input) => newest(join(ROOT, input)) <= built.mtimeMs);
}

function compiledModules(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Copies what each compiled module reads relative to itself from the same place under the sources. */
function copyRuntimeFiles() {
  const copied = new Set();
  for (const module of compiledModules(DIST)) {
    const text = readFileSync(module, 'utf8');
    // A path joined to the module's folder cannot be found here: the file would be missing from dist/ at run time.
    if (/import\.meta\.(dirname|filename)\b/.test(text)) {
      fail(`${relative(DIST, module)} uses import.meta.dirname or .filename: name files it reads as new URL('./…', import.meta.url), so that the build copies them`);
    }
    for (const [, , path] of text.matchAll(RUNTIME_FILE)) {
      const target = fileURLToPath(new URL(path, `file://${module}`));
      const source = join(ROOT, relative(DIST, target));
      const from = `${relative(DIST, module)} reads ${path}`;
      if (!target.startsWith(DIST + sep)) fail(`${from}, outside dist/: keep run-time files beside the code that reads them`);
      if (/\.[cm]?tsx?$/.test(path)) fail(`${from}, a TypeScript file, which is not compiled: import it instead`);
      if (copied.has(target)) continue;
      if (!existsSync(source)) fail(`${from}, but ${relative(ROOT, source)} does not exist`);
      // A folder may hold compiled modules too: only what tsc does not write is copied (the templates' .ts.tpl are).
      cpSync(source, target, { recursive: true, force: false, filter: (file) => !/\.[cm]?tsx?$/.test(file) });
      copied.add(target);
    }
  }
  return copied.size;
}

if (process.argv.includes('--when-changed') && upToDate()) process.exit(0);

const started = Date.now();
rmSync(DIST, { recursive: true, force: true });
const tsc = join(dirname(fileURLToPath(import.meta.resolve('typescript/package.json'))), 'bin', 'tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck'], { stdio: 'inherit' });
if (compiled.status !== 0) fail(`tsc -p tsconfig.build.json failed (exit ${compiled.status ?? compiled.signal}): see above`);
const files = copyRuntimeFiles();
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
process.stderr.write(`build: dist/ compiled, ${files} run-time path${files === 1 ? '' : 's'} copied beside it, in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
