#!/usr/bin/env python3
"""Step time of synchronous data-parallel AlexNet2012 training for P = 1..256 ranks (docs/scaling.md).

Model: a step is the rank's share of the compute plus a ring all-reduce of the gradients,
    T(P) = t_compute(P) + 2(P-1)/P * bytes / bandwidth + 2(P-1) * latency
(no overlap; with backward fully overlapped, the all-reduce hides behind up to 2/3 of the compute: the backward pass
is about twice the forward). Inputs are the measured or estimated figures docs/scaling.md names.
Usage: python3 tools/scaling_model.py
"""

GRADIENT_BYTES = 243.9e6  # AlexNet2012: 60,965,224 float32 gradients
BATCH = 128

# Compute for one global batch of 128 on one rank (seconds).
RANKS = {
    "CPU rank (2-core AVX-512, 44.8 img/s measured)": BATCH / 44.8,
    "GPU rank (one H200, roofline 2,800-5,000 img/s; 3,600 used)": BATCH / 3600.0,
}

# Link: (bytes/s each rank moves in each direction, per-message latency in s). Nominal line rates less ~10% protocol.
LINKS = {
    "25 GbE (TCP)": (25e9 / 8 * 0.9, 30e-6),
    "100 GbE (RoCE)": (100e9 / 8 * 0.9, 5e-6),
    "InfiniBand HDR (200 Gb/s)": (200e9 / 8 * 0.9, 2e-6),
}


def allreduce(p, bandwidth, latency):
    if p == 1:
        return 0.0
    return 2 * (p - 1) / p * GRADIENT_BYTES / bandwidth + 2 * (p - 1) * latency


def table(weak):
    ps = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    for rank_name, t1 in RANKS.items():
        print(f"\n{rank_name}; {'weak scaling: 128 images per rank, global batch 128·P' if weak else 'strong scaling: global batch 128'}")
        print("| link | " + " | ".join(f"P={p}" for p in ps) + " |")
        print("| --- |" + " --- |" * len(ps))
        for link_name, (bandwidth, latency) in LINKS.items():
            cells = []
            for p in ps:
                compute = t1 if weak else t1 / p
                if not weak and BATCH / p < 1:
                    cells.append("n/a")
                    continue
                comm = allreduce(p, bandwidth, latency)
                step = compute + comm
                overlapped = max(compute, comm + compute / 3)
                images = BATCH * (p if weak else 1)
                cells.append(f"{images / step:,.0f} ({images / overlapped:,.0f})")
            print(f"| {link_name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    print("img/s without overlap (with the all-reduce hidden behind the backward pass)")
    table(weak=False)
    table(weak=True)
