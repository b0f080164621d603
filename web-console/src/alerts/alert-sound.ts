import type { AlertSeverity } from "@vigil/contracts";
import { Emitter } from "../app/emitter.js";

const MUTE_KEY = "vigil.muted";

/** The tones for each urgency: critical is three rising two-tone pulses, high is two. */
export function tonePattern(severity: AlertSeverity): { freq: number; start: number; dur: number }[] {
  const pulses = severity === "critical" ? 3 : severity === "high" ? 2 : 1;
  const out: { freq: number; start: number; dur: number }[] = [];
  for (let i = 0; i < pulses; i++) {
    out.push({ freq: 880, start: i * 0.42, dur: 0.16 });
    out.push({ freq: 1320, start: i * 0.42 + 0.18, dur: 0.16 });
  }
  return out;
}

/**
 * Alarm tones generated with WebAudio (no audio files to ship). Browsers only allow sound after
 * a user gesture, so the context is created lazily and resumed on the first click or key press.
 */
export class AlertSound {
  private ctx: AudioContext | null = null;
  private muted: boolean;
  readonly mutedChanged = new Emitter<boolean>();
  /** How many alarms were sounded (or would have been, if the browser blocked audio); tests read it. */
  played = 0;

  constructor(private readonly storage: Pick<Storage, "getItem" | "setItem"> | null) {
    this.muted = storage?.getItem(MUTE_KEY) === "1";
    const unlock = () => void this.context()?.resume().catch(() => undefined);
    window.addEventListener("pointerdown", unlock, { passive: true });
    window.addEventListener("keydown", unlock);
  }

  get isMuted(): boolean {
    return this.muted;
  }

  toggleMute(): boolean {
    this.muted = !this.muted;
    this.storage?.setItem(MUTE_KEY, this.muted ? "1" : "0");
    this.mutedChanged.emit(this.muted);
    return this.muted;
  }

  alarm(severity: AlertSeverity): void {
    if (this.muted) return;
    this.played++;
    // Exposed on the page so browser tests (and support staff) can see that the alarm went off.
    document.documentElement.dataset["alarms"] = String(this.played);
    const ctx = this.context();
    if (!ctx || ctx.state !== "running") return;
    const now = ctx.currentTime + 0.02;
    const gain = ctx.createGain();
    gain.gain.value = 0.18;
    gain.connect(ctx.destination);
    for (const tone of tonePattern(severity)) {
      const osc = ctx.createOscillator();
      const env = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = tone.freq;
      env.gain.setValueAtTime(0, now + tone.start);
      env.gain.linearRampToValueAtTime(1, now + tone.start + 0.01);
      env.gain.setValueAtTime(1, now + tone.start + tone.dur - 0.02);
      env.gain.linearRampToValueAtTime(0, now + tone.start + tone.dur);
      osc.connect(env).connect(gain);
      osc.start(now + tone.start);
      osc.stop(now + tone.start + tone.dur + 0.01);
    }
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx;
    try {
      this.ctx = new AudioContext();
    } catch {
      this.ctx = null;
    }
    return this.ctx;
  }
}
