#!/usr/bin/env node
// The installed `lienthong` command runs the compiled program in dist/ (`npm run build`, which `npm ci` and
// `npm pack` run). To run the TypeScript sources while changing them: `npm run lienthong -- <verb> …`.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/app/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('lienthong: no compiled program in dist/: run `npm run build` (or `npm run lienthong -- …` for the TypeScript sources)\n');
  process.exit(1);
}
const { run } = await import(cli.href);
const code = await run(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
