#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A Cepstra checkpoint loads strictly into the torch.nn.Sequential of the model.py that
# `cepstra-cli export torch` writes (the one copy, core/export/torch/model.py, which the
# README points to): every tensor name, shape and dtype matches, and the model computes
# Cepstra's evaluation-mode logits. Each checkpoint's experiment is exported first (an
# experiment the export refuses fails the test), and together the checkpoints must hold every
# block kind the model spec has (torch-checkpoint lists them in kinds.txt).
#
#   test-torch-load.py PATH/TO/torch-checkpoint PATH/TO/cepstra-cli
#
# Exit status 77 (skipped) when numpy or torch cannot be imported.
import importlib.util
import json
import os
import struct
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as error:
    print(f"skipped: {error}")
    sys.exit(77)




def read_tensors(path):
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name != "__metadata__":
            begin, end = info["data_offsets"]
            out[name] = np.frombuffer(data[begin:end], "<f4").reshape(info["shape"])
    return out


ACTIVATIONS = {"relu", "leaky_relu", "gelu", "silu", "mish", "sigmoid", "tanh", "identity"}


def export_model(cli, folder, prefix):
    """The model.py module of `cepstra-cli export torch` of the checkpoint's experiment."""
    checkpoint = os.path.join(folder, prefix + "checkpoint.safetensors")
    with open(checkpoint, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        experiment = json.loads(f.read(length))["__metadata__"]["cepstra.experiment"]
    source = os.path.join(folder, prefix + "experiment.json")
    project = os.path.join(folder, prefix + "project")
    with open(source, "w") as f:
        f.write(experiment)
    subprocess.run([cli, "export", "torch", source, "--out", project], check=True)
    spec = importlib.util.spec_from_file_location(prefix + "model",
                                                  os.path.join(project, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kinds = {"activation" if b["type"] in ACTIVATIONS else b["type"]
             for b in json.loads(experiment)["model"]["blocks"]}
    return module, kinds


def check_logits(model, folder, prefix, batch_norms):
    """The checkpoint OUT/<prefix>checkpoint loads and computes Cepstra's logits."""
    checkpoint = os.path.join(folder, prefix + "checkpoint.safetensors")
    net, experiment = model.load_cepstra_checkpoint(checkpoint)
    expected = read_tensors(os.path.join(folder, prefix + "expected.safetensors"))
    print(net)
    tracked = [m.num_batches_tracked.item() for m in net.modules()
               if isinstance(m, torch.nn.BatchNorm1d)]
    assert tracked == [4] * batch_norms, tracked
    with torch.no_grad():
        logits = net(torch.from_numpy(expected["inputs"].copy())).numpy()
    error = np.abs(logits - expected["logits"]).max()
    print(f"max |torch - cepstra| = {error:.3g}")
    assert np.allclose(logits, expected["logits"], rtol=1e-5, atol=1e-5), error


def check_gradients(model, folder, prefix):
    """torch's gradient of the mean cross-entropy matches Cepstra's for every parameter."""
    checkpoint = os.path.join(folder, prefix + "checkpoint.safetensors")
    net, experiment = model.load_cepstra_checkpoint(checkpoint)
    expected = read_tensors(os.path.join(folder, prefix + "expected.safetensors"))
    net.train()
    inputs = torch.from_numpy(expected["inputs"].copy())
    labels = torch.from_numpy(expected["labels"].astype(np.int64))
    torch.nn.functional.cross_entropy(net(inputs), labels).backward()
    for name, parameter in net.named_parameters():
        want = expected["grad.layers." + name]
        error = np.abs(parameter.grad.numpy() - want).max()
        print(f"{name}: max |torch - cepstra| gradient = {error:.3g}")
        assert np.allclose(parameter.grad.numpy(), want, rtol=1e-4, atol=1e-6), (name, error)


def main():
    maker, cli = sys.argv[1], sys.argv[2]
    covered = set()
    with tempfile.TemporaryDirectory(prefix="cep-torch-load-") as folder:
        subprocess.run([maker, folder], check=True)
        with open(os.path.join(folder, "kinds.txt")) as f:
            every_kind = set(f.read().split())
        for prefix, batch_norms in (("", 2), ("normed-", 0)):
            model, kinds = export_model(cli, folder, prefix)
            covered |= kinds
            check_logits(model, folder, prefix, batch_norms)
        check_gradients(model, folder, "normed-")
    with tempfile.TemporaryDirectory(prefix="cep-torch-load-conv-") as folder:
        subprocess.run([maker, folder, "conv"], check=True)
        model, kinds = export_model(cli, folder, "")
        covered |= kinds
        check_logits(model, folder, "", batch_norms=1)
    with tempfile.TemporaryDirectory(prefix="cep-torch-load-residual-") as folder:
        subprocess.run([maker, folder, "residual"], check=True)
        model, kinds = export_model(cli, folder, "")
        covered |= kinds
        check_logits(model, folder, "", batch_norms=1)
        check_gradients(model, folder, "")
    missing = every_kind - covered
    assert not missing, f"no checkpoint of the test holds the block kinds {sorted(missing)}"
    print("block kinds loaded:", " ".join(sorted(covered)))
    print("ok")


if __name__ == "__main__":
    main()
