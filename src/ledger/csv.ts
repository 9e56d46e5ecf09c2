/** One CSV field per RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
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
