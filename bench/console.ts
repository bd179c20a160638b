/**
 * The operators' reads at a million messages (BENCH_ONLY=console): a store filled in SQL (bench/console-fill.ts),
 * a sandbox child started on it with delivery held back, then each of CONSOLE_REQUESTS over HTTP, in turns (one
 * request of each, then again), one at a time, timed in the bench process. Target: p99 under 200 ms for each
 * judged request. Every answer must be a 200, and each search must find what the store holds.
 * BENCH_CONSOLE_MESSAGES (default 1,000,000), BENCH_CONSOLE_REQUESTS (200 of each), BENCH_CONSOLE_WARMUP (20 of each).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type FilledStore, INSTANCES, fillStore } from './console-fill.ts';
import { wholeFromEnv } from './env.ts';
import { startSandboxChild } from './sandbox-child.ts';

export interface ConsoleSettings {
  messages: number;
  requests: number;
  warmup: number;
}

export function readConsoleSettings(): ConsoleSettings {
  return {
    messages: wholeFromEnv('BENCH_CONSOLE_MESSAGES', 1_000_000, 1_000),
    requests: wholeFromEnv('BENCH_CONSOLE_REQUESTS', 200, 10),
    warmup: wholeFromEnv('BENCH_CONSOLE_WARMUP', 20, 0),
  };
}

type Sample = FilledStore['sample'];

export interface ConsoleRequest {
  name: string;
  /** The path and query, from what the filled store holds; `cursor` is the next page of the previous answer of this request, once. */
  path(sample: Sample): string;
  /** Judged against the target (the others are shown). */
  judged: boolean;
  /** The key limited to two agencies instead of the operator key for every agency. */
  scoped?: boolean;
  /** What the answer must hold, beside a 200. */
  check?(body: unknown): string | undefined;
  /** A console page (HTML, behind the console's sign-in): asked with the operator's session cookie; `check` gets its text. */
  page?: boolean;
}

const listed = (body: unknown) => (body as { messages?: unknown[] }).messages ?? [];
const found = (what: string) => (body: unknown) => (listed(body).length > 0 ? undefined : `the ${what} found nothing`);
const q = (text: string) => `/admin/v1/messages?q=${encodeURIComponent(text)}`;

const rows = (what: string) => (body: unknown) => (typeof body === 'string' && body.includes('<tr data-message=') ? undefined : `the ${what} page lists nothing`);

/** What the bench asks, in turn: the admin API's reads, then the console's pages (HTML, signed in). */
export const CONSOLE_REQUESTS: ConsoleRequest[] = [
  { name: 'overview', path: () => '/admin/v1/overview', judged: true },
  { name: 'overview, key for 2 agencies', path: () => '/admin/v1/overview', judged: true, scoped: true },
  { name: 'messages: dead of the SMS instance', path: () => `/admin/v1/messages?status=dead&instance=${INSTANCES.sms}`, judged: true, check: found('list') },
  { name: 'messages: queued of the portal instance', path: () => `/admin/v1/messages?status=queued&instance=${INSTANCES.portal}`, judged: true, check: found('list') },
  { name: 'messages: dead, page 5', path: () => '/admin/v1/messages?status=dead&cursor=', judged: true, check: found('list') },
  { name: 'messages: one small agency', path: (s) => `/admin/v1/messages?agency=${s.smallAgency}`, judged: true, check: found('list') },
  { name: 'messages: key for 2 agencies, dead', path: () => '/admin/v1/messages?status=dead', judged: true, scoped: true, check: found('list') },
  { name: 'messages: succeeded, last 24 h, webhook', path: () => `/admin/v1/messages?status=succeeded&capability=webhook&since=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`, judged: true, check: found('list') },
  { name: 'search: dossier code', path: (s) => q(s.dossierCode), judged: true, check: found('search') },
  { name: 'search: dossier code prefix (an agency, a day)', path: (s) => q(s.dossierPrefix), judged: true, check: found('search') },
  { name: 'search: message id', path: (s) => q(s.messageId), judged: true, check: found('search') },
  { name: 'search: error text', path: () => q('blocked'), judged: true, check: found('search') },
  { name: 'search: error text, dead SMS', path: () => `${q('HTTP 503')}&status=dead&instance=${INSTANCES.sms}`, judged: true, check: found('search') },
  { name: 'search: text nothing matches', path: () => q('no such text anywhere'), judged: true },
  { name: 'dossier', path: (s) => `/admin/v1/dossiers/${encodeURIComponent(s.dossierCode)}`, judged: true, check: (body) => ((body as { entries?: unknown[] }).entries?.length === 7 ? undefined : 'the dossier has not its 7 entries') },
  { name: 'message detail', path: (s) => `/admin/v1/messages/${s.messageId}`, judged: false },
  { name: 'instances (with live health checks)', path: () => '/admin/v1/instances', judged: false },
  { name: 'console page: overview', path: () => '/admin', judged: true, page: true },
  { name: 'console page: messages, dead of the SMS instance', path: () => `/admin/messages?status=dead&instance=${INSTANCES.sms}`, judged: true, page: true, check: rows('list') },
  { name: 'console page: text search', path: () => '/admin/messages?q=blocked', judged: true, page: true, check: rows('search') },
  { name: 'console page: dossier', path: (s) => `/admin/dossiers/${encodeURIComponent(s.dossierCode)}`, judged: true, page: true, check: (body) => ((String(body).match(/<li data-kind=/g) ?? []).length === 7 ? undefined : 'the dossier page has not its 7 entries') },
  { name: 'console page: message detail', path: (s) => `/admin/messages/${s.messageId}`, judged: false, page: true },
];

export interface RequestFigures {
  name: string;
  judged: boolean;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ConsoleBench {
  settings: ConsoleSettings;
  fill: { messages: number; seconds: number; fileMegabytes: number };
  figures: RequestFigures[];
  targetP99Ms: number;
  met: boolean;
}

export const TARGET_P99_MS = 200;

export async function benchConsole(dir: string, step: (what: string) => void, settings = readConsoleSettings()): Promise<ConsoleBench> {
  const file = join(dir, 'console-bench.db');
  step(`console: filling a store with ${settings.messages} messages`);
  const filled = await fillStore(file, settings.messages, Date.now(), step);
  const { size } = await stat(file);
  step('console: starting the sandbox child on it, delivery held back');
  const child = await startSandboxChild({
    LIENTHONG_DB: file,
    LIENTHONG_TEST_PLUGINS: 'sms-viettel,national-portal,payment-vietinbank',
    LIENTHONG_TEST_SMS_PLUGIN: 'sms-viettel',
    // The worker claims one message and then nothing: the figures are the reads alone.
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ ratePerSecond: 0.001 }),
  });
  try {
    const base = child.ready.url;
    const tokens = { all: child.ready.keys.operator, scoped: filled.sample.scopedToken };
    const cursors = new Map<string, string>();
    const session = await signInToConsole(base, tokens.all);
    const send = async (request: ConsoleRequest): Promise<number> => {
      let path = request.path(filled.sample);
      if (path.endsWith('cursor=')) path += await fifthPageCursor(base, tokens.all, path, cursors);
      const headers: Record<string, string> = request.page ? { cookie: session } : { authorization: `Bearer ${request.scoped ? tokens.scoped : tokens.all}` };
      const began = performance.now();
      const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
      const text = await response.text();
      const took = performance.now() - began;
      if (response.status !== 200) throw new Error(`console: ${request.name} answered ${response.status}: ${text.slice(0, 300)}`);
      const problem = request.check?.(request.page ? text : JSON.parse(text));
      if (problem) throw new Error(`console: ${request.name}: ${problem}`);
      return took;
    };
    step(`console: ${settings.warmup} uncounted requests of each, then ${settings.requests} of each in turns`);
    for (let i = 0; i < settings.warmup; i++) for (const request of CONSOLE_REQUESTS) await send(request);
    const times = CONSOLE_REQUESTS.map(() => [] as number[]);
    for (let i = 0; i < settings.requests; i++) {
      for (const [n, request] of CONSOLE_REQUESTS.entries()) times[n]?.push(await send(request));
    }
    const figures = CONSOLE_REQUESTS.map((request, n) => summarise(request, times[n] ?? []));
    return {
      settings,
      fill: { messages: filled.messages, seconds: filled.seconds, fileMegabytes: size / 1_048_576 },
      figures,
      targetP99Ms: TARGET_P99_MS,
      met: figures.every((figure) => !figure.judged || figure.p99Ms < TARGET_P99_MS),
    };
  } finally {
    await child.stop();
  }
}

/** Signs in to the console as a browser does (its form token, from its origin); answers the session cookie. */
async function signInToConsole(base: string, operatorKey: string): Promise<string> {
  const form = await fetch(`${base}/admin/login`);
  const login = form.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const answer = await fetch(`${base}/admin/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: login, origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, key: operatorKey, next: '/admin' }).toString(),
  });
  const session = answer.headers.getSetCookie().find((cookie) => cookie.startsWith('lienthong_console='));
  if (answer.status !== 303 || !session) throw new Error(`console: signing in to the console answered ${answer.status}`);
  return session.split(';')[0] as string;
}

/** The cursor of a list's fifth page, read once and kept: paging deep into the dead letters. */
async function fifthPageCursor(base: string, token: string, path: string, cursors: Map<string, string>): Promise<string> {
  const known = cursors.get(path);
  if (known) return known;
  let cursor = '';
  for (let page = 1; page < 5; page++) {
    const page = cursor === '' ? path.replace(/[?&]cursor=$/, '') : `${path}${cursor}`;
    const response = await fetch(`${base}${page}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { nextCursor?: string | null };
    if (!body.nextCursor) throw new Error(`console: ${path} has fewer than 5 pages`);
    cursor = body.nextCursor;
  }
  cursors.set(path, cursor);
  return cursor;
}

function summarise(request: ConsoleRequest, times: number[]): RequestFigures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
  return { name: request.name, judged: request.judged, requests: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? Number.NaN };
}
