import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import fastifyStatic from "@fastify/static";
import { describe, expect, it } from "vitest";
import { serveConsole } from "./console-site.js";

async function appWith(consoleDir: string | null) {
  const app = Fastify();
  await app.register(fastifyStatic, { root: tmpdir(), serve: false });
  app.get("/api/v1/health", async () => ({ ok: true }));
  await serveConsole(app, consoleDir);
  return app;
}

describe("serving the console", () => {
  it("answers / with how to build the console when CONSOLE_DIR has no build, and keeps JSON 404s for the API", async () => {
    const empty = mkdtempSync(join(tmpdir(), "vigil-no-console-"));
    const app = await appWith(empty);
    const page = await app.inject({ method: "GET", url: "/" });
    expect(page.statusCode).toBe(503);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain("npm run build -w @vigil/web-console");
    expect(page.body).toContain("Giao diện điều hành chưa được dựng");
    expect(page.body).not.toContain("not_found");
    // A console route (SPA) too; the API and media still miss with JSON.
    expect((await app.inject({ method: "GET", url: "/alerts" })).statusCode).toBe(503);
    const api = await app.inject({ method: "GET", url: "/api/v1/nope" });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: "not_found" });
    await app.close();
  });

  it("serves the build's index.html for / and for console routes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vigil-console-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>Vigil console</title>");
    const app = await appWith(dir);
    for (const url of ["/", "/cameras"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toContain("Vigil console");
    }
    await app.close();
  });

  it("without a console configured, answers unknown paths with a JSON 404", async () => {
    const app = await appWith(null);
    const r = await app.inject({ method: "GET", url: "/" });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: "not_found" });
    await app.close();
  });
});
