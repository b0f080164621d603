import { randomUUID } from "node:crypto";
import { plateSimilarity, type NormalisedBox } from "@vigil/contracts";
import { centreDistance, iou } from "./iou.js";
import { votePlate, type VoteReading, type VoteResult } from "./plate-vote.js";

export interface PlateTrack {
  trackId: number;
  /** Id of the plate event this track publishes (stable across revisions). */
  eventId: string;
  cameraId: string;
  bbox: NormalisedBox;
  firstSeenTs: number;
  lastSeenTs: number;
  frames: number;
  readings: VoteReading[];
  /** Confident readings in a row that contradict the published plate (another vehicle took this spot). */
  conflicts: VoteReading[];
  /** This frame's box joined the track by centre distance only (it jumped: maybe another vehicle). */
  jumped?: boolean;
  /** What was last published for this track. */
  published?: { plate: string; revision: number; support: number; confidence: number };
}

export interface TrackerOptions {
  iouThreshold?: number;
  /** Centre distance (in box diagonals) that still counts as the same plate. */
  maxCentreDistance?: number;
  /** A track unseen this long is over. */
  maxAgeMs?: number;
  /** Agreeing readings that make a reading stable. */
  stableSupport?: number;
  /** One valid reading at least this confident is stable on its own. */
  confidentSingle?: number;
  /** Once published, re-read a track every n-th frame only, looking for a better reading. */
  rereadEvery?: number;
  /** Readings kept per track (oldest dropped). */
  maxReadings?: number;
  /** Reads of an unpublished track before it, too, is read only every n-th frame. */
  maxUnsettledReads?: number;
  /** Confident, dissimilar readings in a row after which a track is taken to be a new vehicle. */
  newVehicleAfter?: number;
  /**
   * A new track whose reading matches a track of the same camera seen this recently is the same
   * vehicle (the tracker lost it: a fast car at 5 fps, a missed detection): it continues that
   * event instead of publishing a second one.
   */
  reidentifyMs?: number;
}

export type PublishDecision = { track: PlateTrack; vote: VoteResult; revision: number };

/**
 * Per-camera plate tracker with voting. Pure: callers feed detections and readings with their
 * capture time, and get back which boxes to read and when a track's reading should be published.
 * A track publishes as soon as its reading is stable — the watchlist alert must not wait for the
 * vehicle to leave — and republishes (same event id, higher revision) only if the vote changes.
 */
export class PlateTracker {
  private readonly tracks = new Map<string, PlateTrack[]>();
  /** Published tracks that ended recently, per camera, for re-identification. */
  private readonly recent = new Map<string, PlateTrack[]>();
  private nextId = 1;
  private readonly o: Required<TrackerOptions>;

  constructor(options: TrackerOptions = {}) {
    this.o = {
      iouThreshold: options.iouThreshold ?? 0.15,
      maxCentreDistance: options.maxCentreDistance ?? 1.5,
      maxAgeMs: options.maxAgeMs ?? 4000,
      stableSupport: options.stableSupport ?? 2,
      confidentSingle: options.confidentSingle ?? 0.93,
      rereadEvery: options.rereadEvery ?? 5,
      maxReadings: options.maxReadings ?? 20,
      maxUnsettledReads: options.maxUnsettledReads ?? 8,
      newVehicleAfter: options.newVehicleAfter ?? 2,
      reidentifyMs: options.reidentifyMs ?? 15_000,
    };
  }

  /** Matches this frame's boxes to tracks (greedy by IoU, then centre distance) and says which to read. */
  update(cameraId: string, boxes: readonly NormalisedBox[], ts: number): { track: PlateTrack; needsRead: boolean }[] {
    const live = this.expire(cameraId, ts).live;
    const free = new Set(live);
    const out: { track: PlateTrack; needsRead: boolean }[] = [];
    const pairs: { box: number; track: PlateTrack; score: number; byCentreOnly: boolean }[] = [];
    boxes.forEach((box, i) => {
      for (const t of live) {
        const overlap = iou(box, t.bbox);
        const dist = centreDistance(box, t.bbox);
        if (overlap >= this.o.iouThreshold || dist <= this.o.maxCentreDistance) pairs.push({ box: i, track: t, score: overlap - dist * 0.1, byCentreOnly: overlap < this.o.iouThreshold });
      }
    });
    pairs.sort((a, b) => b.score - a.score);
    const assigned = new Map<number, PlateTrack>();
    // Boxes that joined a track by centre distance alone (no overlap): maybe the same fast plate, maybe
    // the next vehicle in the same spot. Reading them now, rather than at the next periodic re-read,
    // is what lets a wanted plate right behind another car raise its alert within a second.
    const uncertain = new Set<number>();
    for (const p of pairs) {
      if (assigned.has(p.box) || !free.has(p.track)) continue;
      assigned.set(p.box, p.track);
      free.delete(p.track);
      if (p.byCentreOnly) uncertain.add(p.box);
    }
    boxes.forEach((box, i) => {
      let track = assigned.get(i);
      if (!track) {
        track = { trackId: this.nextId++, eventId: randomUUID(), cameraId, bbox: box, firstSeenTs: ts, lastSeenTs: ts, frames: 0, readings: [], conflicts: [] };
        live.push(track);
      }
      track.bbox = box;
      track.jumped = uncertain.has(i);
      track.lastSeenTs = ts;
      track.frames++;
      // Read every frame until the reading is stable; after that (or after many reads that never
      // settle: a sticker, a drain grate, an illegible plate) only every n-th frame.
      const settling = !track.published && track.readings.length < this.o.maxUnsettledReads;
      const needsRead = settling || uncertain.has(i) || track.frames % this.o.rereadEvery === 0;
      out.push({ track, needsRead });
    });
    this.tracks.set(cameraId, live);
    return out;
  }

  /** Adds a reading to a track; returns a publish decision when the track's vote is (newly) worth publishing. */
  addReading(track: PlateTrack, reading: VoteReading): PublishDecision | undefined {
    // A queue at a gate: the next vehicle stops where the last one was, and IoU alone would merge
    // them. Confident readings of a clearly different plate start a new vehicle (new event id).
    if (track.published && reading.valid && reading.confidence >= 0.8 && plateSimilarity(reading.plate, track.published.plate) < 0.6) {
      track.conflicts.push(reading);
      // Where the box jumped (no overlap with the last one), one reading confident enough to publish a
      // new track on its own is enough; in the same spot, one stray reading must not split the vehicle.
      const needed = track.jumped && reading.confidence >= this.o.confidentSingle ? 1 : this.o.newVehicleAfter;
      if (track.conflicts.length < needed) return undefined;
      track.eventId = randomUUID();
      track.readings = [];
      track.published = undefined;
      track.frames = track.conflicts.length;
      const pending = track.conflicts;
      track.conflicts = [];
      let decision: PublishDecision | undefined;
      for (const r of pending) decision = this.addReading(track, r) ?? decision;
      return decision;
    }
    track.conflicts = [];
    track.readings.push(reading);
    if (track.readings.length > this.o.maxReadings) track.readings.shift();
    const vote = votePlate(track.readings);
    if (!vote) return undefined;
    const stable = vote.support >= this.o.stableSupport || (vote.support >= 1 && vote.confidence >= this.o.confidentSingle);
    if (!stable) return undefined;
    if (!track.published && !this.reidentify(track, vote.plate)) {
      track.published = { plate: vote.plate, revision: 0, support: vote.support, confidence: vote.confidence };
      return { track, vote, revision: 0 };
    }
    if (!track.published) return undefined;
    // Republish only when the text changes and the new reading has more support than the old one had.
    if (vote.plate !== track.published.plate && vote.support > track.published.support) {
      const revision = track.published.revision + 1;
      track.published = { plate: vote.plate, revision, support: vote.support, confidence: vote.confidence };
      return { track, vote, revision };
    }
    track.published.support = Math.max(track.published.support, vote.plate === track.published.plate ? vote.support : 0);
    return undefined;
  }

  /** Drops tracks of a camera unseen for maxAgeMs; returns what ended. */
  expire(cameraId: string, now: number): { live: PlateTrack[]; ended: PlateTrack[] } {
    const all = this.tracks.get(cameraId) ?? [];
    const live = all.filter((t) => now - t.lastSeenTs <= this.o.maxAgeMs);
    const ended = all.filter((t) => now - t.lastSeenTs > this.o.maxAgeMs);
    this.tracks.set(cameraId, live);
    const recent = [...(this.recent.get(cameraId) ?? []), ...ended.filter((t) => t.published)].filter((t) => now - t.lastSeenTs <= this.o.reidentifyMs);
    this.recent.set(cameraId, recent);
    return { live, ended };
  }

  /**
   * Continues the event of a recently seen track of the same camera whose published plate this
   * reading matches (same vehicle, track lost). Returns whether one was found.
   */
  private reidentify(track: PlateTrack, plate: string): boolean {
    const candidates = [...(this.tracks.get(track.cameraId) ?? []), ...(this.recent.get(track.cameraId) ?? [])].filter(
      (t) => t !== track && t.published && track.lastSeenTs - t.lastSeenTs <= this.o.reidentifyMs && plateSimilarity(t.published.plate, plate) >= 0.85,
    );
    const match = candidates.sort((a, b) => b.lastSeenTs - a.lastSeenTs)[0];
    if (!match?.published) return false;
    track.eventId = match.eventId;
    track.published = { ...match.published };
    track.frames += match.frames;
    track.readings = [...match.readings, ...track.readings].slice(-this.o.maxReadings);
    // The old track hands over: drop it so the two cannot publish under one id in turn.
    this.recent.set(track.cameraId, (this.recent.get(track.cameraId) ?? []).filter((t) => t !== match));
    this.tracks.set(track.cameraId, (this.tracks.get(track.cameraId) ?? []).filter((t) => t !== match));
    return true;
  }

  activeTracks(cameraId: string): readonly PlateTrack[] {
    return this.tracks.get(cameraId) ?? [];
  }
}
