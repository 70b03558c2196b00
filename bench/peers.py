"""The same networks in PyTorch (Debian's python3-torch), timed like `netforge bench`: forward and training-step
images per second at a given batch size, on the same machine, right after netforge's own figures.

Towers become grouped convolutions plus LRN applied to each tower's channels apart, which DESIGN.md shows to be
the same function. Not run by CI."""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class TowerLRN(nn.Module):
    """The paper's LRN (alpha not divided by size) within each tower's channels."""

    def __init__(self, towers, size=5, alpha=1e-4, beta=0.75, k=2.0):
        super().__init__()
        self.towers = towers
        # PyTorch divides alpha by size; undo that.
        self.lrn = nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)

    def forward(self, x):
        return torch.cat([self.lrn(t) for t in torch.chunk(x, self.towers, dim=1)], dim=1)


def mini_alexnet():
    return nn.Sequential(
        nn.Conv2d(1, 64, 5, padding=2), nn.ReLU(), TowerLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 128, 5, padding=2, groups=2), nn.ReLU(), TowerLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(128, 192, 3, padding=1), nn.ReLU(),
        nn.Conv2d(192, 192, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(192, 128, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(1152, 1024), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(1024, 1024), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(1024, 10)), (1, 28, 28)


def alexnet2012():
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), TowerLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), TowerLRN(2), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(4096, 1000)), (3, 227, 227)


def alexnet_torchvision():
    """torchvision.models.alexnet() layer for layer (torchvision itself is not packaged for Debian's PyTorch 1.13)."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.AdaptiveAvgPool2d((6, 6)), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(9216, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 1000)), (3, 224, 224)


MODELS = {"mini-alexnet": mini_alexnet, "alexnet2012": alexnet2012, "alexnet-torchvision": alexnet_torchvision}


def timed(fn, steps):
    fn()
    fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def native_libraries():
    """The BLAS and the allocator this process runs on, as mapped: a reference BLAS or glibc's malloc (which hands
    PyTorch's large buffers back to the kernel and faults them in again every step) makes PyTorch several times
    slower here, and a ratio against that would flatter netforge."""
    names = {line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps") if "/" in line}
    blas = sorted(n for n in names if "blas" in n and not n.startswith("libblas") or n.startswith("libmkl"))
    allocator = sorted(n for n in names if "malloc" in n)
    return ", ".join(blas) or "reference BLAS", ", ".join(allocator) or "glibc malloc"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mini-alexnet", choices=sorted(MODELS))
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=torch.get_num_threads())
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net, shape = MODELS[a.model]()
    x = torch.randn(a.batch, *shape)
    y = torch.randint(0, net[-1].out_features, (a.batch,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)

    def forward():
        net.eval()
        with torch.no_grad():
            net(x)

    def train_step():
        net.train()
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()

    f = timed(forward, a.steps)
    t = timed(train_step, a.steps)
    blas, allocator = native_libraries()
    print(f"PyTorch {torch.__version__} {a.model}, batch {a.batch}, {a.threads} threads, BLAS {blas}, {allocator}")
    print(f"forward                median {f:.4f} s/step: {a.batch / f:.1f} img/s")
    print(f"train step (fwd+bwd)   median {t:.4f} s/step: {a.batch / t:.1f} img/s")


if __name__ == "__main__":
    main()
