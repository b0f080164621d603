#!/usr/bin/python3
"""Static int8 (QDQ) quantization of an ONNX CNN with the `onnx` package only: the YOLO plate detector
(bench/plate-detector-int8/) and the fire crop verifier (models/training/fire/train_verifier.py --quantize).

  qdq.py expose   FP32.onnx EXPOSED.onnx NAMES.json [--input images]
      adds every float activation of the quantizable part as a graph output (for calibration).
  qdq.py quantize FP32.onnx STATS.json OUT.onnx [--input images] [--method minmax|p99.99] [--fp32 first,head,head-last,attn,model.N,...]
      per-channel symmetric int8 weights, per-tensor asymmetric uint8 activations (QuantizeLinear →
      DequantizeLinear pairs), int32 biases; onnxruntime fuses DQ→Conv→Q into QLinearConv, DQ→Sigmoid→Q
      into QLinearSigmoid, DQ→Mul/Add→Q into QLinearMul/Add at graph optimisation level "all".

The input must hold values k/255 (an 8-bit picture scaled to 0..1): it is quantized with scale 1/255 exactly.
The end-to-end decoding tail (/model.23/ outside the one2one_cv* head convolutions: Reshape, Concat,
Sigmoid, TopK, Gather…) always stays float. The output is deterministic: same inputs, same bytes.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Ops whose float outputs get a calibrated Q→DQ pair.
QUANT_OPS = {"Conv", "Sigmoid", "Mul", "Add", "Concat"}
# Data movement: the output reuses the input's scale so onnxruntime can drop the DQ/Q around them.
PASS_OPS = {"Split", "MaxPool", "Resize", "Reshape", "Transpose", "Slice"}
# The graph input; --input changes it (the verifier's is "crops").
INPUT_NAME = "images"
# 3 → 8 channels at 640²: onnxruntime's fp32 NCHWc kernel is twice as fast as QLinearConv here, so
# the "first" group keeps it float and quantizes its output only (the SiLU after it is int8).
FIRST_CONV = "/model.0/conv/Conv"


def in_tail(node):
    return node.name.startswith("/model.23/") and "one2one_cv" not in node.name


def excluded(node, groups):
    """Nodes kept in float (their inputs may still be quantized when a quantized op produced them)."""
    if in_tail(node):
        return True
    if "head-last" in groups and node.op_type == "Conv" and node.name.startswith("/model.23/") and node.name.endswith(".2/Conv"):
        return True
    if "head" in groups and node.name.startswith("/model.23/"):
        return True
    if "attn" in groups and "/attn/" in node.name:
        return True
    if any(g.startswith("model.") and node.name.startswith(f"/{g}/") for g in groups):
        return True
    if "first" in groups and node.name == FIRST_CONV:
        return True
    return False


def float_tensors(model):
    types = {v.name: v.type.tensor_type.elem_type for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output)}
    return {n for n, t in types.items() if t == TensorProto.FLOAT}


def expose(src, dst, names_out):
    # shape inference: a torch export carries no value_info, and without types no activation would be found
    model = onnx.shape_inference.infer_shapes(onnx.load(src))
    floats = float_tensors(model)
    inits = {t.name for t in model.graph.initializer}
    names = []
    for node in model.graph.node:
        if in_tail(node):
            continue
        for o in node.output:
            if o in floats and o not in inits:
                names.append(o)
    existing = {o.name for o in model.graph.output}
    for n in names:
        if n not in existing:
            model.graph.output.append(helper.make_tensor_value_info(n, TensorProto.FLOAT, None))
    onnx.save(model, dst)
    with open(names_out, "w") as f:
        json.dump([INPUT_NAME] + names, f)


def act_params(lo, hi):
    lo, hi = min(0.0, float(lo)), max(0.0, float(hi))
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = np.float32((hi - lo) / 255.0)
    zp = int(np.clip(np.round(-lo / float(scale)), 0, 255))
    return scale, zp


def ranges_from_stats(stats, method):
    """minmax: the calibration extremes; pNN.NN: that percentile at the top, 100-NN.NN at the bottom."""
    out = {}
    for name, st in stats.items():
        lo, hi = st["min"], st["max"]
        if method != "minmax":
            p = float(method[1:]) / 100.0
            h = np.asarray(st["hist"], dtype=np.float64)
            c = np.cumsum(h) / max(1.0, h.sum())
            width = (hi - lo) / len(h)
            lo_bin = int(np.searchsorted(c, 1.0 - p, side="left"))
            hi_bin = int(np.searchsorted(c, p, side="left"))
            lo, hi = lo + lo_bin * width, lo + (hi_bin + 1) * width
        out[name] = (lo, hi)
    return out


def quantize(src, ranges_path, dst, groups, method="minmax"):
    model = onnx.load(src)
    g = model.graph
    with open(ranges_path) as f:
        ranges = ranges_from_stats(json.load(f)["stats"], method)
    inits = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    # 1. Which activations get a Q→DQ pair, and with which scale. Graph order is topological.
    params = {}
    if any(not excluded(n, groups) for n in consumers.get(INPUT_NAME, [])):
        params[INPUT_NAME] = (np.float32(1.0 / 255.0), 0)  # the input is k/255 (see the module docstring)
    for node in g.node:
        if excluded(node, groups) and not (node.name == FIRST_CONV and "first" in groups):
            continue
        if node.op_type in PASS_OPS and node.input[0] in params:
            for o in node.output:
                if o in ranges:
                    params[o] = params[node.input[0]]
        elif node.op_type in QUANT_OPS:
            for o in node.output:
                if o in ranges:
                    params[o] = act_params(*ranges[o])
    # Every activation input of a quantized Conv must be quantized, whoever produced it.
    for node in g.node:
        if node.op_type == "Conv" and not excluded(node, groups):
            x = node.input[0]
            if x not in params:
                params[x] = act_params(*ranges[x])

    new_inits = []
    q_nodes = {}  # tensor -> list of nodes to insert right after its producer (or at the front)

    def add_qdq(t):
        scale, zp = params[t]
        s_name, z_name = f"{t}_qscale", f"{t}_qzp"
        new_inits.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), s_name))
        new_inits.append(numpy_helper.from_array(np.array(zp, dtype=np.uint8), z_name))
        q = helper.make_node("QuantizeLinear", [t, s_name, z_name], [f"{t}_q"], name=f"{t}_QuantizeLinear")
        dq = helper.make_node("DequantizeLinear", [f"{t}_q", s_name, z_name], [f"{t}_dq"], name=f"{t}_DequantizeLinear")
        q_nodes[t] = [q, dq]

    for t in params:
        add_qdq(t)

    # 2. Rewire: every consumer but the float tail reads DQ(t).
    for node in g.node:
        if in_tail(node):
            continue
        for k, i in enumerate(node.input):
            if i in params:
                node.input[k] = f"{i}_dq"

    # 3. Weights (per output channel, symmetric int8) and biases (int32, scale = s_x·s_w).
    removed = set()
    for node in g.node:
        if node.op_type != "Conv" or excluded(node, groups):
            continue
        x_dq = node.input[0]
        x = x_dq[: -len("_dq")]
        s_x = float(params[x][0])
        w_name = node.input[1]
        w = numpy_helper.to_array(inits[w_name]).astype(np.float32)
        amax = np.abs(w.reshape(w.shape[0], -1)).max(axis=1)
        s_w = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        wq = np.clip(np.round(w / s_w.reshape(-1, 1, 1, 1)), -127, 127).astype(np.int8)
        new_inits += [
            numpy_helper.from_array(wq, f"{w_name}_int8"),
            numpy_helper.from_array(s_w, f"{w_name}_wscale"),
            numpy_helper.from_array(np.zeros(w.shape[0], dtype=np.int8), f"{w_name}_wzp"),
        ]
        dqw = helper.make_node("DequantizeLinear", [f"{w_name}_int8", f"{w_name}_wscale", f"{w_name}_wzp"], [f"{w_name}_dq"], name=f"{w_name}_DequantizeLinear", axis=0)
        extra = [dqw]
        node.input[1] = f"{w_name}_dq"
        removed.add(w_name)
        if len(node.input) > 2 and node.input[2]:
            b_name = node.input[2]
            b = numpy_helper.to_array(inits[b_name]).astype(np.float64)
            s_b = (s_x * s_w.astype(np.float64)).astype(np.float32)
            bq = np.clip(np.round(b / s_b.astype(np.float64)), -(2**31), 2**31 - 1).astype(np.int32)
            new_inits += [
                numpy_helper.from_array(bq, f"{b_name}_int32"),
                numpy_helper.from_array(s_b, f"{b_name}_bscale"),
                numpy_helper.from_array(np.zeros(w.shape[0], dtype=np.int32), f"{b_name}_bzp"),
            ]
            extra.append(helper.make_node("DequantizeLinear", [f"{b_name}_int32", f"{b_name}_bscale", f"{b_name}_bzp"], [f"{b_name}_dq"], name=f"{b_name}_DequantizeLinear", axis=0))
            node.input[2] = f"{b_name}_dq"
            removed.add(b_name)
        q_nodes.setdefault(("w", node.name), extra)

    # 4. Rebuild the node list in topological order.
    still_used = {i for n in g.node for i in n.input}
    nodes = []
    for t in [INPUT_NAME]:
        nodes += q_nodes.get(t, [])
    for node in g.node:
        nodes += q_nodes.get(("w", node.name), [])
        nodes.append(node)
        for o in node.output:
            nodes += q_nodes.get(o, [])
    kept = [t for t in g.initializer if t.name not in removed or t.name in still_used]
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    del g.node[:]
    g.node.extend(nodes)
    model.producer_name = "vigil-qdq"
    onnx.save(model, dst)
    print(f"quantized {len(params)} activations, {sum(1 for k in q_nodes if isinstance(k, tuple))} convs; float groups: {sorted(groups) or 'none'}")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if "--input" in sys.argv:
        INPUT_NAME = sys.argv[sys.argv.index("--input") + 1]
    if cmd == "expose" and len(sys.argv) >= 5:
        expose(*sys.argv[2:5])
    elif cmd == "quantize" and len(sys.argv) >= 5:
        groups = set()
        if "--fp32" in sys.argv:
            groups = set(filter(None, sys.argv[sys.argv.index("--fp32") + 1].split(",")))
        method = sys.argv[sys.argv.index("--method") + 1] if "--method" in sys.argv else "minmax"
        quantize(sys.argv[2], sys.argv[3], sys.argv[4], groups, method)
    else:
        print(__doc__)
        sys.exit(2)
