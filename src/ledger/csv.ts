/**
 * Text a spreadsheet would read as a formula (or, after a tab or carriage return, as the start of
 * one). Route names, session ids and models can come from callers, so an exported
 * `=HYPERLINK(…)` must stay text. OWASP, CSV injection:
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break; quotes
 * doubled. Text that would start a formula gets a leading `'`; numbers are written as numbers,
 * negative ones included.
 */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows (query results, records) as RFC 4180 CSV: a header line, CRLF line ends. Columns default to
 * the first row's keys; null becomes an empty field.
 */
export function toCsv<Row extends object>(rows: readonly Row[], columns?: readonly (keyof Row & string)[]): string {
  const header = columns ?? (rows[0] === undefined ? [] : (Object.keys(rows[0]) as (keyof Row & string)[]));
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(header.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
