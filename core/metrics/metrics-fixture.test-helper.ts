/**
 * Test support, not production: the HTTP test gateway (real app, real SQLite store, scripted plugins) with
 * metrics in its context, a delivery worker that reports to them, and a reader of what `/metrics` serves.
 */
import { expect } from 'vitest';
import { DeliveryWorker } from '../delivery/worker.ts';
import { createApp } from '../http/app.ts';
import { type FixtureOptions, type RequestOptions, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { createMetrics } from './metrics.ts';
import { pluginServices } from '../runtime/plugin-services.ts';

export type MetricsGateway = Awaited<ReturnType<typeof openMetricsGateway>>;

export async function openMetricsGateway(options: FixtureOptions = {}) {
  const gateway = await openTestGateway(options);
  const { store, instances, clock, log } = gateway.context;
  const metrics = createMetrics({ store, instances, clock, log });
  const app = createApp({ ...gateway.context, metrics });

  const request = (path: string, init: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? gateway.client.token : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    return app.request(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  };

  return {
    ...gateway,
    app,
    metrics,
    request,
    /** A worker on the gateway's store, instances and clock that reports its attempts to the metrics. */
    worker: () => new DeliveryWorker({ store, instances, log, clock, random: () => 0.5, onAttempt: metrics.observeAttempt, services: (instance) => pluginServices(gateway.context, instance.id, 'worker') }),
    /** Fetches `/metrics` without a key, checks that it is exposition text, and parses it. */
    async scrape(): Promise<Exposition> {
      const response = await app.request('/metrics');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      return { text, samples: parseExposition(text) };
    },
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  text: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const COMMENT = new RegExp(`^# (?:HELP (${NAME}) .*|TYPE (${NAME}) (counter|gauge|histogram|summary|untyped))$`);
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|Inf)|NaN)$/i;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/**
 * Parses the Prometheus text format (0.0.4) strictly enough to catch what a scraper would refuse: every line a
 * comment, a blank or a well-formed sample, and every sample of a family declared by a TYPE line before it.
 */
export function parseExposition(text: string): Sample[] {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const comment = COMMENT.exec(line);
      if (!comment) throw new Error(`not a HELP or TYPE line: ${line}`);
      if (comment[2] && comment[3]) families.set(comment[2], comment[3]);
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample?.[1] || !sample[3] || !VALUE.test(sample[3])) throw new Error(`not a sample line: ${line}`);
    const name = sample[1];
    const family = [...families].find(([base, type]) => (SUFFIXES[type] ?? ['']).some((suffix) => name === base + suffix));
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    samples.push({ name, labels: parseLabels(sample[2] ?? '', line), value: Number(sample[3].replace(/^([+-]?)inf$/i, '$1Infinity')) });
  }
  return samples;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const label = LABEL.exec(text);
    if (!label?.[1] || label[2] === undefined) throw new Error(`malformed labels: ${line}`);
    labels[label[1]] = label[2].replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
  }
  return labels;
}

/** The samples named `name` whose labels include `labels`. */
export function find(exposition: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
}

/** The value of the one sample named `name` with `labels`; fails when there is not exactly one. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = find(exposition, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]?.value ?? Number.NaN;
}
