import { parsePlate } from "@vigil/contracts";
import type { Random } from "./random.js";

/** Province codes common on Ho Chi Minh City and Hanoi streets, so the demo looks local. */
const PROVINCES = ["51", "50", "59", "30", "29", "43", "60", "61", "72", "92", "65", "15"];
const CAR_SERIES = ["A", "F", "G", "H", "K", "D", "C", "E"];
const MOTO_SERIES = ["X1", "T1", "F1", "K1", "H1", "P1", "G2", "N1", "V3", "B2"];

export interface SyntheticPlate {
  /** As written: `51F-123.45`, two-row `59-X1 234.56`. */
  display: string;
  /** Alphanumeric key, `51F12345`. */
  key: string;
  rows: 1 | 2;
  /** The physical rows, top to bottom. */
  lines: string[];
}

function number5(rng: Random): string {
  const n = String(rng.int(0, 99999)).padStart(5, "0");
  return `${n.slice(0, 3)}.${n.slice(3)}`;
}

export function randomCarPlate(rng: Random): SyntheticPlate {
  return describe(`${rng.pick(PROVINCES)}${rng.pick(CAR_SERIES)}-${number5(rng)}`, 1);
}

export function randomMotorbikePlate(rng: Random): SyntheticPlate {
  return describe(`${rng.pick(PROVINCES)}-${rng.pick(MOTO_SERIES)} ${number5(rng)}`, 2);
}

/** Validates a plate given on the command line (`51F-123.45`, `59-X1 234.56`, or `51F12345`). */
export function plateFromText(text: string): SyntheticPlate {
  const p = parsePlate(text);
  if (!p.valid) throw new Error(`"${text}" is not a Vietnamese plate: ${p.problems.join("; ")}`);
  return { display: p.display, key: p.key, rows: p.rows, lines: p.displayRows };
}

function describe(display: string, rows: 1 | 2): SyntheticPlate {
  const p = parsePlate(display, { rows });
  return { display: p.display || display, key: p.key, rows, lines: p.displayRows.length ? p.displayRows : display.split(" ") };
}
