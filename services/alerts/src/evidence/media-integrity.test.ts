import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaIntegrity, sha256File } from "./media-integrity.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "vigil-media-integrity-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("media integrity", () => {
  it("passes a file whose bytes match, refuses one changed by a byte, and leaves unrecorded files alone", async () => {
    const bytes = Buffer.from("a JPEG, as far as this test cares");
    const file = path.join(dir, "a.jpg");
    await writeFile(file, bytes);
    expect(await sha256File(file)).toBe(sha(bytes));
    let hashed = 0;
    const recorded = new Map([["/media/a.jpg", sha(bytes)]]);
    const integrity = createMediaIntegrity({
      recordedHash: async (url) => recorded.get(url) ?? null,
      hashFile: async (f) => (hashed++, sha256File(f)),
    });
    expect(await integrity.check("/media/a.jpg", file, await stat(file))).toEqual({ status: "ok", sha256: sha(bytes) });
    expect(await integrity.check("/media/a.jpg", file, await stat(file))).toMatchObject({ status: "ok" });
    expect(hashed).toBe(1); // the second time from the (path, size, mtime) cache

    const changed = Buffer.from(bytes);
    changed[3] = changed[3]! ^ 1;
    await writeFile(file, changed);
    const st = await stat(file);
    expect(await integrity.check("/media/a.jpg", file, st)).toEqual({ status: "tampered", expected: sha(bytes), actual: sha(changed), first: true });
    expect(await integrity.check("/media/a.jpg", file, st)).toMatchObject({ status: "tampered", first: false });
    expect(await integrity.check("/media/b.jpg", file, st)).toEqual({ status: "unrecorded" });
  });
});
