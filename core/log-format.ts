import { createRequire } from 'node:module';
import pino, { type DestinationStream } from 'pino';
import type PinoPretty from 'pino-pretty';
import { vietnamTime } from './cli/time.ts';
import { ConfigError } from './config/config-error.ts';

/** `LOG_FORMAT`: `json` (the default: one JSON object a line, for journald, Loki, jq), or `pretty` for a person at a terminal. */
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function logFormat(value: string | undefined): LogFormat {
  if (value === undefined || value === '') return 'json';
  const known = LOG_FORMATS.find((format) => format === value);
  if (!known) throw new ConfigError(`LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, not '${value}'; unset it for json`);
  return known;
}

/**
 * Each line pino writes (masked already: the masking runs before any stream sees it), rewritten by pino-pretty for
 * people, times in Vietnam's time, then written on. Synchronous, as pino's own stdout is: the lines written just
 * before the process exits are not lost, and nothing waits in a stream between. pino-pretty is loaded only when asked
 * for: a JSON logger never pays for it.
 */
export function prettyDestination(destination?: DestinationStream): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  const out = destination ?? pino.destination({ dest: 1, sync: true });
  const pretty = prettyFactory({
    colorize: destination === undefined && process.stdout.isTTY === true,
    ignore: 'pid,hostname,service',
    translateTime: false,
    customPrettifiers: { time: (time) => `[${vietnamTime(Number(time))}]` },
  });
  return { write: (line: string) => out.write(pretty(line)) };
}
