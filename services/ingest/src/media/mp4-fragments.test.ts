import { describe, expect, it } from "vitest";
import { Mp4FragmentReader, type Fragment, type InitSegment } from "./mp4-fragments.js";
import { box, fragment, initSegment, stream } from "./synthetic-fmp4.js";

function read(chunks: Buffer[]): { inits: InitSegment[]; fragments: Fragment[]; reader: Mp4FragmentReader } {
  const inits: InitSegment[] = [];
  const fragments: Fragment[] = [];
  const reader = new Mp4FragmentReader({ onInit: (i) => inits.push(i), onFragment: (f) => fragments.push(f) });
  for (const c of chunks) reader.push(c);
  return { inits, fragments, reader };
}

/** Splits bytes into pieces of the given sizes, cycling (1 byte, 7 bytes, … as a pipe may deliver). */
function split(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe("Mp4FragmentReader", () => {
  it("finds the init segment (codec for MediaSource, timescale) and each moof+mdat with its keyframe and duration", () => {
    const s = stream({ seconds: 2, fps: 25, gop: 25, perFragment: 5 });
    const { inits, fragments } = read([s.init, ...s.fragments.map((f) => f.data)]);
    expect(inits).toHaveLength(1);
    expect(inits[0]!.codec).toBe("avc1.64001f");
    expect(inits[0]!.timescale).toBe(90_000);
    expect(inits[0]!.data.equals(s.init)).toBe(true);
    expect(fragments).toHaveLength(10);
    expect(fragments.map((f) => f.keyframe)).toEqual([true, false, false, false, false, true, false, false, false, false]);
    expect(fragments.every((f) => f.durationMs === 200 && f.samples === 5)).toBe(true);
    expect(fragments.map((f) => f.decodeTimeMs)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
    // Each fragment's bytes are exactly its moof + mdat, ready to append to a SourceBuffer or a file.
    expect(Buffer.concat(fragments.map((f) => f.data)).equals(Buffer.concat(s.fragments.map((f) => f.data)))).toBe(true);
  });

  it("gives the same result whatever the chunking of the pipe (a byte at a time, odd sizes, all at once)", () => {
    const s = stream({ seconds: 1, fps: 25, gop: 10, perFragment: 4 });
    const all = Buffer.concat([s.init, ...s.fragments.map((f) => f.data)]);
    const whole = read([all]);
    for (const sizes of [[1], [3, 7, 11], [8], [4096]]) {
      const r = read(split(all, sizes));
      expect(r.inits.map((i) => i.codec)).toEqual(whole.inits.map((i) => i.codec));
      expect(r.fragments.map((f) => [f.keyframe, f.durationMs, f.data.length])).toEqual(whole.fragments.map((f) => [f.keyframe, f.durationMs, f.data.length]));
      expect(r.reader.buffered).toBe(0);
    }
  });

  it("holds an incomplete box until the rest arrives", () => {
    const init = initSegment();
    const f = fragment({ seq: 1, decodeTime: 0, durations: [3600], keyframe: true });
    const { fragments, reader } = read([init, f.subarray(0, f.length - 1)]);
    expect(fragments).toHaveLength(0);
    // The moof is complete (kept aside); the mdat waits for its last byte.
    expect(reader.buffered).toBeGreaterThan(0);
    reader.push(f.subarray(f.length - 1));
    expect(fragments).toHaveLength(1);
    expect(reader.buffered).toBe(0);
  });

  it("reads the keyframe from per-sample flags or tfhd's default, and the duration from tfhd's or trex's default", () => {
    const init = initSegment({ timescale: 1000, trexDuration: 40 });
    const frags = [
      fragment({ seq: 1, decodeTime: 0, samples: 3, tfhdDuration: 50, keyframe: true, flagsIn: "per-sample" }),
      fragment({ seq: 2, decodeTime: 150, samples: 2, keyframe: false, flagsIn: "tfhd" }),
      fragment({ seq: 3, decodeTime: 230, samples: 4, keyframe: true, flagsIn: "tfhd" }),
    ];
    const { fragments } = read([init, ...frags]);
    expect(fragments.map((f) => [f.keyframe, f.durationMs, f.decodeTimeMs])).toEqual([
      [true, 150, 0],
      [false, 80, 150],
      [true, 160, 230],
    ]);
  });

  it("takes the 64-bit size form and skips boxes a stream copy does not need (free, styp, mfra)", () => {
    const init = initSegment({ profile: [0x42, 0xc0, 0x1e] });
    const f = fragment({ seq: 1, decodeTime: 0, durations: [3600, 3600], keyframe: true, large: true, payloadBytes: 1000 });
    const { inits, fragments } = read([box("free", Buffer.alloc(10)), init, box("styp", Buffer.from("msdh")), f, box("mfra", Buffer.alloc(20))]);
    expect(inits[0]!.codec).toBe("avc1.42c01e");
    expect(fragments).toHaveLength(1);
    expect(fragments[0]!.data.length).toBe(f.length);
    expect(fragments[0]!.durationMs).toBeCloseTo(80, 5);
  });

  it("refuses what is not a fragmented MP4: a box size under 8, a huge box, a fragment before any init segment", () => {
    expect(() => read([Buffer.from("this is not mp4 at all")])).toThrow(/not a fragmented MP4/);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0x7fffffff, 0);
    huge.write("mdat", 4, "latin1");
    expect(() => read([huge])).toThrow(/not a fragmented MP4/);
    expect(() => read([fragment({ seq: 1, decodeTime: 0, durations: [1], keyframe: true })])).toThrow(/before the init segment/);
  });

  it("names a sample entry it cannot describe by its type only (MediaSource then falls back)", () => {
    const init = initSegment();
    const at = init.indexOf("avc1", init.indexOf("stsd"));
    const other = Buffer.from(init);
    other.write("hvc1", at, "latin1");
    expect(read([other]).inits[0]!.codec).toBe("hvc1");
  });
});
