export * from "./logger.js";
export * from "./env.js";
export * from "./lifecycle.js";
export * from "./cameras-file.js";
