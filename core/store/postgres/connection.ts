import pg from 'pg';
import { StoreUnavailableError } from '../unavailable.ts';
import { classifyPostgresError, connectionLost } from './unavailable-errors.ts';

/** What the store's SQL modules need of a database: the same face as the SQLite connection, `?` placeholders. */
export interface Queries {
  all<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  get<Row>(sql: string, params?: unknown[]): Promise<Row | undefined>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
}

/** Times, sequence numbers and counts are bigints: JavaScript numbers hold them exactly up to 2^53. */
const toNumber = (text: string) => Number(text);
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? toNumber : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** `?` placeholders as PostgreSQL's `$1, $2 …`, leaving quoted text alone. */
export function numbered(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const c of sql) {
    if (c === "'") quoted = !quoted;
    out += c === '?' && !quoted ? `$${++n}` : c;
  }
  return out;
}

interface Statement {
  text: string;
  uses: number;
  name?: string;
}

/** Statements run again and again (claims, outcomes, accepts) are prepared once per connection, up to this many. */
const MAX_PREPARED = 300;
const statements = new Map<string, Statement>();
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/;
let prepared = 0;

/**
 * The query as `pg` takes it: `$n` placeholders, and a name once the same text ran twice, so each connection parses
 * and plans it once (planning a claim cost more than running it). Text built from a filter's values is named too,
 * but only so many: the rest run unnamed.
 */
function query(sql: string, values: unknown[]): pg.QueryConfig {
  let statement = statements.get(sql);
  if (!statement) {
    statement = { text: numbered(sql), uses: 0 };
    if (statements.size < 4 * MAX_PREPARED) statements.set(sql, statement);
  }
  statement.uses += 1;
  if (statement.name === undefined && statement.uses >= 2 && prepared < MAX_PREPARED && !TRANSACTION_CONTROL.test(sql)) statement.name = `lienthong_${++prepared}`;
  return statement.name === undefined ? { text: statement.text, values } : { name: statement.name, text: statement.text, values };
}

/**
 * A newer process's migration changed the columns a prepared `SELECT *` returns (a rolling upgrade): the statement
 * is prepared again under a new name, and the query runs once more.
 */
async function replanned<T>(sql: string, values: unknown[], run: (config: pg.QueryConfig) => Promise<T>): Promise<T> {
  try {
    return await run(query(sql, values));
  } catch (error) {
    const statement = statements.get(sql);
    if ((error as { code?: unknown }).code !== '0A000' || !statement?.name || !/cached plan must not change result type/.test(String(error))) throw error;
    statement.name = `lienthong_${++prepared}`;
    return run(query(sql, values));
  }
}

/** How long a statement may go unanswered before its connection counts as lost (migrations take as long as they need). */
export const STATEMENT_TIMEOUT_MS = 60_000;

export interface PoolOptions {
  connectionString: string;
  poolSize: number;
  /** A schema of its own (tests): set as the search_path of every connection. */
  schema?: string | undefined;
  /** Default STATEMENT_TIMEOUT_MS. */
  statementTimeoutMs?: number | undefined;
}

/** A pool that reconnects by itself: a connection that breaks is dropped, the next query opens another. */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize,
    types: PG_TYPES,
    // A server that does not answer (a network that drops packets, a host that froze) must become a 503, not a
    // write that waits for ever: no connection within 10 s, or no answer to a statement within a minute.
    connectionTimeoutMillis: 10_000,
    query_timeout: options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'lienthong',
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle connection the server ended (restart, pg_terminate_backend) is dropped by the pool; without a listener
  // its error would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Reads and single-statement writes on any pooled connection; errors of an unreachable database classified. */
export function poolQueries(pool: pg.Pool, where: string, onUnavailable: (error: StoreUnavailableError) => void): Queries {
  const run = async <Row>(sql: string, params: unknown[] = []) => {
    try {
      return await replanned(sql, params, (config) => pool.query<Row & pg.QueryResultRow>(config));
    } catch (error) {
      throw report(classifyPostgresError(error, where), onUnavailable);
    }
  };
  return {
    all: async <Row>(sql: string, params?: unknown[]) => (await run<Row>(sql, params)).rows,
    get: async <Row>(sql: string, params?: unknown[]) => (await run<Row>(sql, params)).rows[0],
    run: async (sql, params) => ({ changes: (await run(sql, params)).rowCount ?? 0 }),
  };
}

function report(error: unknown, onUnavailable: (error: StoreUnavailableError) => void): unknown {
  if (error instanceof StoreUnavailableError) onUnavailable(error);
  return error;
}

/**
 * One connection kept for the process's group commit, taken from the pool when first needed and again after it
 * broke. A connection lost inside a transaction fails every later statement of it until its ROLLBACK: nothing of
 * the transaction may run on a fresh connection outside it.
 */
export class Session implements Queries {
  #client: pg.PoolClient | undefined;
  #lost: unknown;
  #inTransaction = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  async all<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.#query<Row>(sql, params)).rows;
  }

  async get<Row>(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.#query<Row>(sql, params)).rows[0];
  }

  async run(sql: string, params: unknown[] = []): Promise<{ changes: number }> {
    return { changes: (await this.#query(sql, params)).rowCount ?? 0 };
  }

  async #query<Row>(sql: string, params: unknown[]): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
    const ends = sql === 'COMMIT' || sql === 'ROLLBACK';
    // `BEGIN; SELECT …` (no parameters) opens the transaction and runs its first statement in one round trip.
    const begins = sql === 'BEGIN' || sql.startsWith('BEGIN;');
    // A new transaction means the one whose connection was lost is over, whoever forgot to roll it back.
    if (begins) this.#lost = undefined;
    if (this.#lost !== undefined) {
      const lost = this.#lost;
      if (ends) this.#lost = undefined;
      if (sql === 'ROLLBACK') return emptyResult();
      throw lost;
    }
    try {
      const client = await this.#connection();
      const result: pg.QueryResult<Row & pg.QueryResultRow> | Array<pg.QueryResult<Row & pg.QueryResultRow>> = await replanned(sql, params, (config) => client.query<Row & pg.QueryResultRow>(config));
      if (begins) this.#inTransaction = true;
      if (ends) this.#inTransaction = false;
      // Several statements in one query answer each; the last one's is the answer.
      return Array.isArray(result) ? (result.at(-1) ?? emptyResult()) : result;
    } catch (error) {
      const classified = classifyPostgresError(error, this.where);
      if (connectionLost(error)) {
        this.#drop(error);
        if (this.#inTransaction && !ends) this.#lost = classified;
        this.#inTransaction = false;
      }
      throw classified;
    }
  }

  async #connection(): Promise<pg.PoolClient> {
    if (this.#client) return this.#client;
    const client = await this.pool.connect();
    // The server may end the connection while it waits between batches: it is dropped, the next batch reconnects.
    client.on('error', (error) => {
      if (this.#client !== client) return;
      this.#drop(error);
      if (this.#inTransaction) this.#lost = classifyPostgresError(error, this.where);
    });
    this.#client = client;
    return client;
  }

  #drop(error: unknown): void {
    const client = this.#client;
    this.#client = undefined;
    client?.release(error instanceof Error ? error : true);
  }

  /** The server process behind the connection, while there is one: what its NOTIFYs are sent as. */
  get backendPid(): number | undefined {
    return (this.#client as (pg.PoolClient & { processID?: number | null }) | undefined)?.processID ?? undefined;
  }

  close(): void {
    this.#client?.release();
    this.#client = undefined;
  }
}

function emptyResult<Row>(): pg.QueryResult<Row & pg.QueryResultRow> {
  return { rows: [], rowCount: 0, command: '', oid: 0, fields: [] };
}
