import { ConfigError } from '../config/config-error.ts';
import type { CliIo } from './io.ts';

/**
 * `backup` and `restore` copy SQLite files. A PostgreSQL store (LIENTHONG_DATABASE_URL) is backed up and restored by
 * PostgreSQL's own tools, which know its consistency and its roles; this says so in one line.
 */
export function refusePostgres(env: CliIo['env'], verb: 'backup' | 'restore'): void {
  const url = env.LIENTHONG_DATABASE_URL;
  if (!url || !/^postgres(ql)?:/i.test(url)) return;
  const how =
    verb === 'backup'
      ? 'pg_dump --format=custom --file=lienthong.dump "$LIENTHONG_DATABASE_URL"'
      : 'pg_restore --clean --if-exists --dbname="$LIENTHONG_DATABASE_URL" lienthong.dump, with the gateways stopped';
  throw new ConfigError(`LIENTHONG_DATABASE_URL names a PostgreSQL store: lienthong ${verb} copies SQLite files; use ${how}`);
}
