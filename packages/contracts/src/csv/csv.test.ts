import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv.js";

/** A strict RFC 4180 reader, to check that whatever we write reads back as the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
      } else if (c === '"') {
        quoted = false;
        i++;
      } else {
        cell += c;
        i++;
      }
    } else if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ",") {
      row.push(cell);
      cell = "";
      i++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 2;
    } else {
      cell += c;
      i++;
    }
  }
  return rows;
}

describe("csvCell", () => {
  it("leaves plain cells alone", () => {
    expect(csvCell("51F-123.45")).toBe("51F-123.45");
    expect(csvCell(0.93)).toBe("0.93");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes separators, quotes and line breaks", () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("neutralises spreadsheet formulas in text cells", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("+84 90")).toBe("'+84 90");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    // Numbers stay numbers.
    expect(csvCell(-1)).toBe("-1");
  });
});

describe("toCsv", () => {
  it("writes a BOM, a header and CRLF lines", () => {
    const csv = toCsv(["Biển số", "Camera"], [["51F-123.45", "Nguyễn Huệ, Q1"]]);
    expect(csv).toBe('\uFEFFBiển số,Camera\r\n51F-123.45,"Nguyễn Huệ, Q1"\r\n');
  });

  it("round-trips any text through an RFC 4180 reader", () => {
    const safeText = fc.string({ unit: "grapheme", maxLength: 30 }).filter((s) => !/^[=+\-@\t\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.array(safeText, { minLength: 2, maxLength: 2 }), { maxLength: 10 }), (rows) => {
        const parsed = parseCsv(toCsv(["a", "b"], rows, { bom: false }));
        expect(parsed).toEqual([["a", "b"], ...rows]);
      }),
    );
  });
});
