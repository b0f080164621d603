/**
 * Demo and test tooling, kept out of the production services: the synthetic street-camera video
 * generator behind `npm start`'s demo cameras, `npm run generate:video`, tests, benchmarks and the
 * fire model's training data.
 */
export { generateStreetVideo, type GenerateOptions, type GenerateResult, type GroundTruth, type PlateTruth } from "./generate.js";
export { renderFlame } from "./procedural-flame.js";
