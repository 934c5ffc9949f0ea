#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# PyTorch CPU training throughput of the tdnn preset, the counterpart of
# `bench-train --preset tdnn` (tests/bench/README.md): the same model, built with the README
# loader's frame-major modules (core/export/torch/model.py; the conv and pool layers are
# torch's own nn.Conv1d/MaxPool1d with a transpose on each side), AdamW, batch 1024, the
# median of timed steps after two warm-up steps.
#
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench-torch-tdnn.py \
#       [--threads 2] [--batch 1024] [--runs 5]
import argparse
import importlib.util
import os
import statistics
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CONTEXT, FEATURES, CLASSES = 15, 28, 42


def frame_modules():
    path = os.path.join(HERE, "..", "..", "core", "export", "torch", "model.py")
    spec = importlib.util.spec_from_file_location("torch_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tdnn():
    """core/nn/cep-model-presets.c's tdnn: 1,501,482 parameters with 42 classes."""
    frame = frame_modules()
    layers = []
    channels, frames = FEATURES, 2 * CONTEXT + 1
    for out, kernel, dilation in ((256, 5, 1), (256, 3, 2), (256, 3, 3)):
        layers += [frame.FrameConv1d(channels, out, kernel, dilation=dilation),
                   torch.nn.GELU()]
        channels, frames = out, frames - dilation * (kernel - 1)
    layers.append(frame.FrameMaxPool1d(channels, 3, stride=2))
    frames = (frames - 3) // 2 + 1
    layers += [torch.nn.Linear(frames * channels, 512), torch.nn.BatchNorm1d(512),
               torch.nn.GELU(), torch.nn.Dropout(0.25), torch.nn.Linear(512, CLASSES)]
    return torch.nn.Sequential(*layers)


def main():
    parser = argparse.ArgumentParser(description="PyTorch CPU training throughput of tdnn")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    model = tdnn()
    assert sum(p.numel() for p in model.parameters()) == 1501482
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss_function = torch.nn.CrossEntropyLoss()
    inputs = torch.rand(arguments.batch, (2 * CONTEXT + 1) * FEATURES) * 2 - 1
    labels = torch.randint(0, CLASSES, (arguments.batch,))
    model.train()
    seconds = []
    for run in range(arguments.runs + 2):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss_function(model(inputs), labels).backward()
        optimizer.step()
        if run >= 2:
            seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    print(f"PyTorch {torch.__version__}, {arguments.threads} threads, batch {arguments.batch}: "
          f"tdnn training {arguments.batch / median:.0f} samples/s "
          f"(median step {median * 1000:.0f} ms of {arguments.runs})")


if __name__ == "__main__":
    main()
