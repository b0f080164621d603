import { defaultClientConditions, defineConfig, loadEnv } from "vite";

// The alert service serves `dist/` at `/`. `npm run dev -w @vigil/web-console` proxies the API,
// evidence and Socket.IO to a running alert service (VIGIL_API_URL, default http://127.0.0.1:8080).
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, import.meta.dirname, "VIGIL_");
  const apiTarget = env["VIGIL_API_URL"] ?? "http://127.0.0.1:8080";
  return {
    root: import.meta.dirname,
    base: "/",
    // Vite picks a package's "development" build whenever NODE_ENV is not "production", and the
    // browser tests build the console from vitest (NODE_ENV=test): that shipped lit-html's slower dev
    // build with its console warnings. The build mode decides instead.
    resolve: { conditions: defaultClientConditions.map((c) => (c === "development|production" ? (mode === "production" ? "production" : "development") : c)) },
    build: { outDir: "dist", emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
    server: {
      proxy: {
        "/api": apiTarget,
        "/media": apiTarget,
        "/socket.io": { target: apiTarget, ws: true },
      },
    },
  };
});
