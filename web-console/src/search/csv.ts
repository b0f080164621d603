/**
 * CSV for exported search results. RFC 4180 quoting, CRLF line ends, a UTF-8 BOM so Excel shows
 * Vietnamese correctly, and spreadsheet formula injection neutralised: a cell starting with
 * = + - @ (or tab / CR) is prefixed with ' — an exported plate or note must never run as a formula.
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

/** Hands a CSV to the browser as a download. */
export function downloadCsv(filename: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
