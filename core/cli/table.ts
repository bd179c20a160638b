/**
 * Plain columns with a header row, each as wide as its widest cell, two spaces apart; the last is not padded.
 * A cell's line breaks and runs of spaces become one space, so that a row stays one line.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\s+/g, ' ').trim()));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd())
    .join('\n');
}
