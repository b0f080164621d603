import type { AnalyzeResponse, FireEvent, Frame, PlateEvent } from "@vigil/contracts";
import type { AnalysisCounter } from "../metrics.js";
import type { FrameAnalysisConfig } from "./frame-analysis.js";

/** Messages between the inference main thread and an analysis worker thread (structured-clone data only). */
export type ToWorker =
  | { type: "init"; config: FrameAnalysisConfig; logLevel: string; workerIndex: number }
  | { type: "frame"; id: number; frame: Frame }
  | { type: "analyze"; id: number; image: Uint8Array }
  /** The main thread has the event in its outbox (or failed to): the worker's publish settles. */
  | { type: "published"; id: number; error?: string }
  | { type: "close" };

export type FromWorker =
  | { type: "ready"; plateDetector: string }
  | { type: "init-failed"; error: string }
  /**
   * `undecodable`: the error was an ImageDecodeError (the analyze API answers 400 to it).
   * `pixels`: a frame's pixel buffer, moved back once analysed, for the main thread to fill with a later frame.
   */
  | { type: "done"; id: number; result?: AnalyzeResponse; error?: string; undecodable?: boolean; pixels?: ArrayBuffer }
  | { type: "publish"; id: number; kind: "plate"; event: PlateEvent }
  | { type: "publish"; id: number; kind: "fire"; event: FireEvent }
  | { type: "count"; counter: AnalysisCounter; labels?: Record<string, string> }
  | { type: "stage"; stage: string; ms: number; camera?: string };
