import { ConfigError } from '../../config/config-error.ts';

/** Connections a gateway process keeps open to PostgreSQL when nothing says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

/** Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`). */
export const isPostgresUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:\/\//i.test(url);

export interface DatabaseTarget {
  /** The URL as `pg` takes it, without our own parameters. */
  connectionString: string;
  poolSize: number;
  /** The URL with its password masked, to be printed. */
  display: string;
}

/**
 * The database `LIENTHONG_DATABASE_URL` names, and how many connections to keep: the URL's `pool_size` parameter,
 * else `LIENTHONG_DATABASE_POOL_SIZE`, else 10. Each process holds up to that many, one of them for its writes.
 */
export function databaseTarget(url: string, env: Record<string, string | undefined> = {}): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('LIENTHONG_DATABASE_URL is not a URL: write it as postgres://user:password@host:5432/database');
  }
  const fromUrl = parsed.searchParams.get('pool_size');
  parsed.searchParams.delete('pool_size');
  const poolSize = parsePoolSize(fromUrl ?? env.LIENTHONG_DATABASE_POOL_SIZE, fromUrl !== null ? 'the pool_size parameter of LIENTHONG_DATABASE_URL' : 'LIENTHONG_DATABASE_POOL_SIZE');
  return { connectionString: parsed.toString(), poolSize, display: maskPassword(parsed) };
}

function parsePoolSize(text: string | undefined, name: string): number {
  if (text === undefined || text === '') return DEFAULT_POOL_SIZE;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 2 || size > 1000) {
    throw new ConfigError(`${name} must be a whole number of connections from 2 to 1000, not '${text}'; unset it for ${DEFAULT_POOL_SIZE}`);
  }
  return size;
}

function maskPassword(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}
