/**
 * The synthetic camera looks down a straight street: a vanishing point on the horizon, three
 * lanes (left: oncoming traffic showing front plates; middle and right: traffic driving away
 * showing rear plates). A vehicle's on-screen scale is s = NEAR_DEPTH_M / depth, so s = 1 is the
 * nearest comfortable position and sizes shrink toward the horizon as in a real camera.
 */
export const NEAR_DEPTH_M = 6;

export interface SceneGeometry {
  width: number;
  height: number;
  horizonY: number;
  vanishX: number;
  /** Ground line (y) of a vehicle at scale s. */
  groundY(s: number): number;
  /** Centre x of a lane at scale s. */
  laneX(lane: number, s: number): number;
  /** Pixels per unit of sprite design at s = 1 (sprites are designed for a 1280-wide frame). */
  unit: number;
}

export const LANE_BOTTOM_X = [0.17, 0.5, 0.84] as const;
export const ONCOMING_LANE = 0;

export function sceneGeometry(width: number, height: number): SceneGeometry {
  const horizonY = 0.33 * height;
  const vanishX = 0.5 * width;
  const bottom = 0.97 * height;
  return {
    width,
    height,
    horizonY,
    vanishX,
    unit: width / 1280,
    groundY: (s) => horizonY + (bottom - horizonY) * s,
    laneX: (lane, s) => vanishX + (LANE_BOTTOM_X[lane]! * width - vanishX) * s,
  };
}

/** Discrete sprite scales (each ~3.5 % apart) so sprites are resized once, not every frame. */
export const SCALE_MAX = 1.25;
export const SCALE_STEP = 0.965;
export const SCALE_MIN = 0.16;

export function scaleIndex(s: number): number {
  return Math.max(0, Math.round(Math.log(s / SCALE_MAX) / Math.log(SCALE_STEP)));
}

export function scaleOf(index: number): number {
  return SCALE_MAX * SCALE_STEP ** index;
}
