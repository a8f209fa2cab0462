import { describeError } from '../app/describe-error';

/** Exit statuses of CONTRACT.md. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The command line itself is wrong (exit 2), found after commander's own parsing. */
export class UsageError extends Error {}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A record as `key  value` lines, for people. */
export function formatRecord(record: object): string {
  const entries = Object.entries(record);
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(width)}  ${formatValue(v)}`).join('\n');
}

/** Rows as an aligned table of the given columns, for people. */
export function formatTable(rows: object[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => formatValue((row as Record<string, unknown>)[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/** A failure as CONTRACT.md wants it: on stderr, as `{ "error": { code, message } }` under --json. */
export function printError(json: boolean, error: unknown): void {
  const described = error instanceof UsageError ? { code: 'usage', message: error.message } : describeError(error);
  process.stderr.write(json ? `${JSON.stringify({ error: described })}\n` : `error: ${described.message}\n`);
}

export interface Printer {
  /** A person at a terminal reads stderr: progress may be shown there (never under --json). */
  interactive: boolean;
  /** Prints `value` as the command's one JSON value, or as `human(value)` for people. */
  result<T>(value: T, human: (value: T) => string): void;
  /** Reports a failure beside the result (a sync whose attempt failed): on stderr, the command then exits 1. */
  failure(error: unknown): void;
}

export function printer(json: boolean, out: (text: string) => void = (t) => process.stdout.write(t)): Printer {
  return {
    interactive: !json && process.stderr.isTTY === true,
    result: (value, human) => out(json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`),
    failure: (error) => printError(json, error),
  };
}
