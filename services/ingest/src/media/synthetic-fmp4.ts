/**
 * Builds small fragmented MP4 streams box by box, laid out as ffmpeg's mp4 muxer writes them
 * (`frag_keyframe+empty_moov+default_base_moof`), for the media tests: exact bytes with known
 * keyframes and durations, without running ffmpeg. Not used by the service itself.
 */

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, body]);
}

/** The 64-bit size form (size field 1, then the real size): legal, and used for large mdat boxes. */
export function largeBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(1, 0);
  head.write(type, 4, "latin1");
  head.writeBigUInt64BE(BigInt(16 + body.length), 8);
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

export const SYNC = 0x0200_0000; // sample_depends_on = 2 (an I frame)
export const NON_SYNC = 0x0101_0000; // depends on others, sample_is_non_sync_sample

export interface InitOptions {
  timescale?: number;
  /** avcC profile, compatibility and level bytes. */
  profile?: [number, number, number];
  /** mvex/trex defaults. */
  trexDuration?: number;
  trexFlags?: number;
}

export function initSegment(o: InitOptions = {}): Buffer {
  const [p, c, l] = o.profile ?? [0x64, 0x00, 0x1f];
  const ftyp = box("ftyp", Buffer.from("isom"), u32(0x200), Buffer.from("isomiso6iso2avc1mp41"));
  const mdhd = fullBox("mdhd", 0, 0, u32(0, 0, o.timescale ?? 90_000, 0, 0x55c40000));
  const hdlr = fullBox("hdlr", 0, 0, u32(0), Buffer.from("vide"), u32(0, 0, 0), Buffer.from("VideoHandler\0"));
  // A visual sample entry: 78 bytes of fields (reserved, data_reference_index, sizes, resolution…), then avcC.
  const fields = Buffer.alloc(78);
  fields.writeUInt16BE(1, 6); // data_reference_index
  fields.writeUInt16BE(1280, 24);
  fields.writeUInt16BE(720, 26);
  const avcC = box("avcC", Buffer.from([1, p, c, l, 0xff, 0xe1, 0, 0, 0x01, 0, 0]));
  const stsd = fullBox("stsd", 0, 0, u32(1), box("avc1", fields, avcC));
  const trak = box("trak", box("mdia", mdhd, hdlr, box("minf", box("stbl", stsd))));
  const trex = fullBox("trex", 0, 0, u32(1, 1, o.trexDuration ?? 0, 0, o.trexFlags ?? 0));
  return Buffer.concat([ftyp, box("moov", fullBox("mvhd", 0, 0, Buffer.alloc(96)), trak, box("mvex", trex))]);
}

export interface FragmentOptions {
  seq: number;
  /** tfdt, in timescale units. */
  decodeTime: number;
  /** Per-sample durations (trun carries them); absent: `tfhdDuration` or trex's default applies. */
  durations?: number[];
  samples?: number;
  tfhdDuration?: number;
  keyframe: boolean;
  /** Where the first sample's flags are written: trun's first_sample_flags (ffmpeg's way), per sample, or tfhd's default. */
  flagsIn?: "first" | "per-sample" | "tfhd";
  payloadBytes?: number;
  large?: boolean;
}

export function fragment(o: FragmentOptions): Buffer {
  const count = o.durations?.length ?? o.samples ?? 1;
  const flagsIn = o.flagsIn ?? "first";
  const first = o.keyframe ? SYNC : NON_SYNC;
  let tfhdFlags = 0x020000; // default-base-is-moof
  const tfhdFields: number[] = [1];
  if (o.tfhdDuration !== undefined) {
    tfhdFlags |= 0x08;
    tfhdFields.push(o.tfhdDuration);
  }
  if (flagsIn === "tfhd") {
    tfhdFlags |= 0x20;
    tfhdFields.push(first);
  }
  const tfhd = fullBox("tfhd", 0, tfhdFlags, u32(...tfhdFields));
  const decodeTime = Buffer.alloc(8);
  decodeTime.writeBigUInt64BE(BigInt(Math.round(o.decodeTime)));
  const tfdt = fullBox("tfdt", 1, 0, decodeTime);
  let trunFlags = 0x01 | 0x200; // data offset, sizes
  if (o.durations) trunFlags |= 0x100;
  if (flagsIn === "first") trunFlags |= 0x04;
  if (flagsIn === "per-sample") trunFlags |= 0x400;
  const fields: number[] = [count, 0];
  if (flagsIn === "first") fields.push(first);
  const size = Math.max(1, Math.floor((o.payloadBytes ?? 100) / count));
  for (let i = 0; i < count; i++) {
    if (o.durations) fields.push(o.durations[i]!);
    fields.push(size);
    if (flagsIn === "per-sample") fields.push(i === 0 ? first : NON_SYNC);
  }
  const trun = fullBox("trun", 0, trunFlags, u32(...fields));
  const moof = box("moof", fullBox("mfhd", 0, 0, u32(o.seq)), box("traf", tfhd, tfdt, trun));
  const payload = Buffer.alloc(size * count, o.seq & 0xff);
  return Buffer.concat([moof, o.large ? largeBox("mdat", payload) : box("mdat", payload)]);
}

/**
 * A stream of `seconds` at `fps` with a keyframe every `gop` frames, in fragments of `perFragment`
 * frames that restart at each keyframe (as frag_keyframe + frag_duration do).
 */
export function stream(o: { seconds: number; fps: number; gop: number; perFragment: number; timescale?: number; payloadBytes?: number }): { init: Buffer; fragments: { data: Buffer; keyframe: boolean; durationMs: number }[] } {
  const timescale = o.timescale ?? 90_000;
  const frameUnits = timescale / o.fps;
  const total = Math.round(o.seconds * o.fps);
  const fragments: { data: Buffer; keyframe: boolean; durationMs: number }[] = [];
  let frame = 0;
  let seq = 1;
  while (frame < total) {
    const keyframe = frame % o.gop === 0;
    const untilKey = o.gop - (frame % o.gop);
    const n = Math.min(o.perFragment, untilKey, total - frame);
    fragments.push({
      data: fragment({ seq: seq++, decodeTime: frame * frameUnits, durations: Array(n).fill(frameUnits), keyframe, payloadBytes: o.payloadBytes ?? 200 }),
      keyframe,
      durationMs: (n * 1000) / o.fps,
    });
    frame += n;
  }
  return { init: initSegment({ timescale }), fragments };
}
