import { CliError, type Writer } from './context.js';

export const JSON_OPTION_HELP = 'print JSON (for scripts) instead of a table';

/** A column of a listing: its heading and how a record shows in it. */
export type Column<T> = [header: string, value: (record: T) => string];

/** Prints records as aligned columns for people, or as a JSON array for scripts (`--json`). */
export function printRecords<T>(
  out: Writer,
  records: T[],
  columns: Column<T>[],
  options: { json?: boolean; none: string },
): void {
  if (options.json) {
    out.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (records.length === 0) {
    out.write(`${options.none}\n`);
    return;
  }
  const rows = [columns.map(([header]) => header), ...records.map((record) => columns.map(([, value]) => value(record)))];
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) {
    // The last column is not padded, so no line ends in spaces.
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)));
    out.write(`${cells.join('  ')}\n`);
  }
}

export const timestamp = (epochMs: number): string => new Date(epochMs).toISOString();

export const yesNo = (flag: boolean): string => (flag ? 'yes' : 'no');

/** A `--limit` value: a whole number from 1 to 10000. */
export function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit takes a whole number from 1 to 10000');
  return limit;
}
