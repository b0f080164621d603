"""Removes the boxes inference drew on an evidence frame, so operator feedback can be trained on.

A fire/smoke alert's snapshot is the frame with each detection's outline drawn on it (orange, width / 320 px of
the snapshot and at least 2, centred on the box's edges: drawBox in services/inference/src/evidence/
evidence-writer.ts). An operator's "false alarm" keeps that JPEG as a hard negative (services/alerts/src/feedback/
fire-feedback-index.ts), and the verifier's crop around the box contains the outline: trained as is, the model
would learn "orange rectangle = not fire". Here each outline band (the stroke plus the JPEG's bleed around it) is
filled by interpolating, across the band, between the pixels just outside it on either side.

numpy only, so the test (feedback-outline.test.ts) runs wherever CI runs:
    /usr/bin/python3 feedback_outline.py WIDTH HEIGHT BOXES_JSON < rgb > rgb
"""
from __future__ import annotations

import json
import sys

import numpy as np

# How far around the drawn stroke the JPEG changed the picture: luma rings within its 8×8 blocks, but the
# chroma of a saturated orange line is stored at half resolution and bleeds about a 16×16 block's half.
LUMA_BLEED = 2
CHROMA_BLEED = 8


def stroke_width(width: int) -> int:
    """The outline's width on a snapshot this wide (evidence-writer.ts: max(2, round(width / 320)))."""
    return max(2, int(np.floor(width / 320 + 0.5)))


def _fill_rows(plane: np.ndarray, top: int, bottom: int, left: int, right: int) -> None:
    """Rows top..bottom-1 (columns left..right-1) interpolated between the rows just above and below."""
    h = plane.shape[0]
    top, bottom = max(0, top), min(h, bottom)
    left, right = max(0, left), min(plane.shape[1], right)
    if top >= bottom or left >= right or (top == 0 and bottom == h):
        return
    a = plane[top - 1, left:right] if top > 0 else plane[bottom, left:right]
    b = plane[bottom, left:right] if bottom < h else a
    t = (np.arange(1, bottom - top + 1, dtype=np.float32) / (bottom - top + 1))[:, None]
    plane[top:bottom, left:right] = a[None, :] * (1 - t) + b[None, :] * t


def _erase_plane(plane: np.ndarray, boxes: list[list[float]], margin: float) -> None:
    h, w = plane.shape
    for x, y, bw, bh in boxes:
        l, r, t, b = x * w, (x + bw) * w, y * h, (y + bh) * h
        # top and bottom edges: across the band is vertical
        for edge in (t, b):
            _fill_rows(plane, round(edge - margin), round(edge + margin), round(l - margin), round(r + margin))
        # left and right edges: the same on the transposed view (it writes through)
        for edge in (l, r):
            _fill_rows(plane.T, round(edge - margin), round(edge + margin), round(t - margin), round(b + margin))


def erase_outlines(rgb: np.ndarray, boxes: list[list[float]]) -> np.ndarray:
    """A copy of `rgb` (H × W × 3 uint8) without the outlines of `boxes` ([x, y, w, h], fractions of the frame):
    luma filled across the stroke and its block ringing, chroma across the wider band the JPEG smeared it over."""
    x = rgb.astype(np.float32)
    y = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    cb, cr = x[..., 2] - y, x[..., 0] - y
    half = stroke_width(rgb.shape[1]) / 2
    _erase_plane(y, boxes, half + LUMA_BLEED)
    _erase_plane(cb, boxes, half + CHROMA_BLEED)
    _erase_plane(cr, boxes, half + CHROMA_BLEED)
    r, b = cr + y, cb + y
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return np.clip(np.stack([r, g, b], -1) + 0.5, 0, 255).astype(np.uint8)


def main() -> None:
    width, height = int(sys.argv[1]), int(sys.argv[2])
    boxes = json.loads(sys.argv[3])
    rgb = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8).reshape(height, width, 3)
    sys.stdout.buffer.write(erase_outlines(rgb, boxes).tobytes())


if __name__ == "__main__":
    main()
