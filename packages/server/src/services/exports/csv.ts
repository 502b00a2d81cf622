// CSV per RFC 4180, made safe to open in a spreadsheet: a cell that a spreadsheet would read as a
// formula (starting with = + - @, tab or carriage return) gets a leading apostrophe (OWASP CSV
// injection guidance), so the text shows as text and nothing is evaluated.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
