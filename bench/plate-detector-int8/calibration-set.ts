/**
 * The fixed calibration set of the int8 plate detector: every `step`-th frame of negative CCTV clips
 * (toll plaza, parking lots, intersection; ../shared/datasets/cctv-video/negatives), 128 frames in
 * all. Never vn-plate-frames: those are held out for `npm run eval:plates`.
 */
export const CALIBRATION_CLIPS = [
  { file: "cctv-video/negatives/neg01_vn_toll_plaza_anpr_day.mp4", step: 10, count: 32 },
  { file: "cctv-video/negatives/neg03_vn_parking_lot_white_cars_handheld.mp4", step: 7, count: 32 },
  { file: "cctv-video/negatives/neg05_parking_gate_barrier_white_car.mp4", step: 6, count: 32 },
  { file: "cctv-video/negatives/neg13_intersection_cctv_day.mp4", step: 28, count: 32 },
] as const;
