/**
 * Rewrites an Ultralytics YOLO end-to-end export, fixed at a square input (640×640), for a rectangular input
 * (640×384 for 16:9 frames): the standard "rect" inference, where a letterboxed wide frame no longer spends
 * 44 % of the network on grey padding. What the export fixed for its square: the input's dims, the decoder's
 * anchor points and strides (one per grid cell of the three levels), and the attention blocks' Reshape targets
 * (cells of the stride-32 grid). Everything else (convolutions, Resize by scale, top-k) is size-agnostic.
 * Works on the model's bytes (a minimal protobuf reader and writer for the few ONNX messages touched); the
 * result goes straight to onnxruntime, nothing is written to disk. Returns undefined when the model is not of
 * the expected shape, so the caller keeps the square input.
 */

interface Field {
  no: number;
  wire: number;
  /** varint value, or the bytes of a length-delimited / fixed field. */
  value: bigint | Uint8Array;
}

function readVarint(buf: Uint8Array, pos: { p: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const b = buf[pos.p++];
    if (b === undefined) throw new Error("truncated varint");
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

function decodeFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const pos = { p: 0 };
  while (pos.p < buf.length) {
    const key = Number(readVarint(buf, pos));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, pos) });
    else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      out.push({ no, wire, value: buf.subarray(pos.p, pos.p + len) });
      pos.p += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      out.push({ no, wire, value: buf.subarray(pos.p, pos.p + len) });
      pos.p += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (pos.p > buf.length) throw new Error("truncated field");
  }
  return out;
}

function varint(v: bigint): number[] {
  // int64 fields carry negative values as ten-byte two's complement.
  let x = v < 0n ? v + (1n << 64n) : v;
  const bytes: number[] = [];
  do {
    const b = Number(x & 0x7fn);
    x >>= 7n;
    bytes.push(x > 0n ? b | 0x80 : b);
  } while (x > 0n);
  return bytes;
}

function encodeFields(fields: readonly Field[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const f of fields) {
    const head = varint(BigInt((f.no << 3) | f.wire));
    const body = typeof f.value === "bigint" ? Uint8Array.from(varint(f.value)) : f.value;
    const len = f.wire === 2 ? varint(BigInt(body.length)) : [];
    const part = new Uint8Array(head.length + len.length + body.length);
    part.set(head, 0);
    part.set(len, head.length);
    part.set(body, head.length + len.length);
    parts.push(part);
    size += part.length;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");
const bytesOf = (f: Field | undefined) => (f && f.value instanceof Uint8Array ? f.value : new Uint8Array());

/** ONNX field numbers used here. */
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, valueInfo: 13 } as const;
const NODE = { input: 1, opType: 4 } as const;
const TENSOR = { dims: 1, dataType: 2, int64Data: 7, name: 8, rawData: 9 } as const;
const FLOAT = 1;
const INT64 = 7;

interface Tensor {
  dims: number[];
  values: Float32Array | BigInt64Array;
}

function readTensor(fields: Field[]): Tensor | undefined {
  const dims: number[] = [];
  for (const f of fields.filter((x) => x.no === TENSOR.dims)) {
    if (typeof f.value === "bigint") dims.push(Number(f.value));
    else {
      const pos = { p: 0 };
      while (pos.p < f.value.length) dims.push(Number(readVarint(f.value, pos)));
    }
  }
  const dataType = Number(fields.find((f) => f.no === TENSOR.dataType)?.value ?? 0n);
  const raw = fields.find((f) => f.no === TENSOR.rawData);
  if (!raw || !(raw.value instanceof Uint8Array)) return undefined;
  // A copy at offset 0 (Buffer.slice would be a view into the whole file, unaligned).
  const copy = new Uint8Array(raw.value);
  if (dataType === FLOAT) return { dims, values: new Float32Array(copy.buffer, 0, copy.length / 4) };
  if (dataType === INT64) return { dims, values: new BigInt64Array(copy.buffer, 0, copy.length / 8) };
  return undefined;
}

/** The tensor's fields with new dims and data (raw, little-endian as ONNX stores it); name and type kept. */
function writeTensor(fields: Field[], dims: readonly number[], values: Float32Array | BigInt64Array): Uint8Array {
  const kept = fields.filter((f) => f.no !== TENSOR.dims && f.no !== TENSOR.rawData && f.no !== TENSOR.int64Data);
  const packedDims = Uint8Array.from(dims.flatMap((d) => varint(BigInt(d))));
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return encodeFields([{ no: TENSOR.dims, wire: 2, value: packedDims }, ...kept, { no: TENSOR.rawData, wire: 2, value: raw }]);
}

const STRIDES = [8, 16, 32] as const;

/** Anchor points (cell centres, x then y, row-major per level) and their strides for an input of width × height. */
export function yoloAnchors(width: number, height: number): { points: Float32Array; strides: Float32Array } {
  const n = STRIDES.reduce((s, st) => s + (width / st) * (height / st), 0);
  const points = new Float32Array(2 * n);
  const strides = new Float32Array(n);
  let i = 0;
  for (const st of STRIDES) {
    for (let y = 0; y < height / st; y++) {
      for (let x = 0; x < width / st; x++, i++) {
        points[i] = x + 0.5;
        points[n + i] = y + 0.5;
        strides[i] = st;
      }
    }
  }
  return { points, strides };
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The input's dims [1, 3, H, W] set to the new size (ValueInfoProto → TypeProto → Tensor → Shape → Dim). */
function reshapeInput(valueInfo: Uint8Array, height: number, width: number): Uint8Array | undefined {
  const vi = decodeFields(valueInfo);
  const typeField = vi.find((f) => f.no === 2);
  const type = decodeFields(bytesOf(typeField));
  const tensorField = type.find((f) => f.no === 1);
  const tensor = decodeFields(bytesOf(tensorField));
  const shapeField = tensor.find((f) => f.no === 2);
  const shape = decodeFields(bytesOf(shapeField));
  if (shape.filter((f) => f.no === 1).length !== 4) return undefined;
  const swap = (fields: Field[], from: Field | undefined, to: Uint8Array) => fields.map((f) => (f === from ? { ...f, value: to } : f));
  // Dims 2 and 3 (H, W) get a new dim_value; N and C stay.
  let dim = -1;
  const newShape = encodeFields(
    shape.map((f) => {
      if (f.no !== 1 || ++dim < 2) return f;
      return { ...f, value: encodeFields([{ no: 1, wire: 0, value: BigInt(dim === 2 ? height : width) }]) };
    }),
  );
  const newTensor = encodeFields(swap(tensor, shapeField, newShape));
  const newType = encodeFields(swap(type, tensorField, newTensor));
  return encodeFields(swap(vi, typeField, newType));
}

/**
 * The model for a width × height input (multiples of 32), from the square export of side `square`;
 * undefined when the model has not exactly the square grid's anchor points and one stride tensor, or no 4-d input.
 */
export function yoloForRectInput(model: Uint8Array, square: number, width: number, height: number): Uint8Array | undefined {
  if (width % 32 || height % 32 || square % 32) return undefined;
  try {
    return rewrite(model, square, width, height);
  } catch {
    return undefined; // not a protobuf this reader understands: the caller keeps the square input
  }
}

function rewrite(model: Uint8Array, square: number, width: number, height: number): Uint8Array | undefined {
  const top = decodeFields(model);
  const graphField = top.find((f) => f.no === MODEL_GRAPH);
  if (!graphField) return undefined;
  const graph = decodeFields(bytesOf(graphField));
  const reshapeTargets = new Set<string>();
  for (const f of graph.filter((x) => x.no === GRAPH.node)) {
    const node = decodeFields(bytesOf(f));
    if (text(bytesOf(node.find((x) => x.no === NODE.opType))) !== "Reshape") continue;
    const inputs = node.filter((x) => x.no === NODE.input);
    if (inputs[1]) reshapeTargets.add(text(bytesOf(inputs[1])));
  }
  const oldAnchors = yoloAnchors(square, square);
  const newAnchors = yoloAnchors(width, height);
  const cells = oldAnchors.strides.length;
  /** Grid sides of the square export and of the new input, per stride. */
  const grids = STRIDES.map((st) => ({ side: square / st, w: width / st, h: height / st }));
  let anchorsSeen = 0;
  let stridesSeen = 0;
  const rewritten = new Map<Field, Uint8Array>();
  for (const f of graph.filter((x) => x.no === GRAPH.initializer)) {
    const fields = decodeFields(bytesOf(f));
    const name = text(bytesOf(fields.find((x) => x.no === TENSOR.name)));
    const t = readTensor(fields);
    if (!t) continue;
    if (t.values instanceof Float32Array && t.dims.join() === `1,2,${cells}`) {
      if (!sameValues(t.values, oldAnchors.points)) return undefined;
      rewritten.set(f, writeTensor(fields, [1, 2, newAnchors.strides.length], newAnchors.points));
      anchorsSeen++;
    } else if (t.values instanceof Float32Array && t.dims.join() === `1,${cells}`) {
      if (!sameValues(t.values, oldAnchors.strides)) return undefined;
      rewritten.set(f, writeTensor(fields, [1, newAnchors.strides.length], newAnchors.strides));
      stridesSeen++;
    } else if (t.values instanceof BigInt64Array && reshapeTargets.has(name)) {
      const v = [...t.values].map(Number);
      let changed = false;
      for (const g of grids) {
        // [..., side, side] → [..., h, w]; a flattened side² → h·w.
        if (v.length >= 2 && v[v.length - 2] === g.side && v[v.length - 1] === g.side) {
          v[v.length - 2] = g.h;
          v[v.length - 1] = g.w;
          changed = true;
        } else if (v.includes(g.side * g.side)) {
          v[v.indexOf(g.side * g.side)] = g.h * g.w;
          changed = true;
        }
        if (changed) break;
      }
      if (!changed) continue;
      rewritten.set(f, writeTensor(fields, t.dims, BigInt64Array.from(v.map(BigInt))));
    }
  }
  if (anchorsSeen === 0 || stridesSeen !== 1) return undefined;
  const inputs = graph.filter((x) => x.no === GRAPH.input);
  const newInput = inputs[0] ? reshapeInput(bytesOf(inputs[0]), height, width) : undefined;
  if (!newInput) return undefined;
  const newGraph = graph
    // Shapes inferred for the square input would contradict the new one; onnxruntime infers them again.
    .filter((f) => f.no !== GRAPH.valueInfo)
    .map((f) => (f === inputs[0] ? { ...f, value: newInput } : rewritten.has(f) ? { ...f, value: rewritten.get(f)! } : f));
  return encodeFields(top.map((f) => (f === graphField ? { ...f, value: encodeFields(newGraph) } : f)));
}
