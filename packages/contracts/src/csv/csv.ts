/**
 * CSV for exported records (the alert service builds the plate export, `GET /api/v1/plates/export`).
 * RFC 4180 quoting, CRLF line ends, a UTF-8 BOM so Excel shows Vietnamese correctly, and spreadsheet
 * formula injection neutralised: a cell starting with = + - @ (or tab / CR) is prefixed with ' — an
 * exported plate or note must never run as a formula.
 */
export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (typeof value === "string" && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[], { bom = true } = {}): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(","));
  return (bom ? "\uFEFF" : "") + lines.join("\r\n") + "\r\n";
}
