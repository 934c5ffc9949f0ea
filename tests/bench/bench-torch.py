# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch side by side with `cepstra-cli bench` and `cepstra-cli depmatrix`.

Run with Debian's Python and python3-torch (the pyenv python3 on PATH has no torch):

    /usr/bin/python3 tests/bench/bench-torch.py [--threads 2] [--quick] [--json]
                     [--only train|seed|depmatrix]

Measures, each as the median of several timed repetitions after warm-up:

- training throughput of the seed notebook's tiny and full models (Linear/BatchNorm/GELU/
  Dropout, AdamW, cross-entropy, 1708 inputs, 42 classes) at batch 1024, in samples/s and
  GEMM-equivalent GFLOP/s (the same count as cepstra-cli bench: 2*in*out per Linear forward,
  as much again for the weight gradient and for the input gradient except the first layer),
  once as PyTorch runs out of the box and once with OMP_WAIT_POLICY=PASSIVE (each in a fresh
  process, since OpenMP reads the variable at start-up);
- inference throughput (eval mode, no_grad) of the same models;
- the seed product {10000, 784} x {784, 10} with torch.matmul (and numpy's matmul);
- the dependency matrix of tiny on T = 200 frames: SpeechBrain's way (infer_dependency_matrix:
  one perturbed copy of the sequence at a time, the whole sequence through the model, compare
  every output frame with torch.allclose) and batched (all T perturbed copies through the model
  in large batches, one comparison at the end). Both are written here from the algorithm's
  description; the model is "frame windows of K = 30 by zero-padded unfold, then tiny".

Inputs are seeded random numbers; nothing is read from disk. Prints one line per measurement
(or JSON), never fails on timing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CONTEXT = 30
FEATURES = 28
CLASSES = 42
INPUTS = (2 * CONTEXT + 1) * FEATURES

# (width, batch norm, dropout) of each hidden block, as the seed notebook's models.
PRESETS = {
    "tiny": [(512, True, 0.35), (512, False, 0.3), (512, True, 0.25)],
    "full": [(2048, True, 0.35), (2048, False, 0.3), (2048, True, 0.25), (2048, False, 0.2),
             (1024, True, 0.15), (512, False, 0.1), (256, True, 0.05)],
}


def build_model(torch, preset):
    layers = []
    width = INPUTS
    for out, batch_norm, dropout in PRESETS[preset]:
        layers.append(torch.nn.Linear(width, out))
        if batch_norm:
            layers.append(torch.nn.BatchNorm1d(out))
        layers.append(torch.nn.GELU())
        layers.append(torch.nn.Dropout(dropout))
        width = out
    layers.append(torch.nn.Linear(width, CLASSES))
    return torch.nn.Sequential(*layers)


def linear_shapes(preset):
    shapes = []
    width = INPUTS
    for out, _, _ in PRESETS[preset]:
        shapes.append((width, out))
        width = out
    shapes.append((width, CLASSES))
    return shapes


def train_gemm_flops(preset):
    """GEMM FLOPs per sample of one training step (cep_model_spec_count_train_gemm_flops)."""
    return sum((4 if i == 0 else 6) * a * b for i, (a, b) in enumerate(linear_shapes(preset)))


def forward_gemm_flops(preset):
    return sum(2 * a * b for a, b in linear_shapes(preset))


def timed(function, runs, warmup=2):
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


# Training and inference

def bench_training(torch, preset, batch, runs):
    torch.manual_seed(0)
    model = build_model(torch, preset)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    inputs = torch.rand(batch, INPUTS) * 2 - 1
    labels = torch.randint(0, CLASSES, (batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_function(model(inputs), labels)
        loss.backward()
        optimizer.step()

    model.train()
    median, fastest = timed(step, runs)
    model.eval()

    def infer():
        with torch.no_grad():
            model(inputs)

    infer_median, _ = timed(infer, runs)
    return {
        "model": preset,
        "train_step_seconds": median,
        "train_samples_per_second": batch / median,
        "train_gflops": batch / median * train_gemm_flops(preset) / 1e9,
        "inference_samples_per_second": batch / infer_median,
        "inference_gflops": batch / infer_median * forward_gemm_flops(preset) / 1e9,
    }


# The seed product

def bench_seed(torch, runs):
    import numpy as np

    torch.manual_seed(0)
    a = torch.rand(10000, 784)
    b = torch.rand(784, 10)
    flops = 2.0 * 10000 * 784 * 10
    torch_median, torch_fastest = timed(lambda: torch.matmul(a, b), runs)
    a_np, b_np = a.numpy(), b.numpy()
    numpy_median, numpy_fastest = timed(lambda: a_np @ b_np, runs)
    return [
        {"backend": "torch.matmul", "milliseconds": 1e3 * torch_median,
         "fastest_milliseconds": 1e3 * torch_fastest, "gflops": flops / torch_median / 1e9},
        {"backend": "numpy matmul", "milliseconds": 1e3 * numpy_median,
         "fastest_milliseconds": 1e3 * numpy_fastest, "gflops": flops / numpy_median / 1e9},
    ]


# The dependency matrix

def frame_model(torch, mlp):
    """Sequence [batch, T, D] -> logits [batch, T, classes]: windows of 2K+1 zero-padded frames
    around every frame (as the dataset's frame store gives them), then the MLP."""
    def model(sequence):
        batch, frames, features = sequence.shape
        padded = torch.nn.functional.pad(sequence, (0, 0, CONTEXT, CONTEXT))
        windows = padded.unfold(1, 2 * CONTEXT + 1, 1)          # [batch, T, D, 2K+1]
        windows = windows.transpose(2, 3).reshape(batch * frames, INPUTS)
        return mlp(windows).reshape(batch, frames, CLASSES)
    return model


def dependency_speechbrain(torch, model, frames):
    """One perturbation at a time, the whole sequence through the model (SpeechBrain)."""
    base_sequence = torch.rand(1, frames, FEATURES)
    with torch.no_grad():
        base = model(base_sequence)
        if not torch.equal(model(base_sequence), base):
            raise ValueError("the model is not deterministic")
        deps = torch.zeros(frames, frames, dtype=torch.bool)
        for i in range(frames):
            sequence = base_sequence.clone()
            sequence[:, i, :] = torch.rand(1, FEATURES)
            out = model(sequence)
            for j in range(frames):
                if not torch.allclose(out[:, j, :], base[:, j, :]):
                    deps[i, j] = True
    return deps


def dependency_batched(torch, model, frames, chunk=25):
    """All T perturbed copies through the model in batches of @chunk copies. Each copy is
    compared with the unperturbed sequence evaluated at the same place of a batch of the same
    size: a row's rounding may depend on its place (as in OpenBLAS's edge tiles), and
    torch.allclose would then see dependencies that are not there."""
    base_sequence = torch.rand(1, frames, FEATURES)
    with torch.no_grad():
        base = model(base_sequence.repeat(chunk, 1, 1))
        if not torch.equal(model(base_sequence.repeat(chunk, 1, 1)), base):
            raise ValueError("the model is not deterministic")
        sequences = base_sequence.repeat(frames, 1, 1)
        index = torch.arange(frames)
        sequences[index, index, :] = torch.rand(frames, FEATURES)
        deps = []
        for start in range(0, frames, chunk):
            out = model(sequences[start:start + chunk])
            close = torch.isclose(out, base[:out.shape[0]]).all(dim=2)
            deps.append(~close)
    return torch.cat(deps)


def bench_dependency(torch, frames, runs):
    torch.manual_seed(0)
    mlp = build_model(torch, "tiny").eval()
    model = frame_model(torch, mlp)
    results = []
    for name, function in (("speechbrain loop", dependency_speechbrain),
                           ("batched", dependency_batched)):
        deps = function(torch, model, frames)
        band = torch.tensor([[abs(i - j) <= CONTEXT for j in range(frames)]
                             for i in range(frames)])
        median, fastest = timed(lambda: function(torch, model, frames), runs, warmup=1)
        results.append({"method": name, "frames": frames, "seconds": median,
                        "fastest_seconds": fastest, "matches_band": bool(torch.equal(deps, band)),
                        "cells_off_band": int((deps != band).sum())})
    return results


# Driver

def run_child(arguments, passive):
    """Training numbers from a fresh interpreter, with or without OMP_WAIT_POLICY=PASSIVE."""
    env = dict(os.environ)
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    else:
        env.pop("OMP_WAIT_POLICY", None)
    command = [sys.executable, os.path.abspath(__file__), "--child", "--threads",
               str(arguments.threads), "--batch", str(arguments.batch)]
    if arguments.quick:
        command.append("--quick")
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(output.stdout)


def child_main(arguments):
    import torch

    torch.set_num_threads(arguments.threads)
    runs = {"tiny": 5 if arguments.quick else 20, "full": 3 if arguments.quick else 10}
    results = [bench_training(torch, preset, arguments.batch, runs[preset])
               for preset in ("tiny", "full")]
    json.dump(results, sys.stdout)


def print_text(report):
    print(f"PyTorch {report['torch']}, {report['threads']} threads, batch {report['batch']}")
    for policy, rows in report.get("training", {}).items():
        print(f"\nTraining and inference ({policy}): samples/s and GEMM-equivalent GFLOP/s")
        for row in rows:
            print(f"  {row['model']:5} train {row['train_samples_per_second']:9.0f} "
                  f"{row['train_gflops']:7.1f}   inference "
                  f"{row['inference_samples_per_second']:9.0f} {row['inference_gflops']:7.1f}")
    if "seed_product" in report:
        print("\nSeed product {10000, 784} x {784, 10}, median:")
        for row in report["seed_product"]:
            print(f"  {row['backend']:14} {row['milliseconds']:8.3f} ms "
                  f"{row['gflops']:7.1f} GFLOP/s (fastest {row['fastest_milliseconds']:.3f} ms)")
    if "dependency_matrix" in report:
        print(f"\nDependency matrix, tiny, T = {report['dependency_matrix'][0]['frames']}, median:")
        for row in report["dependency_matrix"]:
            print(f"  {row['method']:17} {row['seconds']:7.3f} s (fastest "
                  f"{row['fastest_seconds']:.3f} s), band |i-j| <= 30: {row['matches_band']} "
                  f"({row['cells_off_band']} cells differ)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=["train", "seed", "depmatrix"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child_main(arguments)
        return

    import torch

    torch.set_num_threads(arguments.threads)
    report = {"torch": torch.__version__, "threads": arguments.threads,
              "batch": arguments.batch}
    if arguments.only in (None, "train"):
        report["training"] = {"default": run_child(arguments, passive=False),
                              "OMP_WAIT_POLICY=PASSIVE": run_child(arguments, passive=True)}
    if arguments.only in (None, "seed"):
        report["seed_product"] = bench_seed(torch, 10 if arguments.quick else 40)
    if arguments.only in (None, "depmatrix"):
        report["dependency_matrix"] = bench_dependency(torch, arguments.frames,
                                                       2 if arguments.quick else 5)
    if arguments.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print_text(report)


if __name__ == "__main__":
    main()
