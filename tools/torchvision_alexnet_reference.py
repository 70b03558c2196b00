"""Writes examples/src/test/resources/torchvision_alexnet_reference.safetensors: the logits PyTorch's torchvision
AlexNet gives for one 224×224 input when every parameter and the input come from the integer formula below, which
the Java test (TorchvisionAlexNetTest) computes too, so the test needs neither a download nor PyTorch. The file's
metadata lists the state_dict keys and shapes, which the test writes its weights file under, as-is.

Run with Debian's python3-torch and python3-torchvision: /usr/bin/python3 tools/torchvision_alexnet_reference.py"""
import json
import struct

import numpy as np
import torch
import torchvision


def formula(count, salt, scale):
    """scale · (u − ½) with u = the top 24 bits of a multiplicative hash of (index, salt) over 2²⁴: exact in float32."""
    i = np.arange(count, dtype=np.uint64)
    h = (i * np.uint64(2654435761) + np.uint64(salt) * np.uint64(40503) + np.uint64(12345)) % np.uint64(1 << 32)
    u = (h >> np.uint64(8)).astype(np.float32) / np.float32(1 << 24)
    return (u - np.float32(0.5)) * np.float32(scale)


def main():
    torch.set_num_threads(1)
    net = torchvision.models.alexnet(weights=None).eval()
    state = net.state_dict()
    keys = []
    for k, (name, tensor) in enumerate(state.items()):
        fan_in = int(np.prod(tensor.shape[1:])) if tensor.dim() > 1 else 1
        scale = 2 * np.sqrt(3.0 / fan_in) if tensor.dim() > 1 else 0.2
        values = formula(tensor.numel(), k + 1, np.float32(scale))
        state[name] = torch.from_numpy(values.reshape(tensor.shape))
        keys.append(f"{name}:{'x'.join(map(str, tensor.shape))}:{np.float32(scale).view(np.uint32)}")
    net.load_state_dict(state)
    x = torch.from_numpy(formula(3 * 224 * 224, 1000, np.float32(4.0)).reshape(1, 3, 224, 224))
    with torch.no_grad():
        logits = net(x).numpy().astype(np.float32).ravel()
    header = {
        "__metadata__": {"state_dict": ",".join(keys), "made_by": "tools/torchvision_alexnet_reference.py",
                         "torch": torch.__version__, "torchvision": torchvision.__version__},
        "logits": {"dtype": "F32", "shape": [1, 1000], "data_offsets": [0, 4000]},
    }
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open("examples/src/test/resources/torchvision_alexnet_reference.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + logits.tobytes())
    print("top-5", np.argsort(-logits)[:5], logits[np.argsort(-logits)[:5]])


if __name__ == "__main__":
    main()
