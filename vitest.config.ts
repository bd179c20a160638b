import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Test files under core/ and plugins/ that start a child process: they run with the whole-gateway tests. */
const SPAWNING = ['plugins/sms-viettel/interop/zeep.test.ts'];

/**
 * Test files under core/ and plugins/ that use msw: each keeps a fresh process. msw patches process-wide globals
 * (fetch, Request, Response, Headers); in a process shared with earlier msw files, `HttpResponse.error()` now and
 * then reached the client as an HTTP 0 answer instead of a network error. A file is counted here when its text
 * says msw (an import of msw or of a test-support/msw-… helper, useMswServer).
 */
const MSW = ['core', 'plugins'].flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `${dir}/${file}`)
    .filter((file) => !SPAWNING.includes(file) && /\bmsw\b|useMswServer/i.test(readFileSync(file, 'utf8'))),
);

/**
 * Unit files mostly wait (timers, sockets, SQLite) rather than compute: two workers even on two cores, where
 * vitest's default (one less than the cores) would run them one file at a time.
 */
const UNIT_WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    // Whole-gateway tests start real child processes and servers on 127.0.0.1.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI reads the counts from this file (.ci/run prints them as one plain line).
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.ci/results.json' },
    // `npm test` runs every project; `npm run test:unit` only the unit ones (no child process, no tests/).
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'plugins/**/*.test.ts'],
          exclude: [...SPAWNING, ...MSW],
          // These files share a process: the modules they import (hono, axios, node-soap, valibot, sqlite3) load
          // once per worker instead of once per file, which was half of what the unit run cost.
          isolate: false,
          maxWorkers: UNIT_WORKERS,
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-msw',
          include: MSW,
          maxWorkers: UNIT_WORKERS,
        },
      },
      {
        extends: true,
        test: {
          name: 'gateway',
          include: ['tests/**/*.test.ts', ...SPAWNING],
          // After the unit projects, not beside them: these start processes and servers and wait on them.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
