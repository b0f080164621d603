"""Copies an ONNX model with its batch dimension made symbolic ("N"), for bench/onnx-batch.ts.
   /usr/bin/python3 bench/onnx-batch/dynamic-batch.py IN.onnx OUT.onnx
The graph's inputs and outputs get a symbolic first dimension; intermediate shapes are dropped for onnxruntime
to infer again. Exporters often bake a batch of 1 into Reshape targets (Ultralytics' attention blocks:
[1, 1, 128, 400]): a constant Reshape target that starts with 1 and has no -1 gets -1 there, so the batch is
inferred. The bench checks that a batch gives the same outputs as its images one by one."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

src, dst = sys.argv[1], sys.argv[2]
model = onnx.load(src)
for value in [*model.graph.input, *model.graph.output]:
    dim = value.type.tensor_type.shape.dim[0]
    dim.ClearField("dim_value")
    dim.dim_param = "N"
del model.graph.value_info[:]

inits = {i.name: i for i in model.graph.initializer}
consts = {n.output[0]: n for n in model.graph.node if n.op_type == "Constant"}
patched = 0
for node in model.graph.node:
    if node.op_type != "Reshape":
        continue
    name = node.input[1]
    if name in inits:
        shape = numpy_helper.to_array(inits[name])
        if shape.ndim == 1 and shape.size > 1 and shape[0] == 1 and -1 not in shape:
            inits[name].CopyFrom(numpy_helper.from_array(np.concatenate([[-1], shape[1:]]).astype(shape.dtype), name))
            patched += 1
    elif name in consts:
        attr = consts[name].attribute[0]
        shape = numpy_helper.to_array(attr.t)
        if shape.ndim == 1 and shape.size > 1 and shape[0] == 1 and -1 not in shape:
            attr.t.CopyFrom(numpy_helper.from_array(np.concatenate([[-1], shape[1:]]).astype(shape.dtype)))
            patched += 1
onnx.save(model, dst)
print(f"wrote {dst} ({patched} Reshape targets given a free batch)")
