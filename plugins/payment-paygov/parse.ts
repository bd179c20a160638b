/** Lenient readers of what arrives from outside: JSON text that may not be JSON, and URLs that may not be URLs. */
import * as v from 'valibot';
import { httpUrlField } from '../../core/sdk/index.ts';

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const httpUrl = httpUrlField('url');

/** An absolute http(s) URL, by the rule of the config's URL fields. */
export const isHttpUrl = (value: unknown): value is string => v.is(httpUrl, value);
