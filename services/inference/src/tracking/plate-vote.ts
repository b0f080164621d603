/** One reading of a track's plate, as the voter needs it. */
export interface VoteReading {
  plate: string;
  rows: 1 | 2;
  valid: boolean;
  confidence: number;
  charConfidences: readonly number[];
}

export interface VoteResult {
  plate: string;
  rows: 1 | 2;
  /** Mean confidence of the readings that agree with the result, per character. */
  charConfidences: number[];
  confidence: number;
  /** Readings that spell exactly the result. */
  support: number;
}

/** Readings of a longer layout need this share of the majority length's weight (and ≥ 2 readings) to win. */
const LONGER_LAYOUT_MIN_SHARE = 0.3;

/** Whether `short` is `long` with characters left out (in order). */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Per-position vote among readings of one length, weighted by each character's confidence. */
function spell(voters: readonly VoteReading[], length: number): string {
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    const weights = new Map<string, number>();
    for (const r of voters) {
      const ch = r.plate[i]!;
      weights.set(ch, (weights.get(ch) ?? 0) + (r.charConfidences[i] ?? r.confidence));
    }
    chars.push([...weights.entries()].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  return chars.join("");
}

/**
 * Votes over a track's valid readings, per character position, weighted by each character's
 * confidence. Readings of the majority length vote, so one reading with an extra character does
 * not shift every position — except that a longer layout the majority is a shortening of wins when
 * it is well supported: a reader drops a character far more often than it invents one, and both
 * forms can be valid (`30F-7325`, an older 4-digit plate, is `30F-732.55` with a 5 lost; seen 16
 * times against 8). Invalid readings (outside the plate format) do not vote.
 */
export function votePlate(readings: readonly VoteReading[]): VoteResult | undefined {
  const valid = readings.filter((r) => r.valid);
  if (valid.length === 0) return undefined;
  const lengthWeight = new Map<number, number>();
  for (const r of valid) lengthWeight.set(r.plate.length, (lengthWeight.get(r.plate.length) ?? 0) + r.confidence);
  const [majority, majorityWeight] = [...lengthWeight.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]!;
  let length = majority;
  let plate = spell(valid.filter((r) => r.plate.length === majority), majority);
  const longer = [...lengthWeight.entries()].filter(([l, w]) => l > majority && w >= LONGER_LAYOUT_MIN_SHARE * majorityWeight).sort((a, b) => b[1] - a[1]);
  for (const [l] of longer) {
    const group = valid.filter((r) => r.plate.length === l);
    if (group.length < 2) continue;
    const spelled = spell(group, l);
    if (isSubsequence(plate, spelled)) {
      length = l;
      plate = spelled;
      break;
    }
  }
  const voters = valid.filter((r) => r.plate.length === length);
  const agreeing = voters.filter((r) => r.plate === plate);
  const rowsVotes = voters.reduce((acc, r) => acc + (r.rows === 2 ? 1 : -1), 0);
  const rows: 1 | 2 = rowsVotes > 0 ? 2 : 1;
  const base = agreeing.length > 0 ? agreeing : voters;
  const charConfidences = [...plate].map((ch, i) => {
    const vals = voters.filter((r) => r.plate[i] === ch).map((r) => r.charConfidences[i] ?? r.confidence);
    return Math.min(1, vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length));
  });
  const confidence = Math.min(1, base.reduce((a, r) => a + r.confidence, 0) / base.length);
  return { plate, rows, charConfidences, confidence, support: agreeing.length };
}
