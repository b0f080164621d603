/** One character read by a CTC model, with its probability distribution over the plate alphabet. */
export interface CtcChar {
  char: string;
  confidence: number;
  /** Probabilities of each plate-alphabet character at this position (renormalised), for format-aware correction. */
  alternatives: Map<string, number>;
  /** Centre of the character along the line, 0..1 of the timesteps (set by the caller to line units when known). */
  position?: number;
}

export const PLATE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Separators a plate shows; the reader may emit them, they are dropped from the plate text. */
const SEPARATORS = new Set(["-", ".", "·", " ", ":"]);

/**
 * Builds the class mask for a dictionary: blank (0), the plate alphabet and separators. Everything
 * else (6,000 Chinese characters, lower case) is masked out, so a smudged "8" cannot become "日".
 */
export function plateClassIndexes(dictionary: readonly string[]): { index: number; char: string }[] {
  const wanted = new Set([...PLATE_ALPHABET, ...SEPARATORS]);
  const out: { index: number; char: string }[] = [];
  dictionary.forEach((char, i) => {
    if (wanted.has(char)) out.push({ index: i + 1, char });
  });
  return out;
}

/**
 * Greedy CTC decoding restricted to the allowed classes. `probs` is [T, C] for one sequence,
 * index 0 the blank. Repeated frames of one symbol merge; a char's distribution is the mean of
 * its frames' (masked) probabilities.
 */
export function ctcDecode(
  probs: Float32Array,
  timesteps: number,
  classes: number,
  allowed: readonly { index: number; char: string }[],
): CtcChar[] {
  const result: CtcChar[] = [];
  let prev = -1;
  let acc: Float64Array | undefined;
  let frames = 0;
  let firstT = 0;
  const flush = (endT: number) => {
    if (prev <= 0 || !acc || frames === 0) return;
    const entry = allowed[prev - 1]!;
    if (SEPARATORS.has(entry.char)) return;
    const alternatives = new Map<string, number>();
    let sum = 0;
    allowed.forEach((a, k) => {
      if (!SEPARATORS.has(a.char)) sum += acc![k]!;
    });
    allowed.forEach((a, k) => {
      if (!SEPARATORS.has(a.char)) alternatives.set(a.char, sum > 0 ? acc![k]! / sum : 0);
    });
    result.push({ char: entry.char, confidence: acc[prev - 1]! / frames, alternatives, position: (firstT + endT) / 2 / timesteps });
  };
  for (let t = 0; t < timesteps; t++) {
    const row = t * classes;
    // Pick among blank + allowed only.
    let best = 0;
    let bestP = probs[row]!;
    for (let k = 0; k < allowed.length; k++) {
      const p = probs[row + allowed[k]!.index]!;
      if (p > bestP) {
        bestP = p;
        best = k + 1;
      }
    }
    if (best !== prev) {
      flush(t);
      prev = best;
      firstT = t;
      acc = best > 0 ? new Float64Array(allowed.length) : undefined;
      frames = 0;
    }
    if (best > 0 && acc) {
      for (let k = 0; k < allowed.length; k++) acc[k]! += probs[row + allowed[k]!.index]!;
      frames++;
    }
  }
  flush(timesteps);
  return result;
}
