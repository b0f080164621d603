import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startIngest } from "../services/ingest/src/index.js";
import { camera, capturingLogger, recordingSink, waitUntil } from "./ingest-support.js";

/**
 * A stand-in for ffmpeg that emits a few tiny PPM frames and then hangs, as a wedged decoder does.
 * Like ffmpeg, it writes the frames to the output after `-f image2pipe` (ingest's FIFO, `file:…`; or stdout).
 */
function fakeFfmpeg(script: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "vigil-fake-ffmpeg-"));
  const file = path.join(dir, "ffmpeg");
  const toOutput = 'prev=""; for a in "$@"; do if [ "$prev" = "image2pipe" ]; then case "$a" in file:*) exec > "${a#file:}";; esac; fi; prev="$a"; done';
  writeFileSync(file, `#!/bin/sh\n${toOutput}\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

const frames = (n: number) => `for i in $(seq ${n}); do printf 'P6\\n4 2\\n255\\n'; head -c 24 /dev/zero; sleep 0.1; done`;

describe.concurrent("stall watchdog", () => {
  it("restarts an ffmpeg that stops delivering frames, and reports why", async () => {
    const sink = recordingSink();
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      frameSink: sink,
      config: { ffmpegPath: fakeFfmpeg(`${frames(3)}\nexec sleep 60`), timings: { stallTimeoutMs: 1500, backoff: { minMs: 200, maxMs: 400 } } },
      cameras: [camera("wedged", "/videos/any.mp4", { sampleFps: 10 })],
    });
    try {
      await waitUntil(() => sink.count("wedged") >= 3, 5000, "first frames");
      await waitUntil(() => ingest.status()[0]!.state === "offline", 4000, "offline after the stall");
      expect(ingest.status()[0]!.error).toMatch(/stalled: no frame for 2 s/);
      await waitUntil(() => sink.count("wedged") >= 6, 5000, "frames after the restart");
      const s = ingest.status()[0]!;
      expect(s.restarts).toBeGreaterThanOrEqual(1);
      expect(s.framesSampled).toBe(sink.count("wedged"));
      // seq keeps counting across restarts, so inference sees one stream.
      expect(sink.frames.get("wedged")!.map((f) => f.frame.seq)).toEqual(sink.frames.get("wedged")!.map((_, i) => i));
    } finally {
      await ingest.close();
    }
  });

  it("reads the frames over ffmpeg's stdout when the FIFO is turned off (INGEST_FRAME_FIFO=false)", async () => {
    const sink = recordingSink();
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      frameSink: sink,
      config: { frameFifo: false, ffmpegPath: fakeFfmpeg(`case "$*" in *file:*) exit 7;; esac\n${frames(3)}\nexec sleep 60`) },
      cameras: [camera("stdout", "/videos/any.mp4", { sampleFps: 10 })],
    });
    try {
      await waitUntil(() => sink.count("stdout") >= 3, 5000, "frames over stdout");
      expect(sink.frames.get("stdout")!.map((f) => [f.frame.width, f.frame.height, f.frame.data.length])).toEqual([[4, 2, 24], [4, 2, 24], [4, 2, 24]]);
      expect(ingest.status()[0]!.restarts).toBe(0);
    } finally {
      await ingest.close();
    }
  });

  it("gives up on a connection that never yields video", async () => {
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      frameSink: recordingSink(),
      config: { ffmpegPath: fakeFfmpeg("exec sleep 60"), timings: { stallTimeoutMs: 1000, backoff: { minMs: 200, maxMs: 400 } } },
      cameras: [camera("silent", "rtsp://127.0.0.1:9/none")],
    });
    try {
      await waitUntil(() => ingest.status()[0]!.error?.startsWith("no video received") ?? false, 4000, "no-video error");
      expect(ingest.status()[0]!.state).toBe("offline");
    } finally {
      await ingest.close();
    }
  });

  it("rejects output that is not a PPM stream and restarts", async () => {
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      frameSink: recordingSink(),
      config: { ffmpegPath: fakeFfmpeg("printf 'garbage'; exec sleep 60"), timings: { stallTimeoutMs: 5000, backoff: { minMs: 200, maxMs: 400 } } },
      cameras: [camera("garbled", "/videos/x.mp4")],
    });
    try {
      await waitUntil(() => (ingest.status()[0]!.restarts ?? 0) >= 1, 4000, "a restart");
      expect(ingest.status()[0]!.error).toMatch(/not a PPM stream/);
    } finally {
      await ingest.close();
    }
  });

  it("reports a missing ffmpeg binary as a clear camera error, not a crash", async () => {
    const { logger } = capturingLogger("info");
    const ingest = await startIngest({
      logger,
      frameSink: recordingSink(),
      config: { ffmpegPath: "/nonexistent/bin/ffmpeg", timings: { backoff: { minMs: 200, maxMs: 400 } } },
      cameras: [camera("nobin", "/videos/x.mp4")],
    });
    try {
      await waitUntil(() => (ingest.status()[0]!.restarts ?? 0) >= 1, 4000, "a retry");
      expect(ingest.status()[0]).toMatchObject({ state: "offline", error: expect.stringMatching(/ffmpeg not found/) });
    } finally {
      await ingest.close();
    }
  });
});
