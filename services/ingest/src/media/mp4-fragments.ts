/**
 * Reads the fragmented MP4 ffmpeg writes on MEDIA_FD (`-movflags frag_keyframe+empty_moov+default_base_moof`)
 * as it arrives, in chunks of any size: first the init segment (`ftyp` + `moov`), then fragments
 * (`moof` + `mdat`), each either starting at a keyframe or continuing the previous one. Pure: no I/O,
 * no clock; what a fragment holds (keyframe or not, duration) comes from its own boxes.
 */

/** `ftyp` + `moov`: what a player (or ffmpeg) needs before any fragment. */
export interface InitSegment {
  data: Buffer;
  /** RFC 6381 codec string for MediaSource (`avc1.42c01f`); null when the sample entry is not one we can name. */
  codec: string | null;
  /** The video track's timescale (units per second of the fragments' times). */
  timescale: number;
  /** Defaults from `mvex/trex`, used when a fragment does not carry its own. */
  defaults: SampleDefaults;
}

export interface SampleDefaults {
  duration: number;
  flags: number;
}

/** One `moof` + `mdat`. */
export interface Fragment {
  data: Buffer;
  /** The first sample is a sync sample (a keyframe): a player or a clip may start here. */
  keyframe: boolean;
  /** Sum of the samples' durations, in ms (0 when the fragment does not say). */
  durationMs: number;
  /** `tfdt` in ms: the first sample's decode time on the stream's own clock. */
  decodeTimeMs: number;
  samples: number;
}

/** A box larger than this is not a camera's fragment (a 4K keyframe is a few MB): the stream is broken. */
export const MAX_BOX_BYTES = 32 * 1024 * 1024;
const SAMPLE_IS_NON_SYNC = 0x0001_0000;

export interface Mp4FragmentReaderEvents {
  onInit(init: InitSegment): void;
  onFragment(fragment: Fragment): void;
}

/**
 * Splits the byte stream into top-level boxes without copying more than it must (chunks are
 * joined only once a whole box is there). Throws on a stream that is not MP4 (a box size below 8
 * or above MAX_BOX_BYTES, or a fragment before the init segment); the caller stops reading that run.
 */
export class Mp4FragmentReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ftyp: Buffer | null = null;
  private moof: Buffer | null = null;
  private init: InitSegment | null = null;

  constructor(private readonly events: Mp4FragmentReaderEvents) {}

  /** Bytes waiting for the rest of their box. */
  get buffered(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (!chunk.length) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (;;) {
      if (this.length < 8) return;
      const head = this.peek(Math.min(16, this.length));
      let size = head.readUInt32BE(0);
      const type = head.toString("latin1", 4, 8);
      if (size === 1) {
        if (head.length < 16) return;
        size = Number(head.readBigUInt64BE(8));
      }
      if (size < 8 || size > MAX_BOX_BYTES) throw new Error(`not a fragmented MP4 stream: box "${printable(type)}" of ${size} bytes`);
      if (this.length < size) return;
      this.box(type, this.take(size));
    }
  }

  private box(type: string, data: Buffer): void {
    switch (type) {
      case "ftyp":
        this.ftyp = data;
        return;
      case "moov": {
        const parsed = parseMoov(data);
        this.init = { data: Buffer.concat([this.ftyp ?? Buffer.alloc(0), data]), ...parsed };
        this.events.onInit(this.init);
        return;
      }
      case "moof":
        this.moof = data;
        return;
      case "mdat": {
        if (!this.moof) return; // an mdat of a non-fragmented file: nothing we can play alone
        if (!this.init) throw new Error("a fragment came before the init segment");
        const moof = this.moof;
        this.moof = null;
        const info = parseMoof(moof, this.init.defaults);
        const ms = (units: number) => (units * 1000) / this.init!.timescale;
        this.events.onFragment({ data: Buffer.concat([moof, data]), keyframe: info.keyframe, durationMs: ms(info.duration), decodeTimeMs: ms(info.decodeTime), samples: info.samples });
        return;
      }
      default:
        // styp, sidx, free, mfra (at the end of a run)…: nothing a live viewer or the ring needs.
        return;
    }
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    let first = this.chunks[0]!;
    if (first.length < n) {
      first = Buffer.concat(this.chunks);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.length -= n;
    return out;
  }
}

/** Children of a box's payload (`from` to `to` within `buf`), as [type, start of payload, end]. */
function* children(buf: Buffer, from: number, to: number): Generator<[string, number, number]> {
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString("latin1", at + 4, at + 8);
    let header = 8;
    if (size === 1 && at + 16 <= to) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) return;
    yield [type, at + header, at + size];
    at += size;
  }
}

function child(buf: Buffer, from: number, to: number, type: string): [number, number] | null {
  for (const [t, s, e] of children(buf, from, to)) if (t === type) return [s, e];
  return null;
}

/** Walks `path` (e.g. trak/mdia/mdhd) from a payload range. */
function find(buf: Buffer, range: [number, number] | null, ...path: string[]): [number, number] | null {
  let r = range;
  for (const type of path) {
    if (!r) return null;
    r = child(buf, r[0], r[1], type);
  }
  return r;
}

/** The video track's timescale, codec and sample defaults from a `moov` box (whole box, header included). */
export function parseMoov(moov: Buffer): Omit<InitSegment, "data"> {
  const root: [number, number] = [8, moov.length];
  let trak: [number, number] | null = null;
  for (const [t, s, e] of children(moov, root[0], root[1])) {
    if (t !== "trak") continue;
    const hdlr = find(moov, [s, e], "mdia", "hdlr");
    // hdlr: version/flags (4), pre_defined (4), handler_type (4)
    if (hdlr && moov.toString("latin1", hdlr[0] + 8, hdlr[0] + 12) === "vide") {
      trak = [s, e];
      break;
    }
    trak ??= [s, e];
  }
  const mdhd = find(moov, trak, "mdia", "mdhd");
  let timescale = 1000;
  if (mdhd) timescale = moov.readUInt8(mdhd[0]) === 1 ? moov.readUInt32BE(mdhd[0] + 20) : moov.readUInt32BE(mdhd[0] + 12);
  const stsd = find(moov, trak, "mdia", "minf", "stbl", "stsd");
  let codec: string | null = null;
  if (stsd) {
    // stsd: version/flags (4), entry_count (4), then the sample entries.
    for (const [entry, s, e] of children(moov, stsd[0] + 8, stsd[1])) {
      // A visual sample entry's fields take 78 bytes before its child boxes (ISO 14496-12, 12.1.3).
      const avcC = entry === "avc1" || entry === "avc3" ? child(moov, s + 78, e, "avcC") : null;
      codec = avcC ? `${entry}.${hex2(moov[avcC[0] + 1]!)}${hex2(moov[avcC[0] + 2]!)}${hex2(moov[avcC[0] + 3]!)}` : entry;
      break;
    }
  }
  const trex = find(moov, root, "mvex", "trex");
  // trex: version/flags, track_ID, default_sample_description_index, duration, size, flags.
  const defaults = trex ? { duration: moov.readUInt32BE(trex[0] + 12), flags: moov.readUInt32BE(trex[0] + 20) } : { duration: 0, flags: 0 };
  return { codec, timescale: timescale || 1000, defaults };
}

/** Keyframe, summed duration (timescale units), decode time and sample count of a `moof` (whole box). */
export function parseMoof(moof: Buffer, defaults: SampleDefaults): { keyframe: boolean; duration: number; decodeTime: number; samples: number } {
  const traf = find(moof, [8, moof.length], "traf");
  let defaultDuration = defaults.duration;
  let defaultFlags = defaults.flags;
  let decodeTime = 0;
  let duration = 0;
  let samples = 0;
  let firstFlags: number | null = null;
  if (!traf) return { keyframe: false, duration: 0, decodeTime: 0, samples: 0 };
  for (const [type, s] of children(moof, traf[0], traf[1])) {
    if (type === "tfhd") {
      const flags = moof.readUInt32BE(s) & 0xffffff;
      let at = s + 8; // version/flags, track_ID
      if (flags & 0x01) at += 8; // base_data_offset
      if (flags & 0x02) at += 4; // sample_description_index
      if (flags & 0x08) {
        defaultDuration = moof.readUInt32BE(at);
        at += 4;
      }
      if (flags & 0x10) at += 4; // default_sample_size
      if (flags & 0x20) defaultFlags = moof.readUInt32BE(at);
    } else if (type === "tfdt") {
      decodeTime = moof.readUInt8(s) === 1 ? Number(moof.readBigUInt64BE(s + 4)) : moof.readUInt32BE(s + 4);
    } else if (type === "trun") {
      const flags = moof.readUInt32BE(s) & 0xffffff;
      const count = moof.readUInt32BE(s + 4);
      let at = s + 8;
      if (flags & 0x01) at += 4; // data_offset
      let first: number | null = null;
      if (flags & 0x04) {
        first = moof.readUInt32BE(at);
        at += 4;
      }
      for (let i = 0; i < count; i++) {
        duration += flags & 0x100 ? moof.readUInt32BE(at) : defaultDuration;
        if (flags & 0x100) at += 4;
        if (flags & 0x200) at += 4;
        if (flags & 0x400) {
          if (i === 0 && first === null) first = moof.readUInt32BE(at);
          at += 4;
        }
        if (flags & 0x800) at += 4;
      }
      if (samples === 0) firstFlags = first;
      samples += count;
    }
  }
  const flags = firstFlags ?? defaultFlags;
  return { keyframe: samples > 0 && (flags & SAMPLE_IS_NON_SYNC) === 0, duration, decodeTime, samples };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?");
}
