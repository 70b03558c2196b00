"""The README's default run in PyTorch (Debian's python3-torch): MiniAlexNet on Fashion-MNIST with the same
recipe as `netforge train` — He-initialized weights and zero biases, batch 128, SGD with momentum 0.9 and weight
decay 5e-4, lr 0.03 divided by 10 at epochs 6 and 8, 8 epochs, random horizontal flips, per-channel normalization
with the training set's statistics — for the wall-time comparison in docs/performance.md. Not run by CI.

PyTorch's SGD keeps the velocity in gradient units (v ← μv + g + λw; w ← w − εv) where the paper keeps it in
weight units (v ← μv − λεw − εg; w ← w + v); the two agree while ε is constant and differ only just after a drop."""
import argparse
import gzip
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from peers import mini_alexnet


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    xs = torch.tensor(idx(f"{a.data}/train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    ys = torch.tensor(idx(f"{a.data}/train-labels-idx1-ubyte.gz"), dtype=torch.int64)
    xt = torch.tensor(idx(f"{a.data}/t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    yt = torch.tensor(idx(f"{a.data}/t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)
    mean, std = xs.mean(), xs.std()
    xs, xt = (xs - mean) / std, (xt - mean) / std
    net, _ = mini_alexnet()
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    opt = torch.optim.SGD(net.parameters(), lr=0.03, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[5, 7], gamma=0.1)
    start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        net.train()
        t0 = time.perf_counter()
        order = torch.randperm(len(xs))
        for i in range(0, len(xs), 128):
            idxs = order[i:i + 128]
            x = xs[idxs]
            flip = torch.rand(len(idxs)) < 0.5
            x[flip] = x[flip].flip(3)
            opt.zero_grad()
            F.cross_entropy(net(x), ys[idxs]).backward()
            opt.step()
        train_s = time.perf_counter() - t0
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(xt), 256):
                correct += (net(xt[i:i + 256]).argmax(1) == yt[i:i + 256]).sum().item()
        print(f"epoch {epoch}: test top-1 {100 * correct / len(xt):.2f}%, lr {opt.param_groups[0]['lr']:g}, "
              f"{train_s:.1f} s training, {len(xs) / train_s:.0f} img/s", flush=True)
        sched.step()
    print(f"done in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
