/**
 * A provider's result codes and what each means for delivery: declared once per plugin as rows, looked up here.
 * A row matches a code exactly; a `prefix` row, a code that starts with it (the rest carries a number or a name);
 * a `pattern` row, a text the pattern finds (for providers that answer in words). Exact rows win, then the first
 * prefix or pattern row in the table's order. Codes not in the table are the plugin's to decide: usually
 * retryable, since an answer nobody knows must not lose a message.
 */

/** The usual row: a code, its verdict for delivery, and its meaning for the operator reading the error. */
export interface CodeRow<Verdict extends string = string> {
  /** The provider's code as it answers it; for a `prefix` row, how it starts; for a `pattern` row, our name for it. */
  code: string;
  prefix?: boolean;
  /** Without the `g` flag: it is tested again and again. */
  pattern?: RegExp;
  verdict: Verdict;
  /** For the operator reading the error or the dead letter. */
  meaning: string;
}

/** What a row needs to be found; a table's rows may carry more (the service that answers the code, a state). */
export interface MatchingRow {
  code: string;
  prefix?: boolean;
  pattern?: RegExp;
}

export interface CodeTable<Row extends MatchingRow> {
  readonly rows: readonly Row[];
  /** The row for `code`, among the rows `among` accepts (all by default). */
  find<Found extends Row>(code: string, among: (row: Row) => row is Found): Found | undefined;
  find(code: string, among?: (row: Row) => boolean): Row | undefined;
}

export interface CodeTableOptions {
  /** How codes compare: the answer's and the rows' go through it. Default: surrounding spaces do not count. */
  normalise?: (code: string) => string;
}

const trimmed = (code: string) => code.trim();

export function codeTable<Row extends MatchingRow>(rows: readonly Row[], { normalise = trimmed }: CodeTableOptions = {}): CodeTable<Row> {
  const exact = new Map<string, Row[]>();
  const inexact: Array<{ row: Row; start: string }> = [];
  for (const row of rows) {
    if (row.prefix || row.pattern) {
      inexact.push({ row, start: normalise(row.code) });
      continue;
    }
    const key = normalise(row.code);
    exact.set(key, [...(exact.get(key) ?? []), row]);
  }
  function find(code: string, among: (row: Row) => boolean = () => true): Row | undefined {
    const key = normalise(code);
    const found = exact.get(key)?.find(among);
    if (found) return found;
    return inexact.find(({ row, start }) => among(row) && (row.pattern ? row.pattern.test(key) : key.startsWith(start)))?.row;
  }
  return { rows, find };
}
