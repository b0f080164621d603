import { describe, expect, it } from "vitest";
import { configuredTileUrl } from "./tile-config.js";

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

describe("configuredTileUrl", () => {
  it("is offline (null) unless configured", () => {
    expect(configuredTileUrl("", memoryStorage())).toBeNull();
  });

  it("remembers a tile template from ?tiles= and forgets it with ?tiles=off", () => {
    const s = memoryStorage();
    const url = "https://tiles.local/{z}/{x}/{y}.png";
    expect(configuredTileUrl(`?tiles=${encodeURIComponent(url)}`, s)).toBe(url);
    expect(configuredTileUrl("", s)).toBe(url);
    expect(configuredTileUrl("?tiles=off", s)).toBeNull();
    expect(configuredTileUrl("", s)).toBeNull();
  });

  it("accepts same-origin templates and rejects anything that isn't a tile template", () => {
    const s = memoryStorage();
    expect(configuredTileUrl("?tiles=/tiles/{z}/{x}/{y}.png", s)).toBe("/tiles/{z}/{x}/{y}.png");
    expect(configuredTileUrl(`?tiles=${encodeURIComponent("javascript:alert(1)//{z}{x}{y}")}`, memoryStorage())).toBeNull();
    expect(configuredTileUrl("?tiles=https://tiles.local/map.png", memoryStorage())).toBeNull();
    // Protocol-relative is another origin in disguise.
    expect(configuredTileUrl(`?tiles=${encodeURIComponent("//evil.example/{z}/{x}/{y}.png")}`, memoryStorage())).toBeNull();
  });
});
