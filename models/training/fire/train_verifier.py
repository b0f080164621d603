#!/usr/bin/env python3
"""Trains the fire chain's second stage: a small verifier that looks again at each region the grid
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
4. Training from scratch (AdamW, cosine, --minutes budget), thresholds calibrated on held-back calib
   clips + the calib photos, ONNX export + JSON sidecar (crop geometry, thresholds) into models/fire/.
The test split (splits/cctv-test.txt, splits/test.txt) and vn-plate-frames are never read here.
"""
from __future__ import annotations

import argparse
import csv
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

from train import conv_bn  # noqa: E402  (the grid model's conv + batch norm + ReLU block)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SPLITS = HERE / "splits"
WORK = HERE / "work" / "verifier"
CROP = 64  # network input
STORE = 72  # stored crop; training takes random CROP-sized windows of it
CONTEXT = 1.35  # inference crop side = CONTEXT x the box's longer side (stored crops: x STORE/CROP)
MIN_SIDE = 0.08  # smallest crop side, fraction of the frame's shorter side
FRAME_FPS = 3
FRAME_WIDTH = 1280
# Clips of cctv-train held back from training to choose the thresholds on footage (by clip).
CALIB_CLIPS = {
    "negatives/neg13_intersection_cctv_day.mp4",
    "negatives/neg16_corridor_cctv_ir_b.mp4",
    "negatives/neg28_indoor_window_glare.mp4",
    "fire/fire07_industrial_fire_aerial_smoke.mp4",
}
SYNTHETIC_SEEDS = [201, 202, 203, 204, 205, 206]
UNKNOWN = -1


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
def mine(files: list[str], name: str, threshold: float) -> dict[str, dict]:
    out = WORK / f"candidates-{name}.jsonl"
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
    side = min(side, min(width, height))
    cx, cy = (x + w / 2) * width, (y + h / 2) * height
    left = int(round(min(max(cx - side / 2, 0), width - side)))
    top = int(round(min(max(cy - side / 2, 0), height - side)))
    return left, top, left + int(round(side)), top + int(round(side))


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
    """Crops (uint8 STORE x STORE x 3), targets [fire, smoke] in {1, 0, -1} and a source tag."""

    def __init__(self):
        self.crops: list[np.ndarray] = []
        self.targets: list[tuple[int, int]] = []
        self.sources: list[str] = []
        self.images: list[str] = []

    def add(self, img: Image.Image, bbox, fire: int, smoke: int, source: str, image_id: str) -> None:
        box = crop_box(bbox, img.width, img.height, STORE / CROP)
        self.crops.append(np.asarray(img.crop(box).resize((STORE, STORE), Image.BILINEAR), dtype=np.uint8))
        self.targets.append((fire, smoke))
        self.sources.append(source)
        self.images.append(image_id)

    def arrays(self):
        return np.stack(self.crops), np.array(self.targets, dtype=np.int64), np.array(self.sources), np.array(self.images)


def random_box(rng: random.Random) -> list[float]:
    w = rng.uniform(0.06, 0.35)
    h = w * rng.uniform(0.6, 1.6)
    h = min(h, 0.9)
    return [rng.uniform(0, 1 - w), rng.uniform(0, 1 - h), w, h]


def frame_candidates(rec: dict, top: int = 6) -> list[dict]:
    return sorted(rec["candidates"], key=lambda c: -c["confidence"])[:top]


def build_crops(data: Path, threshold: float, feedback_dir: Path | None) -> dict[str, CropSet]:
    rng = random.Random(7)
    sets = {"train": CropSet(), "calib": CropSet()}
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
                for cls, box in gts:
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
                    if t != [UNKNOWN, UNKNOWN]:
                        cs.add(img, c["bbox"], t[0], t[1], "photo-cand", rel)
            elif rel.startswith("fire-vs-normal/normal/"):
                for c in frame_candidates(rec):
                    cs.add(img, c["bbox"], 0, 0, "normal-cand", rel)
                for _ in range(2):
                    cs.add(img, random_box(rng), 0, 0, "normal-random", rel)
            else:  # fire-vs-normal/fire: no boxes; a confident grid fire candidate is (weakly) fire
                for c in frame_candidates(rec):
                    if c["label"] == "fire" and c["confidence"] >= 0.5:
                        cs.add(img, c["bbox"], 1, UNKNOWN, "fvn-fire-cand", rel)

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
        tag = f"cctv:{clip}"
        if not win:
            for c in frame_candidates(rec):
                cs.add(img, c["bbox"], 0, 0, "cctv-neg-cand", tag)
            cs.add(img, random_box(rng), 0, 0, "cctv-neg-random", tag)
            continue
        tf, ts = window_target(win, "fire", t), window_target(win, "smoke", t)
        for c in frame_candidates(rec):
            mine_kind = 0 if c["label"] == "fire" else 1
            target = tf if mine_kind == 0 else ts
            if target == 1 and c["confidence"] < 0.6:
                continue  # a weak candidate in a fire window may be anything: skip, not a label
            if target == UNKNOWN:
                continue
            t2 = [UNKNOWN, UNKNOWN]
            t2[mine_kind] = target
            cs.add(img, c["bbox"], t2[0], t2[1], "cctv-fire-cand", tag)

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
        tag = f"synthetic:{seed}"
        if fire_box:
            sets["train"].add(img, fire_box, 1, 0, "synthetic-fire-box", tag)
        for c in frame_candidates(cands[str(f)]):
            cov = coverage(c["bbox"], fire_box) if fire_box else 0.0
            if fire_box and cov >= 0.3:
                sets["train"].add(img, c["bbox"], 1 if c["label"] == "fire" else UNKNOWN, UNKNOWN if c["label"] == "fire" else 0, "synthetic-cand", tag)
            elif not near or (fire_box and coverage(c["bbox"], fire_box) < 0.02):
                sets["train"].add(img, c["bbox"], 0, 0, "synthetic-neg-cand", tag)

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
            for b in r.get("boxes", []):
                sets["train"].add(img, b["bbox"], 0, 0, "feedback", f"feedback:{r.get('cameraId')}")
                n += 1
        print(f"feedback: {n} operator false-alarm regions added as negatives", flush=True)
    return sets


# ------------------------------------------------------------------------------------- model
class Verifier(nn.Module):
    """64x64 crop → fire and smoke logits. Small on purpose: it runs only on the grid's candidates."""

    def __init__(self, w: int = 24):
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
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(12 * w, 2))

    def forward(self, x):
        f = self.body(x)
        # mean and max pooling: a small bright flame in the crop shows in the max
        return self.head(torch.cat([f.mean((2, 3)), f.amax((2, 3))], 1))


class Exported(nn.Module):
    def __init__(self, net: Verifier):
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


def augment(crop: np.ndarray, rng: np.random.Generator, flame: np.ndarray | None) -> np.ndarray:
    x = crop.astype(np.float32)
    if flame is not None:
        s = rng.uniform(0.35, 0.8)
        fh = max(8, int(STORE * s))
        fw = max(6, int(fh * flame.shape[1] / flame.shape[0]))
        sprite = np.asarray(Image.fromarray(flame).resize((fw, fh), Image.BILINEAR), dtype=np.float32)
        top = int(rng.integers(0, STORE - fh + 1))
        left = int(rng.integers(0, STORE - fw + 1))
        a = sprite[..., 3:4] / 255.0
        x[top : top + fh, left : left + fw] = x[top : top + fh, left : left + fw] * (1 - a) + sprite[..., :3] * a
    oy, ox = rng.integers(0, STORE - CROP + 1, size=2)
    x = x[oy : oy + CROP, ox : ox + CROP]
    if rng.random() < 0.5:
        x = x[:, ::-1]
    # brightness/contrast; a small per-channel gain only (a big hue shift turns glare into fire)
    x = (x - 128) * rng.uniform(0.75, 1.25) + 128 + rng.uniform(-25, 25)
    x = x * rng.uniform(0.94, 1.06, size=3)
    if rng.random() < 0.15:  # greyscale, as night IR cameras give
        x = np.repeat(x.mean(2, keepdims=True), 3, 2)
    if rng.random() < 0.3:
        x = x + rng.normal(0, rng.uniform(2, 8), x.shape)
    return np.clip(x, 0, 255) / 255.0


def predict(net: nn.Module, crops: np.ndarray, batch: int = 256) -> np.ndarray:
    """Probabilities on the centre CROP window of stored crops (= the inference crop)."""
    net.eval()
    o = (STORE - CROP) // 2
    out = []
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            x = torch.from_numpy(crops[i : i + batch, o : o + CROP, o : o + CROP].copy()).permute(0, 3, 1, 2).float().div(255)
            out.append(torch.sigmoid(net(x)).numpy())
    return np.concatenate(out) if out else np.zeros((0, 2), np.float32)


def image_level(probs: np.ndarray, targets: np.ndarray, images: np.ndarray, cls: int, thr: float):
    """Per image: positive if any crop of the class passes. Returns (recall over images with a positive
    crop, FPR over images whose crops are all negatives)."""
    pos_imgs, neg_imgs, hit = set(), set(), set()
    for p, t, im in zip(probs[:, cls], targets[:, cls], images):
        if t == 1:
            pos_imgs.add(im)
        if p >= thr:
            hit.add(im)
    for t, im in zip(targets[:, cls], images):
        if t == 0 and im not in pos_imgs:
            neg_imgs.add(im)
    neg_imgs -= {im for t, im in zip(targets[:, cls], images) if t == UNKNOWN}
    rec = len(pos_imgs & hit) / max(1, len(pos_imgs))
    fpr = len(neg_imgs & hit) / max(1, len(neg_imgs))
    return rec, fpr, len(pos_imgs), len(neg_imgs)


def calibrate(probs, targets, images, cls: int, max_fpr: float) -> float:
    """Lowest threshold whose image-level FPR on the calib negatives is ≤ max_fpr."""
    for thr in np.arange(0.05, 0.99, 0.01):
        _, fpr, _, _ = image_level(probs, targets, images, cls, float(thr))
        if fpr <= max_fpr:
            return float(round(thr, 2))
    return 0.99


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "datasets"))
    ap.add_argument("--feedback", default=os.environ.get("FIRE_FEEDBACK_DIR", str(REPO / "data" / "fire-feedback")),
                    help="operator false-alarm samples (index.jsonl + JPEGs), used as extra negatives")
    ap.add_argument("--candidate-threshold", type=float, default=0.3, help="grid threshold for mining")
    ap.add_argument("--minutes", type=float, default=15.0)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--fire-max-fpr", type=float, default=0.01)
    ap.add_argument("--smoke-max-fpr", type=float, default=0.02)
    ap.add_argument("--out", default=str(REPO / "models" / "fire" / "vigil-fire-verifier.onnx"))
    args = ap.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    data = Path(args.data).resolve()
    WORK.mkdir(parents=True, exist_ok=True)
    t_build = time.time()
    cache = WORK / "crops.npz"
    if cache.exists():
        z = np.load(cache)
        arrays = {k: (z[f"{k}_x"], z[f"{k}_t"], z[f"{k}_s"], z[f"{k}_i"]) for k in ("train", "calib")}
    else:
        sets = build_crops(data, args.candidate_threshold, Path(args.feedback))
        arrays = {k: v.arrays() for k, v in sets.items()}
        np.savez(cache, **{f"{k}_{n}": a for k, v in arrays.items() for n, a in zip("xtsi", v)})
    xs, ts, ss, _ = arrays["train"]
    print(f"crops: train {len(xs)}, calib {len(arrays['calib'][0])} ({time.time() - t_build:.0f} s)", flush=True)
    for src in sorted(set(ss)):
        m = ss == src
        print(f"  {src:20s} {m.sum():6d}  fire+ {int((ts[m, 0] == 1).sum()):5d} fire- {int((ts[m, 0] == 0).sum()):5d}"
              f"  smoke+ {int((ts[m, 1] == 1).sum()):5d} smoke- {int((ts[m, 1] == 0).sum()):5d}", flush=True)

    flames = load_flames()
    # Hard negatives from real footage are what this stage is for: show them 3x an epoch.
    hard = np.where(np.isin(ss, ["cctv-neg-cand", "normal-cand", "feedback", "synthetic-neg-cand"]))[0]
    index = np.concatenate([np.arange(len(xs)), hard, hard])
    negatives = (ts[:, 0] == 0)
    net = Verifier().to(device)
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=5e-4)
    rng = np.random.default_rng(args.seed)
    steps = int(np.ceil(len(index) / args.batch))
    total_steps = steps * args.epochs
    t0 = time.time()
    budget = args.minutes * 60
    cx, ct, _, ci = arrays["calib"]
    best = (-1.0, None, 0)
    history = []
    step_no = 0
    for epoch in range(args.epochs):
        net.train()
        order = rng.permutation(index)
        loss_sum = 0.0
        for s in range(steps):
            idx = order[s * args.batch : (s + 1) * args.batch]
            batch, tgt = [], []
            for i in idx:
                paste = bool(negatives[i] and rng.random() < 0.1)
                batch.append(augment(xs[i], rng, flames[rng.integers(len(flames))] if paste else None))
                t = ts[i].copy()
                if paste:
                    t[0] = 1
                tgt.append(t)
            x = torch.from_numpy(np.stack(batch)).permute(0, 3, 1, 2).float().to(device)
            t = torch.from_numpy(np.stack(tgt)).to(device)
            progress = min(1.0, max(step_no / total_steps, (time.time() - t0) / budget))
            lr = args.lr * min(1.0, step_no / 100) * 0.5 * (1 + np.cos(np.pi * progress))
            for g in opt.param_groups:
                g["lr"] = max(lr, args.lr * 0.01)
            logits = net(x)
            known = t >= 0
            loss = F.binary_cross_entropy_with_logits(logits[known], t[known].float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += float(loss)
            step_no += 1
            if progress >= 1.0:
                break
        probs = predict(net, cx)
        fr = image_level(probs, ct, ci, 0, 0.5)
        sr = image_level(probs, ct, ci, 1, 0.5)
        score = fr[0] - 4 * fr[1] + 0.5 * (sr[0] - 4 * sr[1])
        history.append({"epoch": epoch + 1, "loss": loss_sum / max(1, s + 1), "calib_fire@0.5": fr[:2], "calib_smoke@0.5": sr[:2]})
        print(f"epoch {epoch + 1} loss {loss_sum / max(1, s + 1):.4f} calib fire rec/fpr {fr[0]:.3f}/{fr[1]:.3f} "
              f"smoke {sr[0]:.3f}/{sr[1]:.3f} {time.time() - t0:.0f}s", flush=True)
        if score > best[0]:
            best = (score, {k: v.detach().clone() for k, v in net.state_dict().items()}, epoch + 1)
        if progress >= 1.0:
            break
    net.load_state_dict(best[1])
    torch.save(best[1], WORK / "verifier-best.pt")
    probs = predict(net, cx)
    thr_fire = calibrate(probs, ct, ci, 0, args.fire_max_fpr)
    thr_smoke = calibrate(probs, ct, ci, 1, args.smoke_max_fpr)
    fr = image_level(probs, ct, ci, 0, thr_fire)
    sr = image_level(probs, ct, ci, 1, thr_smoke)
    print(f"thresholds fire {thr_fire} (calib recall {fr[0]:.3f}, FPR {fr[1]:.3f}; {fr[2]} pos / {fr[3]} neg images), "
          f"smoke {thr_smoke} (recall {sr[0]:.3f}, FPR {sr[1]:.3f}; {sr[2]} / {sr[3]})", flush=True)

    out = Path(args.out)
    net.eval()
    torch.onnx.export(Exported(net).cpu(), torch.zeros(1, 3, CROP, CROP), str(out), input_names=["crops"], output_names=["probs"],
                      dynamic_axes={"crops": {0: "n"}, "probs": {0: "n"}}, opset_version=13, do_constant_folding=True)
    meta = {
        "input": {"name": "crops", "size": CROP, "layout": "NCHW RGB / 255, square crop resized (bilinear)"},
        "output": {"name": "probs", "meaning": "per crop [fire, smoke] probability"},
        "labels": ["fire", "smoke"],
        "crop": {"context": CONTEXT, "minSide": MIN_SIDE, "minSidePx": 16},
        "thresholds": {"fire": thr_fire, "smoke": thr_smoke},
        # the grid threshold the chain proposes candidates at (= the mining threshold)
        "candidateThreshold": args.candidate_threshold,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    report = {
        "parameters": params, "train_minutes": round((time.time() - t0) / 60, 1), "best_epoch": best[2],
        "hardware": torch.cuda.get_device_name(0) if device.type == "cuda" else f"CPU, {args.threads} threads ({os.cpu_count()} cores)",
        "crops": {"train": int(len(xs)), "calib": int(len(cx))},
        "sources": {str(src): int((ss == src).sum()) for src in sorted(set(ss))},
        "thresholds": meta["thresholds"],
        "calib": {"fire_recall": fr[0], "fire_fpr": fr[1], "fire_pos_images": fr[2], "fire_neg_images": fr[3],
                  "smoke_recall": sr[0], "smoke_fpr": sr[1], "smoke_pos_images": sr[2], "smoke_neg_images": sr[3]},
        "calib_clips": sorted(CALIB_CLIPS), "history": history,
    }
    (HERE / "last-verifier-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out} and {out.with_suffix('.json')}", flush=True)


if __name__ == "__main__":
    main()
