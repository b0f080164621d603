// Worker threads start without the parent's TypeScript loader under some runners (vitest); this
// bootstrap registers tsx in the worker itself, then loads the TypeScript entry.
import { register } from "tsx/esm/api";

register();
await import("./analysis-worker.ts");
