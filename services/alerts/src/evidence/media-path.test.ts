import { mkdtempSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { existingMediaFile } from "./media-path.js";

describe("existingMediaFile", () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "vigil-media-path-")));
  const media = join(root, "media");
  mkdirSync(join(media, "snap"), { recursive: true });
  writeFileSync(join(media, "snap", "a.jpg"), "a");
  writeFileSync(join(root, "outside.jpg"), "secret");
  symlinkSync(join(root, "outside.jpg"), join(media, "snap", "out.jpg"));
  symlinkSync(join(media, "snap", "a.jpg"), join(media, "snap", "in.jpg"));

  it.each([
    ["/media/snap/a.jpg", join(media, "snap", "a.jpg")],
    ["/media/snap/in.jpg", join(media, "snap", "a.jpg")],
    ["/media/snap/out.jpg", null],
    ["/media/../outside.jpg", null],
    ["/media/snap/missing.jpg", null],
    ["/media/", null],
    ["snap/a.jpg", null],
    ["/etc/passwd", null],
  ])("%s → %s", async (url, expected) => expect(await existingMediaFile(media, url)).toBe(expected));
});
