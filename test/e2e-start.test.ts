import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort } from "./support/ports.js";

// `npm start` from a clean copy of the repository (tracked files only, no data/, no built console,
// no cached demo videos) on free ports, as a new user would run it.
const repo = resolve(import.meta.dirname, "..");
const modelsDir = resolve(process.env.MODELS_DIR ?? join(repo, "..", "shared", "models"));
const ADMIN_PASSWORD = "e2e-admin-password-1";

/**
 * The processes of a process group still alive after waiting up to `ms` for it to empty ("" when
 * none). Zombies do not count: they have exited, and on machines whose PID 1 does not reap orphans
 * (this sandbox's does not) one that outlived its parent stays listed forever.
 */
async function liveProcessesOfGroup(pgid: number, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const live = execFileSync("ps", ["-e", "-o", "pgid=,pid=,ppid=,stat=,etimes=,args="], { encoding: "utf8" })
      .split("\n")
      .filter((line) => {
        const [group, , , stat] = line.trim().split(/\s+/);
        return group === String(pgid) && !stat?.startsWith("Z");
      });
    if (live.length === 0 || Date.now() > deadline) return live.join("\n");
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Alert {
  type: string;
  plate?: string;
  cameraId: string;
}

describe("npm start (whole system on embedded defaults)", () => {
  let dir = "";
  let proc: ChildProcess;
  let port = 0;
  let output = "";
  let readyMs = 0;
  const t0 = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "vigil-e2e-"));
    execFileSync("bash", ["-c", `git -C "${repo}" ls-files -z | xargs -0 tar -C "${repo}" -cf - | tar -C "${dir}" -xf -`]);
    // Installed packages are shared with the checkout (npm ci is not what this test is about).
    symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"));
    port = await getFreePort();
    proc = spawn("npm", ["start"], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), INFERENCE_PORT: String(await getFreePort()), INGEST_PORT: String(await getFreePort()), MODELS_DIR: modelsDir, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: "warn", MQTT_URL: "", DATABASE_URL: "", CAMERAS_FILE: "" },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a signal reaches npm and the node process under it, as Ctrl-C in a terminal does.
      detached: true,
    });
    proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`not ready in 120 s:\n${output.slice(-3000)}`)), 120_000);
      const check = setInterval(() => {
        if (output.includes("Vigil is running")) {
          readyMs = Date.now() - t0;
          clearInterval(check);
          clearTimeout(timer);
          res();
        }
      }, 200);
      proc.once("exit", (code) => rej(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
    });
  }, 150_000);

  afterAll(() => {
    if (proc?.pid && proc.exitCode === null) {
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it("prints the console URL and how to log in", () => {
    expect(output).toContain(`console: http://127.0.0.1:${port}`);
    expect(output).toMatch(/Log in as admin/);
    console.log(`e2e: ready ${readyMs} ms after spawn (includes generating the demo videos on first run)`);
  });

  it("reads plates, raises the watchlist hit and the fire alert within 90 s, then stops cleanly on SIGINT", async () => {
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: ADMIN_PASSWORD }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const wanted = (await (await fetch(`${base}/api/v1/watchlist`, { headers: auth })).json()) as { items?: { plate: string }[] } | { plate: string }[];
    const wantedList = Array.isArray(wanted) ? wanted : (wanted.items ?? []);
    expect(wantedList.length).toBeGreaterThanOrEqual(1);

    const deadline = Date.now() + 90_000;
    const seen = { plateReads: 0, watchlistHit: null as number | null, fire: null as number | null };
    while (Date.now() < deadline && (seen.watchlistHit === null || seen.fire === null || seen.plateReads === 0)) {
      const alerts = (await (await fetch(`${base}/api/v1/alerts?limit=100`, { headers: auth })).json()) as { items: Alert[] };
      if (seen.watchlistHit === null && alerts.items.some((a) => a.type === "watchlist_hit")) seen.watchlistHit = Date.now() - t0;
      if (seen.fire === null && alerts.items.some((a) => a.type === "fire")) seen.fire = Date.now() - t0;
      const reads = (await (await fetch(`${base}/api/v1/plates?q=${encodeURIComponent("5")}&match=contains&limit=100&reason=${encodeURIComponent("e2e test of the demo")}`, { headers: auth })).json()) as { items: unknown[] };
      seen.plateReads = Math.max(seen.plateReads, reads.items?.length ?? 0);
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`e2e: plate reads ${seen.plateReads}, watchlist hit at ${seen.watchlistHit} ms, fire alert at ${seen.fire} ms (from spawn)`);
    expect(seen.plateReads).toBeGreaterThan(0);
    expect(seen.watchlistHit, `no watchlist_hit alert:\n${output.slice(-2000)}`).not.toBeNull();
    expect(seen.fire, `no fire alert:\n${output.slice(-2000)}`).not.toBeNull();

    const stoppedAt = Date.now();
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      const timer = setTimeout(() => res({ code: -1, signal: null }), 25_000);
      proc.once("exit", (code, signal) => {
        clearTimeout(timer);
        res({ code, signal });
      });
      process.kill(-proc.pid!, "SIGINT"); // Ctrl-C: the whole foreground process group
    });
    // npm re-raises the SIGINT it received once its child has exited; the child itself must exit 0.
    expect(exit.code === 0 || exit.signal === "SIGINT", `${JSON.stringify(exit)}\n${output.slice(-2000)}`).toBe(true);
    // Every process npm start ran (tsx, node, ffmpeg per camera) is gone soon after: none is left orphaned.
    const leftovers = await liveProcessesOfGroup(proc.pid!, 5000);
    expect(leftovers, "processes of npm start still running 5 s after npm exited").toBe("");
    console.log(`e2e: stopped ${Date.now() - stoppedAt} ms after SIGINT (all its processes gone)`);
    expect(output).toContain("Vigil stopped cleanly");
    expect(existsSync(join(dir, "data", "pglite"))).toBe(true);
  }, 150_000);
});
