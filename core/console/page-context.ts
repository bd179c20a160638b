import type { Context } from 'hono';
import type { ConsoleEnv } from './console-env.ts';
import type { HeaderOperator } from './views/layout.tsx';

/** The page's own address (path and query): where the language switch and the sign-in come back to. */
export function hereOf(c: Context<ConsoleEnv>): string {
  const url = new URL(c.req.url);
  return url.pathname + url.search;
}

/** What the header shows of the signed-in operator; undefined before sign-in. */
function headerOperator(c: Context<ConsoleEnv>): HeaderOperator | undefined {
  const operator = c.get('operator') as ConsoleEnv['Variables']['operator'] | undefined;
  return operator && { keyId: operator.key.id, agencies: operator.key.agencies, csrfToken: operator.session.csrfToken };
}

/** The language, labels, address and operator every page's layout takes. */
export function pageContext(c: Context<ConsoleEnv>) {
  return { t: c.get('t'), lang: c.get('lang'), here: hereOf(c), operator: headerOperator(c) };
}

/**
 * A console address to come back to after sign-in or a language switch: a path under /admin only (never another
 * site: `//host` or `/\host` are refused), `/admin` otherwise.
 */
export function safeBack(value: string | undefined): string {
  if (!value || !/^\/admin(?:[/?#]|$)/.test(value) || /[\\\r\n]/.test(value)) return '/admin';
  return value;
}
