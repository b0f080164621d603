import { LIVE_CODEC_HEADER } from "@vigil/contracts";
import { h } from "../ui/dom.js";

export type PlayerState = "connecting" | "playing" | "lost" | "refused" | "unsupported";

/** Behind the newest received video by more than this, the player jumps to it (live means now). */
const MAX_LAG_S = 1.0;
/** Where it lands: a little short of the newest frame, so it does not stall on every fragment. */
const TARGET_LAG_S = 0.25;
/** Video kept behind the playhead; older is removed so a view left open for hours holds no memory. */
const KEEP_BEHIND_S = 10;

/**
 * Plays one camera's live stream (`GET /api/v1/cameras/{id}/live`: fragmented MP4 of the camera's
 * own H.264) through Media Source Extensions: the response body is read as it arrives and appended
 * to a SourceBuffer, the playhead kept within a second of the newest frame. A dropped stream (the
 * camera restarted) is reopened after a pause; a refusal (live view off, too many viewers) is shown.
 */
export class LivePlayer {
  readonly video: HTMLVideoElement;
  private abort: AbortController | null = null;
  private closed = false;
  private retry: number | null = null;
  private objectUrl: string | null = null;
  /** HTTP status of the last refusal (403 off, 429 full, 503 not running). */
  refusedStatus = 0;

  constructor(
    private readonly cameraId: string,
    private readonly onState: (state: PlayerState) => void,
  ) {
    this.video = h("video", { class: "live-video", attrs: { muted: true, autoplay: true, playsinline: true, "data-live-video": cameraId } });
    this.video.muted = true;
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.closed = true;
    if (this.retry !== null) window.clearTimeout(this.retry);
    this.abort?.abort();
    this.release();
  }

  private release(): void {
    this.video.removeAttribute("src");
    this.video.load();
    if (this.objectUrl) URL.revokeObjectURL(this.objectUrl);
    this.objectUrl = null;
  }

  private again(delayMs: number): void {
    if (this.closed) return;
    this.retry = window.setTimeout(() => {
      this.retry = null;
      void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.closed) return;
    this.onState("connecting");
    const abort = new AbortController();
    this.abort = abort;
    let res: Response;
    try {
      res = await fetch(`/api/v1/cameras/${encodeURIComponent(this.cameraId)}/live`, { credentials: "same-origin", signal: abort.signal });
    } catch {
      this.onState("lost");
      return this.again(3000);
    }
    if (!res.ok || !res.body) {
      this.refusedStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
      this.onState("refused");
      // Not running or no video yet: it may come; off or full: the operator decides.
      if (res.status === 503 || res.status === 502) this.again(5000);
      return;
    }
    const mime = `video/mp4; codecs="${res.headers.get(LIVE_CODEC_HEADER) || "avc1.42e01e"}"`;
    if (typeof MediaSource === "undefined" || !MediaSource.isTypeSupported(mime)) {
      abort.abort();
      this.onState("unsupported");
      return;
    }
    const source = new MediaSource();
    this.release();
    this.objectUrl = URL.createObjectURL(source);
    this.video.src = this.objectUrl;
    await new Promise<void>((resolve) => source.addEventListener("sourceopen", () => resolve(), { once: true }));
    const buffer = source.addSourceBuffer(mime);
    const queue: Uint8Array[] = [];
    let playing = false;
    const pump = () => {
      if (buffer.updating || !queue.length || source.readyState !== "open") return;
      const parts = queue.splice(0);
      const size = parts.reduce((n, p) => n + p.length, 0);
      const joined = new Uint8Array(size);
      let o = 0;
      for (const p of parts) {
        joined.set(p, o);
        o += p.length;
      }
      try {
        buffer.appendBuffer(joined);
      } catch {
        // Quota: drop what is behind and carry on with the next fragment.
        this.trim(buffer, 0);
      }
    };
    buffer.addEventListener("updateend", () => {
      this.keepLive(buffer);
      if (!playing && buffer.buffered.length) {
        playing = true;
        void this.video.play().catch(() => undefined);
        this.onState("playing");
      }
      if (!this.trim(buffer, KEEP_BEHIND_S)) pump();
    });
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        queue.push(value);
        pump();
      }
    } catch {
      // Aborted (closed) or the connection dropped.
    }
    if (this.closed) return;
    this.onState("lost");
    this.again(2000);
  }

  /** Keeps the playhead near the newest frame: at first (the stream starts at its last keyframe) and whenever it fell behind. */
  private keepLive(buffer: SourceBuffer): void {
    const ranges = buffer.buffered;
    if (!ranges.length) return;
    const end = ranges.end(ranges.length - 1);
    const t = this.video.currentTime;
    if (t < ranges.start(0) || end - t > MAX_LAG_S) this.video.currentTime = Math.max(ranges.start(ranges.length - 1), end - TARGET_LAG_S);
  }

  /** Removes video older than `keepS` behind the playhead; true when a removal started (updateend follows). */
  private trim(buffer: SourceBuffer, keepS: number): boolean {
    const ranges = buffer.buffered;
    if (buffer.updating || !ranges.length) return false;
    const upTo = this.video.currentTime - keepS;
    if (upTo - ranges.start(0) < 5) return false;
    buffer.remove(0, upTo);
    return true;
  }
}
