import { describe, expect, it } from "vitest";
import type { WatchlistEntry } from "@vigil/contracts";
import { createWatchlistMatcher, isActive, matchPlate } from "./watchlist-matcher.js";
import { normaliseWatchlistPlate } from "./plate-keys.js";

const NOW = Date.parse("2026-05-01T12:00:00Z");
const entry = (plate: string, extra: Partial<WatchlistEntry> = {}): WatchlistEntry => ({
  id: crypto.randomUUID(),
  plate,
  display: plate,
  reason: "stolen",
  priority: "high",
  expiresAt: null,
  createdAt: "2026-05-01T00:00:00Z",
  createdBy: "sup",
  ...extra,
});

describe("watchlist matching", () => {
  const list = [entry("51F12345"), entry("30A99999", { priority: "critical" })];

  it.each([
    ["51F12345", "exact"],
    ["51F-123.45", "exact"],
    ["51FL2345", "fuzzy"], // 1 read as l
    ["51F1234S", "fuzzy"], // 5 read as S
    ["5IF-I23.4S", "fuzzy"], // three look-alikes
  ] as const)("%s hits 51F-123.45 as %s", (read, kind) => {
    const m = matchPlate(list, read, NOW, 0.92);
    expect(m).toHaveLength(1);
    expect(m[0]!.entry.plate).toBe("51F12345");
    expect(m[0]!.kind).toBe(kind);
  });

  it.each(["51F92345", "51F1234", "51F123456", "29A12345", "51G12346"])("%s (a real difference) does not hit", (read) => {
    expect(matchPlate(list, read, NOW, 0.92)).toEqual([]);
  });

  it("ignores expired entries and honours future expiry", () => {
    const expired = entry("51F12345", { expiresAt: "2026-05-01T11:59:59Z" });
    const future = entry("51F12345", { expiresAt: "2026-05-02T00:00:00Z" });
    expect(isActive(expired, NOW)).toBe(false);
    expect(matchPlate([expired], "51F12345", NOW, 0.92)).toEqual([]);
    expect(matchPlate([future], "51F12345", NOW, 0.92)).toHaveLength(1);
  });

  it("normalises entries given in display form", () => {
    const m = createWatchlistMatcher({ threshold: 0.92 });
    m.setEntries([entry("51F-123.45")]);
    expect(m.match("51F12345", NOW)[0]?.kind).toBe("exact");
  });

  it("corrects look-alikes typed into a watchlist plate by the layout", () => {
    expect(normaliseWatchlistPlate("51F-l23.45")).toEqual({ key: "51F12345", display: "51F-123.45" });
    expect(normaliseWatchlistPlate("59-X1 234.56").key).toBe("59X123456");
  });

  it("a partial pattern matches every read that contains its fragment, and nothing else", () => {
    const partial = [entry("K25", { match: "partial" })];
    expect(matchPlate(partial, "51K25678", NOW, 0.92).map((m) => m.kind)).toEqual(["partial"]);
    expect(matchPlate(partial, "30K-251.01", NOW, 0.92)).toHaveLength(1);
    expect(matchPlate(partial, "51K12345", NOW, 0.92)).toHaveLength(0);
    // A full-plate entry is never matched as a fragment: 51F12345 inside a longer read is not a hit.
    expect(matchPlate([entry("1F12345")], "51F12345", NOW, 0.99)).toHaveLength(0);
  });
});

