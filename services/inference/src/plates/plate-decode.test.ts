import { describe, expect, it } from "vitest";
import { PLATE_ALPHABET, type CtcChar } from "../ocr/ctc-decode.js";
import { BOTTOM_TEMPLATES, decodePlate, parsePlateRead, TOP_TEMPLATES } from "./plate-decode.js";

/** A reader character: `top` with probability p, the rest spread over `also` (e.g. a look-alike). */
function ch(top: string, p = 0.95, also: Record<string, number> = {}): CtcChar {
  const alternatives = new Map<string, number>([...PLATE_ALPHABET].map((c) => [c, 0.0001]));
  alternatives.set(top, p);
  for (const [c, v] of Object.entries(also)) alternatives.set(c, v);
  return { char: top, confidence: p, alternatives };
}
const line = (text: string) => [...text].map((c) => ch(c));

describe("decodePlate", () => {
  it("reads a clean two-row motorbike plate and formats it", () => {
    const r = decodePlate([line("59X1"), line("23456")]);
    expect(r).toMatchObject({ plate: "59X123456", display: "59-X1 234.56", rows: 2, valid: true });
    expect(r.charConfidences).toHaveLength(9);
  });

  it("turns a digit read in a letter position into the reader's best letter (84-31 → 84-B1)", () => {
    const r = decodePlate([[ch("8"), ch("4"), ch("3", 0.6, { B: 0.3 }), ch("1")], line("36217")]);
    expect(r.plate).toBe("84B136217");
    expect(r.valid).toBe(true);
  });

  it("drops a border mark read as a leading character", () => {
    const r = decodePlate([[ch("1", 0.5), ...line("59X2")], line("81467")]);
    expect(r.plate).toBe("59X281467");
  });

  it("drops an unsure mark at the edge of a line (a bolt read as 1) but keeps a sure inner digit", () => {
    const edge = { ...ch("1", 0.45), position: 0.04 };
    const bottom = [edge, ...[..."8411"].map((c, i) => ({ ...ch(c, 0.98), position: 0.25 + i * 0.18 }))];
    expect(decodePlate([line("63F6"), bottom]).plate).toBe("63F68411");
    const sure = [{ ...ch("1", 0.99), position: 0.2 }, ...[..."8411"].map((c, i) => ({ ...ch(c, 0.98), position: 0.35 + i * 0.15 }))];
    expect(decodePlate([line("63F6"), sure]).plate).toBe("63F618411");
  });

  it("reads never-issued letters and a zero as the series letters they resemble (MO1 → MD1)", () => {
    const r = decodePlate([[...line("23M"), ch("O", 0.9), ch("1")], line("02298")]);
    expect(r.plate).toBe("23MD102298");
  });

  it("reads a one-row car plate", () => {
    const r = decodePlate([line("51F12345")]);
    expect(r).toMatchObject({ plate: "51F12345", display: "51F-123.45", rows: 1, valid: true });
  });

  it("marks text that fits no plate format as invalid and less confident", () => {
    const r = decodePlate([line("AB")]);
    expect(r.valid).toBe(false);
    expect(r.confidence).toBeLessThan(0.6);
  });
});

describe("templates from the contracts' layouts", () => {
  it("are the province plates' rows: DD-L, DD-LD/LL, DD-LLD over DDDD or DDDDD", () => {
    expect(TOP_TEMPLATES.map((t) => t.join(""))).toEqual(["DDL", "DDLA", "DDLLD"]);
    expect(BOTTOM_TEMPLATES.map((t) => t.join(""))).toEqual(["DDDD", "DDDDD"]);
  });
});

describe("parsePlateRead (the contracts' display, with the reader's row split)", () => {
  it("writes one- and two-row plates", () => {
    expect(parsePlateRead("51F12345", 1).display).toBe("51F-123.45");
    expect(parsePlateRead("59X123456", 2, 4).display).toBe("59-X1 234.56");
    expect(parsePlateRead("54T15417", 2, 4).display).toBe("54-T1 5417");
    expect(parsePlateRead("29MD101353", 2, 5).display).toBe("29-MĐ1 013.53");
  });
});
