# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch CUDA fp32 side by side with bench-vulkan on the same GPU.

    python3 tests/bench/bench-torch-cuda.py [--batches 1024,4096] [--runs 20] [--json FILE]

Measures, with CUDA events, each as the median of --runs timed repetitions after warm-up:

- GEMM GFLOP/s of the training products of tiny's and full's Linear layers (Y = X.W^T,
  dX = dY.W, dW = dY^T.X) at each batch size — the shapes bench-vulkan measures;
- the seed product {10000, 784} x {784, 10};
- training throughput (samples/s) of tiny and full (bench-torch.py's models: Linear/BatchNorm/
  GELU/Dropout, AdamW, cross-entropy) on inputs already on the GPU.

TF32 is switched off so the products are fp32, as the Vulkan backend's. Needs a CUDA build of
PyTorch; prints one line per measurement and writes them to --json.
"""
import argparse
import importlib.util
import json
import os
import statistics

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_torch", os.path.join(HERE, "bench-torch.py"))
bench_torch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_torch)


def cuda_median(function, runs, warmup=3):
    for _ in range(warmup):
        function()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        function()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e-3)
    return statistics.median(times)


def gemm_records(preset, batch, runs):
    records = []
    for fan_in, fan_out in bench_torch.linear_shapes(preset):
        x = torch.rand(batch, fan_in, device="cuda")
        w = torch.rand(fan_out, fan_in, device="cuda")
        dy = torch.rand(batch, fan_out, device="cuda")
        products = {
            "Y = X.W^T": lambda: torch.matmul(x, w.t()),
            "dX = dY.W": lambda: torch.matmul(dy, w),
            "dW = dY^T.X": lambda: torch.matmul(dy.t(), x),
        }
        for name, product in products.items():
            seconds = cuda_median(product, runs)
            records.append({"section": "gemm", "preset": preset, "batch": batch,
                            "shape": f"{fan_in}x{fan_out}", "product": name,
                            "gflops": 2.0 * batch * fan_in * fan_out / seconds * 1e-9})
    return records


def seed_record(runs):
    a = torch.rand(10000, 784, device="cuda")
    b = torch.rand(784, 10, device="cuda")
    seconds = cuda_median(lambda: torch.matmul(a, b), runs)
    return {"section": "seed", "microseconds": seconds * 1e6}


def training_record(preset, batch, runs):
    torch.manual_seed(0)
    model = bench_torch.build_model(torch, preset).cuda()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    inputs = torch.rand(batch, bench_torch.INPUTS, device="cuda") * 2 - 1
    labels = torch.randint(0, bench_torch.CLASSES, (batch,), device="cuda")

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(model(inputs), labels)
        loss.backward()
        optimizer.step()

    model.train()
    seconds = cuda_median(step, runs)
    return {"section": "train", "preset": preset, "batch": batch,
            "samples_per_second": batch / seconds,
            "gflops": batch / seconds * bench_torch.train_gemm_flops(preset) * 1e-9}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="1024,4096")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json")
    arguments = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    records = [{"section": "device", "name": torch.cuda.get_device_name(0),
                "torch": torch.__version__, "cuda": torch.version.cuda}]
    batches = [int(b) for b in arguments.batches.split(",")]
    for batch in batches:
        for preset in ("tiny", "full"):
            records += gemm_records(preset, batch, arguments.runs)
    records.append(seed_record(arguments.runs))
    for batch in batches:
        for preset in ("tiny", "full"):
            records.append(training_record(preset, batch, arguments.runs))
    for record in records:
        print(json.dumps(record))
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump(records, out, indent=1)


if __name__ == "__main__":
    main()
