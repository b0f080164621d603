import ort from "onnxruntime-node";

export interface SessionOptions {
  /** onnxruntime intra-op threads; 0 lets onnxruntime pick. */
  threads: number;
}

/**
 * Creates an onnxruntime session the way every Vigil model wants it: sequential, one inter-op
 * thread, and intra-op spinning OFF. With spinning on, two chained models (detector then OCR)
 * leave their worker threads busy-waiting and slow each other down on a 2-core machine.
 */
export async function createSession(model: string | Uint8Array, options: SessionOptions): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
  // A path, or a model's bytes (one rewritten in memory, e.g. for a rectangular input); create's overloads take
  // one or the other, not the union, hence the two identical-looking calls.
  return typeof model === "string" ? ort.InferenceSession.create(model, sessionOptions) : ort.InferenceSession.create(model, sessionOptions);
}

/** A float32 NCHW tensor. */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}

export function uint8Tensor(data: Uint8Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("uint8", data, dims);
}

/** Runs a single-input, single-output session and returns the output's data and dims. */
export async function runSingle(
  session: ort.InferenceSession,
  input: ort.Tensor,
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  if (!inputName || !outputName) throw new Error("model has no input or output");
  const out = await session.run({ [inputName]: input });
  const tensor = out[outputName];
  if (!tensor) throw new Error(`model output ${outputName} missing`);
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

export type { ort };
