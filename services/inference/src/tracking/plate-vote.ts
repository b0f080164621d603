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

/**
 * Votes over a track's valid readings, per character position, weighted by each character's
 * confidence. Readings of the majority length vote, so one reading with an extra character does
 * not shift every position. Invalid readings (outside the plate format) do not vote.
 */
export function votePlate(readings: readonly VoteReading[]): VoteResult | undefined {
  const valid = readings.filter((r) => r.valid);
  if (valid.length === 0) return undefined;
  const lengthWeight = new Map<number, number>();
  for (const r of valid) lengthWeight.set(r.plate.length, (lengthWeight.get(r.plate.length) ?? 0) + r.confidence);
  const length = [...lengthWeight.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
  const voters = valid.filter((r) => r.plate.length === length);
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    const weights = new Map<string, number>();
    for (const r of voters) {
      const ch = r.plate[i]!;
      weights.set(ch, (weights.get(ch) ?? 0) + (r.charConfidences[i] ?? r.confidence));
    }
    chars.push([...weights.entries()].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  const plate = chars.join("");
  const agreeing = voters.filter((r) => r.plate === plate);
  const rowsVotes = voters.reduce((acc, r) => acc + (r.rows === 2 ? 1 : -1), 0);
  const rows: 1 | 2 = rowsVotes > 0 ? 2 : 1;
  const base = agreeing.length > 0 ? agreeing : voters;
  const charConfidences = chars.map((ch, i) => {
    const vals = voters.filter((r) => r.plate[i] === ch).map((r) => r.charConfidences[i] ?? r.confidence);
    return Math.min(1, vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length));
  });
  const confidence = Math.min(1, base.reduce((a, r) => a + r.confidence, 0) / base.length);
  return { plate, rows, charConfidences, confidence, support: agreeing.length };
}
