import { NEAR_DEPTH_M, ONCOMING_LANE } from "./scene-geometry.js";
import { randomCarPlate, randomMotorbikePlate, type SyntheticPlate } from "./plate-text.js";
import type { Random } from "./random.js";
import type { VehicleLook } from "./sprites.js";

export interface PlannedVehicle {
  look: VehicleLook;
  lane: number;
  /** When it enters (s), its speed (m/s) and direction. */
  enterS: number;
  speed: number;
  approaching: boolean;
  wanted: boolean;
}

export const ENTER_SCALE_RECEDING = 1.15;
export const LEAVE_SCALE_RECEDING = 0.17;
export const ENTER_SCALE_APPROACHING = 0.2;
export const LEAVE_SCALE_APPROACHING = 1.22;

const CAR_COLORS = ["#f0f0f0", "#1c1c1c", "#9e9e9e", "#b71c1c", "#0d47a1", "#c0c6cc", "#37474f", "#e8e2d0"];
const BIKE_COLORS = ["#b71c1c", "#1c1c1c", "#0d47a1", "#eeeeee", "#424242", "#1b5e20"];
const SHIRTS = ["#1565c0", "#ef6c00", "#2e7d32", "#6d4c41", "#ad1457", "#455a64", "#f5f5f5", "#283593"];
const HELMETS = ["#fafafa", "#d32f2f", "#1976d2", "#212121", "#fbc02d", "#388e3c"];
const TINTS = ["#f7f7f4", "#f1f0ea", "#ecebe4", "#f4f2e6", "#e6e5de"];

/** Scale of a vehicle at time t (undefined while off screen). */
export function vehicleScale(v: PlannedVehicle, t: number): number | undefined {
  const dt = t - v.enterS;
  if (dt < 0) return undefined;
  if (v.approaching) {
    const depth = NEAR_DEPTH_M / ENTER_SCALE_APPROACHING - v.speed * dt;
    const s = depth > 0 ? NEAR_DEPTH_M / depth : Infinity;
    return s > LEAVE_SCALE_APPROACHING ? undefined : s;
  }
  const s = NEAR_DEPTH_M / (NEAR_DEPTH_M / ENTER_SCALE_RECEDING + v.speed * dt);
  return s < LEAVE_SCALE_RECEDING ? undefined : s;
}

/** Seconds from entering until the scale passes `s`. */
function timeToScale(approaching: boolean, speed: number, s: number): number {
  const from = NEAR_DEPTH_M / (approaching ? ENTER_SCALE_APPROACHING : ENTER_SCALE_RECEDING);
  return Math.abs(NEAR_DEPTH_M / s - from) / speed;
}

/**
 * Traffic for `durationS`: receding vehicles in the two right lanes at least ~3 s apart (so plates
 * are rarely hidden), oncoming cars in the left lane, the wanted plate early on a clear road.
 */
export function planTraffic(rng: Random, durationS: number, wanted: SyntheticPlate | undefined): PlannedVehicle[] {
  const out: PlannedVehicle[] = [];
  const wantedAt = durationS >= 12 ? 3.5 : 0.3;
  let wantedPlaced = !wanted;
  let t = 0.3;
  let lane = 1;
  while (t < Math.max(0.31, durationS - 3)) {
    const isWanted = !wantedPlaced && t >= wantedAt - 0.01;
    // The first two vehicles are one of each kind, so even a short clip has both plate layouts.
    const moto = out.length === 0 ? true : out.length === 1 ? out[0]!.look.kind !== "motorbike" : rng.chance(0.55);
    const plate = isWanted ? wanted! : moto ? randomMotorbikePlate(rng) : randomCarPlate(rng);
    const kind = plate.rows === 2 ? "motorbike" : "car";
    if (isWanted) wantedPlaced = true;
    out.push({ look: randomLook(rng, kind, "rear", plate), lane, enterS: t, speed: rng.range(1.4, 1.9), approaching: false, wanted: isWanted });
    lane = lane === 1 ? 2 : 1;
    // The wanted vehicle gets more room so nothing drives over its plate.
    t += isWanted ? 4.2 : rng.range(3.0, 3.8);
    if (!wantedPlaced && t > wantedAt) t = wantedAt;
  }
  // Oncoming cars: front plates, legible as they come close.
  let o = rng.range(0.5, 3);
  while (o < durationS - 4) {
    const speed = rng.range(2.2, 2.8);
    out.push({ look: randomLook(rng, "car", "front", randomCarPlate(rng)), lane: ONCOMING_LANE, enterS: o, speed, approaching: true, wanted: false });
    o += timeToScale(true, speed, 0.5) + rng.range(0.5, 2);
  }
  return out;
}

function randomLook(rng: Random, kind: "car" | "motorbike", facing: "rear" | "front", plate: SyntheticPlate): VehicleLook {
  return {
    kind,
    facing,
    body: rng.pick(kind === "car" ? CAR_COLORS : BIKE_COLORS),
    shirt: rng.pick(SHIRTS),
    helmet: rng.pick(HELMETS),
    plate,
    plateAngle: rng.range(-4, 4),
    plateTint: rng.pick(TINTS),
    brightness: rng.range(0.8, 1.08),
    blur: rng.range(0, 1.1),
  };
}
