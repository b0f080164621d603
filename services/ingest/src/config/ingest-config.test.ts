import { describe, expect, it } from "vitest";
import { resolveScaler } from "./ingest-config.js";

describe("resolveScaler", () => {
  it("auto takes zscale where this ffmpeg has it and swscale where it does not", () => {
    expect(resolveScaler("auto", () => true)).toBe("zscale");
    expect(resolveScaler("auto", () => false)).toBe("swscale");
  });

  it("swscale is taken as asked, without probing ffmpeg", () => {
    expect(resolveScaler("swscale", () => {
      throw new Error("must not probe");
    })).toBe("swscale");
  });

  it("refuses at start-up to use zscale on a build without it, saying what to set instead", () => {
    expect(resolveScaler("zscale", () => true)).toBe("zscale");
    expect(() => resolveScaler("zscale", () => false)).toThrow(/INGEST_SCALER=zscale.*no zscale filter.*auto or swscale/);
  });
});
