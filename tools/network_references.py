"""Writes PyTorch's output and gradients for the small networks the examples' tests declare, each into
examples/src/test/resources/<case>_reference.safetensors (input, parameters under their PyTorch names, grad_output,
output, grad.input, grad.<parameter>):

- feature_map: FeatureMapTrunk (FeatureMapReferenceTest), two towers, pools and normalizes its input before any layer
  with parameters and ends in a feature map (LRN within each tower);
- avg_pool: AvgPoolProbe (AvgPoolReferenceTest), average pooling with padding and floor rounding before and after a
  convolution, as avg_pool2d with count_include_pad=True.

Computed in float64 from float32 inputs and weights, results rounded to float32, as ../shared/reference is. PyTorch's
LRN divides alpha by the size, so the paper's alpha is passed as alpha * size; within towers it runs on each tower's
channels apart. Run with Debian's python3-torch: /usr/bin/python3 tools/network_references.py"""
import json
import struct

import torch
import torch.nn.functional as F


def lrn(a, size, alpha, beta, k):
    return F.local_response_norm(a, size, alpha=alpha * size, beta=beta, k=k)


def feature_map(t):
    x = F.max_pool2d(t["input"], 2, 1)
    x = lrn(x, 3, 0.1, 0.75, 2.0)  # before any parameters: across all of the input's channels
    x = F.max_pool2d(F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=1)), 3, 2)
    x = F.conv2d(x, t["conv2.weight"], t["conv2.bias"], padding=1, groups=2)
    return torch.cat([lrn(x[:, :3], 5, 0.01, 0.75, 1.0), lrn(x[:, 3:], 5, 0.01, 0.75, 1.0)], dim=1)


def avg_pool(t):
    x = F.avg_pool2d(t["input"], 3, 2, padding=1, count_include_pad=True)  # 12×9 → 6×5, the height floored
    x = F.relu(F.conv2d(x, t["conv1.weight"], t["conv1.bias"], padding=1))
    x = F.avg_pool2d(x, 2, 2, padding=1, count_include_pad=True)  # 6×5 → 4×3, the width floored
    return F.linear(x.flatten(1), t["fc2.weight"], t["fc2.bias"])


CASES = {
    "feature_map": (feature_map, {
        "input": (2, 3, 15, 13),
        "conv1.weight": (8, 3, 3, 3), "conv1.bias": (8,),
        "conv2.weight": (6, 4, 3, 3), "conv2.bias": (6,),
        "grad_output": (2, 6, 6, 5),
    }),
    "avg_pool": (avg_pool, {
        "input": (2, 3, 12, 9),
        "conv1.weight": (8, 3, 3, 3), "conv1.bias": (8,),
        "fc2.weight": (6, 96), "fc2.bias": (6,),
        "grad_output": (2, 6),
    }),
}


def main():
    for case, (network, shapes) in CASES.items():
        torch.manual_seed(2026)
        f32 = {}
        for name, shape in shapes.items():
            fan_in = 1
            for d in shape[1:]:
                fan_in *= d
            scale = 0.1 if name.endswith(".bias") else (1.0 if name in ("input", "grad_output") else fan_in ** -0.5)
            f32[name] = torch.randn(*shape) * scale
        t = {name: v.double().requires_grad_(name != "grad_output") for name, v in f32.items()}
        out = network(t)
        out.backward(t["grad_output"])
        tensors = dict(f32)
        tensors["output"] = out.detach()
        tensors["grad.input"] = t["input"].grad
        for name in shapes:
            if name not in ("input", "grad_output"):
                tensors["grad." + name] = t[name].grad
        write(f"examples/src/test/resources/{case}_reference.safetensors", tensors)
        print(case, "output", list(out.shape), "grad.input norm", float(t["input"].grad.norm()))


def write(path, tensors):
    header = {"__metadata__": {"made_by": "tools/network_references.py", "torch": torch.__version__}}
    data = b""
    for name, value in tensors.items():
        raw = value.detach().float().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
