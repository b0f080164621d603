// Interim plate helpers until the contracts plate module lands; replaced by imports from @vigil/contracts.
const CONFUSABLE_CLASS: Record<string, string> = {
  O: "0", D: "0", Q: "0", I: "1", L: "1", T: "7", Z: "2", S: "5", B: "8", G: "6", A: "4",
};

export function toPlateKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

export function foldConfusables(text: string): string {
  return [...toPlateKey(text)].map((c) => CONFUSABLE_CLASS[c] ?? c).join("");
}

function subCost(a: string, b: string): number {
  if (a === b) return 0;
  return (CONFUSABLE_CLASS[a] ?? a) === (CONFUSABLE_CLASS[b] ?? b) ? 0.2 : 1;
}

export function plateSimilarity(x: string, y: string): number {
  const a = toPlateKey(x);
  const b = toPlateKey(y);
  if (!a.length && !b.length) return 1;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + subCost(a[i - 1]!, b[j - 1]!));
    }
  }
  return 1 - d[a.length]![b.length]! / Math.max(a.length, b.length);
}
