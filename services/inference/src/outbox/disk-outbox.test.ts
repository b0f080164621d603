import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiskOutbox } from "./disk-outbox.js";

const dirs: string[] = [];
async function tempDir() {
  const d = await mkdtemp(path.join(tmpdir(), "vigil-outbox-"));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("DiskOutbox", () => {
  it("keeps order, survives a reopen, and drops the oldest beyond its bound", async () => {
    const dir = await tempDir();
    let droppedSeen = 0;
    const box = new DiskOutbox({ dir, maxEntries: 3, onDrop: (n) => (droppedSeen += n) });
    await box.open();
    for (let i = 0; i < 5; i++) await box.enqueue("t", `e${i}`);
    expect(box.depth).toBe(3);
    expect(droppedSeen).toBe(2);
    const reopened = new DiskOutbox({ dir, maxEntries: 3 });
    await reopened.open();
    const seen: string[] = [];
    for (let e = await reopened.peek(); e; e = await reopened.peek()) {
      seen.push(e.payload);
      await reopened.remove(e.key);
    }
    expect(seen).toEqual(["e2", "e3", "e4"]);
    await reopened.enqueue("t", "e5");
    expect((await readdir(dir)).sort()).toEqual(["0000000000000005.json"]);
  });
});
