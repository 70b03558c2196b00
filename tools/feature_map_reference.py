"""Writes examples/src/test/resources/feature_map_reference.safetensors: PyTorch's output and gradients for the
FeatureMapTrunk network of FeatureMapReferenceTest, a two-tower network that pools and normalizes its input before
any layer with parameters and ends in a feature map (LRN within each tower), so that `gradients --grad-output` is
checked against PyTorch on a network that is not class scores.

Computed in float64 from float32 inputs and weights, results rounded to float32, as ../shared/reference is. PyTorch's
LRN divides alpha by the size, so the paper's alpha is passed as alpha * size; within towers it runs on each tower's
channels apart. Run with Debian's python3-torch: /usr/bin/python3 tools/feature_map_reference.py"""
import json
import struct

import numpy as np
import torch
import torch.nn.functional as F


def lrn(a, size, alpha, beta, k):
    return F.local_response_norm(a, size, alpha=alpha * size, beta=beta, k=k)


def main():
    torch.manual_seed(2026)
    f32 = {
        "input": torch.randn(2, 3, 15, 13),
        "conv1.weight": torch.randn(8, 3, 3, 3) * 0.4,
        "conv1.bias": torch.randn(8) * 0.1,
        "conv2.weight": torch.randn(6, 4, 3, 3) * 0.35,
        "conv2.bias": torch.randn(6) * 0.1,
        "grad_output": torch.randn(2, 6, 6, 5),
    }
    t = {name: v.double().requires_grad_(name != "grad_output") for name, v in f32.items()}
    x = F.max_pool2d(t["input"], 2, 1)
    x = lrn(x, 3, 0.1, 0.75, 2.0)  # before any parameters: across all of the input's channels
    x = F.max_pool2d(F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=1)), 3, 2)
    x = F.conv2d(x, t["conv2.weight"], t["conv2.bias"], padding=1, groups=2)
    out = torch.cat([lrn(x[:, :3], 5, 0.01, 0.75, 1.0), lrn(x[:, 3:], 5, 0.01, 0.75, 1.0)], dim=1)
    out.backward(t["grad_output"])
    tensors = dict(f32)
    tensors["output"] = out.detach()
    tensors["grad.input"] = t["input"].grad
    for name in ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]:
        tensors["grad." + name] = t[name].grad
    header = {"__metadata__": {"made_by": "tools/feature_map_reference.py", "torch": torch.__version__}}
    data = b""
    for name, value in tensors.items():
        raw = value.detach().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open("examples/src/test/resources/feature_map_reference.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)
    print("output", list(out.shape), "grad.input norm", float(t["input"].grad.norm()))


if __name__ == "__main__":
    main()
