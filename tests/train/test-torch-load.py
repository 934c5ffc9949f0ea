#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A Cepstra checkpoint loads into torch.nn.Sequential with the snippet the README shows
# (load_cepstra_checkpoint below, kept verbatim in sync with it), strictly: every tensor
# name, shape and dtype matches, and the model computes Cepstra's evaluation-mode logits.
#
#   test-torch-load.py PATH/TO/torch-checkpoint [conv | residual]
#
# Exit status 77 (skipped) when numpy or torch cannot be imported.
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


# --- the README snippet -------------------------------------------------------------------
class FrameLayerNorm(torch.nn.LayerNorm):
    """nn.LayerNorm over each frame's channels of the flat (rows, frames·channels) input."""
    def forward(self, x):
        return super().forward(x.unflatten(1, (-1, self.normalized_shape[0]))).flatten(1)


class FrameMajor:
    """Cepstra keeps a window frame-major and flat: a row is (frames, channels) read as one
    vector, as the MLP's input always was. torch's Conv1d and pools want (batch, channels,
    frames), so these modules take and give Cepstra's rows; their tensors are torch's own."""
    def forward(self, x):
        x = x.view(x.shape[0], -1, self.frame_channels).transpose(1, 2)
        return super().forward(x).transpose(1, 2).flatten(1)


class FrameConv1d(FrameMajor, torch.nn.Conv1d):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frame_channels = self.in_channels


class FrameMaxPool1d(FrameMajor, torch.nn.MaxPool1d):
    def __init__(self, channels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frame_channels = channels


class FrameAvgPool1d(FrameMajor, torch.nn.AvgPool1d):
    def __init__(self, channels, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frame_channels = channels


class Residual(torch.nn.Module):
    """x + body(x): a "residual" block and the blocks after it that it wraps."""
    def __init__(self, *body):
        super().__init__()
        self.body = torch.nn.Sequential(*body)

    def forward(self, x):
        return x + self.body(x)


def load_cepstra_checkpoint(path):
    """A Cepstra .safetensors checkpoint as (torch.nn.Sequential in eval mode, experiment)."""
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    dtypes = {"F32": "<f4", "I64": "<i8"}
    state = {}
    for name, info in header.items():
        if not name.startswith("layers."):      # skips __metadata__ and optimizer.*
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[info["dtype"]])
        state[name[len("layers."):]] = torch.from_numpy(array.reshape(info["shape"]).copy())
    experiment = json.loads(header["__metadata__"]["cepstra.experiment"])
    model = experiment["model"]
    past = model.get("context_past", model["context"])       # asymmetric windows only
    future = model.get("context_future", model["context"])
    frames, channels = past + future + 1, model["feature_dim"]  # until a linear or flatten
    width = frames * channels
    simple = {"relu": torch.nn.ReLU, "gelu": torch.nn.GELU, "silu": torch.nn.SiLU,
              "mish": torch.nn.Mish, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
              "identity": torch.nn.Identity}
    layers = []
    body = None                     # a residual's: (its first module, how many blocks)
    for block in model["blocks"]:
        kind = block["type"]
        if kind == "residual":
            body = (len(layers), block["blocks"])
            continue
        if kind == "linear":
            layers.append(torch.nn.Linear(width, block["width"], bias=block["bias"]))
            width = channels = block["width"]
        elif kind == "flatten":
            layers.append(torch.nn.Flatten())
            channels = width
        elif kind == "layer_norm":
            norm = torch.nn.LayerNorm if channels == width else FrameLayerNorm
            layers.append(norm(channels, eps=block["eps"],
                               elementwise_affine=block["elementwise_affine"]))
        elif kind == "conv1d":
            reach = block["dilation"] * (block["kernel"] - 1) + 1
            layers.append(FrameConv1d(channels, block["out_channels"], block["kernel"],
                                      stride=block["stride"], dilation=block["dilation"],
                                      padding=block["padding"], bias=block["bias"]))
            if block["padding"] == "valid":
                frames = (frames - reach) // block["stride"] + 1
            channels = block["out_channels"]
            width = frames * channels
        elif kind in ("max_pool1d", "avg_pool1d"):
            pool = FrameMaxPool1d if kind == "max_pool1d" else FrameAvgPool1d
            layers.append(pool(channels, block["kernel"], stride=block["stride"]))
            frames = (frames - block["kernel"]) // block["stride"] + 1
            width = frames * channels
        elif kind == "batch_norm":
            layers.append(torch.nn.BatchNorm1d(width, eps=block["eps"],
                                               momentum=block["momentum"]))
        elif kind == "dropout":
            layers.append(torch.nn.Dropout(block["p"]))
        elif kind == "leaky_relu":
            layers.append(torch.nn.LeakyReLU(block["slope"]))
        else:
            layers.append(simple[kind]())
        if body is not None and len(layers) - body[0] == body[1]:
            layers[body[0]:] = [Residual(*layers[body[0]:])]
            body = None
    layers.append(torch.nn.Linear(width, model["classes"], bias=model["head"]["bias"]))
    net = torch.nn.Sequential(*layers)
    net.load_state_dict(state)      # strict: every name and shape must match
    return net.eval(), experiment
# ------------------------------------------------------------------------------------------


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


def check_logits(folder, prefix, batch_norms):
    """The checkpoint OUT/<prefix>checkpoint loads and computes Cepstra's logits."""
    checkpoint = os.path.join(folder, prefix + "checkpoint.safetensors")
    net, experiment = load_cepstra_checkpoint(checkpoint)
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


def check_gradients(folder, prefix):
    """torch's gradient of the mean cross-entropy matches Cepstra's for every parameter."""
    checkpoint = os.path.join(folder, prefix + "checkpoint.safetensors")
    net, experiment = load_cepstra_checkpoint(checkpoint)
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
    with tempfile.TemporaryDirectory(prefix="cep-torch-load-") as folder:
        subprocess.run([sys.argv[1], folder] + sys.argv[2:], check=True)
        if sys.argv[2:] == ["conv"]:
            check_logits(folder, "", batch_norms=1)
            print("ok")
            return
        if sys.argv[2:] == ["residual"]:
            check_logits(folder, "", batch_norms=1)
            check_gradients(folder, "")
            print("ok")
            return
        check_logits(folder, "", batch_norms=2)
        check_logits(folder, "normed-", batch_norms=0)
        check_gradients(folder, "normed-")
    print("ok")


if __name__ == "__main__":
    main()
