# SPDX-License-Identifier: GPL-3.0-or-later
"""The network of a Cepstra experiment as a torch.nn.Sequential.

Its state_dict names are Cepstra's checkpoint tensor names without the "layers." prefix
("0.weight", "1.running_mean", ...), so a Cepstra checkpoint loads with strict=True and a
checkpoint written here opens in Cepstra. This file is the one source of truth: Cepstra's
PyTorch export copies it verbatim, and Cepstra's own tests load its checkpoints with it.

The input is the context window flattened frame by frame: (past + future + 1) frames of D
channels, frame t-past first. Blocks see it as frames × channels until a linear or flatten
makes it one vector. Convolutions and pools keep Cepstra's frame-major rows, so the torch
modules are wrapped with a transpose on each side; their tensors are torch's own.
"""
import json
import math
import struct

import torch


class FrameLayerNorm(torch.nn.LayerNorm):
    """nn.LayerNorm over each frame's channels of the flat (rows, frames·channels) input."""
    def forward(self, x):
        return super().forward(x.unflatten(1, (-1, self.normalized_shape[0]))).flatten(1)


class FrameMajor:
    """A row is (frames, channels) read as one vector; torch's Conv1d and pools want
    (batch, channels, frames): these modules take and give Cepstra's rows."""
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
    """x + body(x): a "residual" block and the blocks after it that it wraps (its body, whose
    tensors are named body.J.*)."""
    def __init__(self, *body):
        super().__init__()
        self.body = torch.nn.Sequential(*body)

    def forward(self, x):
        return x + self.body(x)


ACTIVATIONS = {"relu": torch.nn.ReLU, "gelu": torch.nn.GELU, "silu": torch.nn.SiLU,
               "mish": torch.nn.Mish, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
               "identity": torch.nn.Identity}

# Every block type this file builds; Cepstra's exporter refuses an experiment with another.
BLOCK_TYPES = ("linear", "flatten", "layer_norm", "conv1d", "max_pool1d", "avg_pool1d",
               "batch_norm", "dropout", "leaky_relu", "residual") + tuple(ACTIVATIONS)


def window_frames(model):
    """Frames of the input window: past + future + 1 (context K on each side by default)."""
    past = model.get("context_past", model["context"])
    future = model.get("context_future", model["context"])
    return past, future


class Shape:
    """What the next block sees: frames × channels, or one vector (channels == width)."""
    def __init__(self, frames, channels):
        self.frames, self.channels = frames, channels
        self.width = frames * channels

    def flat(self, width):
        self.frames, self.channels, self.width = 1, width, width


def build_block(block, shape):
    """The torch module of one block of experiment.json's model.blocks; updates @shape."""
    kind = block["type"]
    if kind == "linear":
        module = torch.nn.Linear(shape.width, block["width"], bias=block["bias"])
        module.cepstra_fans = (shape.width, block["width"])
        shape.flat(block["width"])
        return module
    if kind == "flatten":
        shape.flat(shape.width)
        return torch.nn.Flatten()
    if kind == "layer_norm":
        norm = torch.nn.LayerNorm if shape.channels == shape.width else FrameLayerNorm
        return norm(shape.channels, eps=block["eps"],
                    elementwise_affine=block["elementwise_affine"])
    if kind == "conv1d":
        reach = block["dilation"] * (block["kernel"] - 1) + 1
        module = FrameConv1d(shape.channels, block["out_channels"], block["kernel"],
                             stride=block["stride"], dilation=block["dilation"],
                             padding=block["padding"], bias=block["bias"])
        module.cepstra_fans = (shape.channels * block["kernel"],
                               block["out_channels"] * block["kernel"])
        frames = shape.frames
        if block["padding"] == "valid":
            frames = (frames - reach) // block["stride"] + 1
        shape.__init__(frames, block["out_channels"])
        return module
    if kind in ("max_pool1d", "avg_pool1d"):
        pool = FrameMaxPool1d if kind == "max_pool1d" else FrameAvgPool1d
        module = pool(shape.channels, block["kernel"], stride=block["stride"])
        shape.__init__((shape.frames - block["kernel"]) // block["stride"] + 1, shape.channels)
        return module
    if kind == "batch_norm":
        return torch.nn.BatchNorm1d(shape.width, eps=block["eps"], momentum=block["momentum"])
    if kind == "dropout":
        return torch.nn.Dropout(block["p"])
    if kind == "leaky_relu":
        return torch.nn.LeakyReLU(block["slope"])
    if kind in ACTIVATIONS:
        return ACTIVATIONS[kind]()
    raise ValueError(f"model.blocks: block type '{kind}' is not known to this model.py")


def build_model(model):
    """torch.nn.Sequential of experiment.json's "model" object (blocks, then the head). The
    block list is flat; a residual of N blocks becomes one Residual module holding them."""
    past, future = window_frames(model)
    shape = Shape(past + future + 1, model["feature_dim"])
    layers, body = [], None         # body: (where the residual's first module is, N)
    for block in model["blocks"]:
        if block["type"] == "residual":
            body = (len(layers), block["blocks"])
            continue
        layers.append(build_block(block, shape))
        if body is not None and len(layers) - body[0] == body[1]:
            layers[body[0]:] = [Residual(*layers[body[0]:])]
            body = None
    head = torch.nn.Linear(shape.width, model["classes"], bias=model["head"]["bias"])
    head.cepstra_fans = (shape.width, model["classes"])
    layers.append(head)
    return torch.nn.Sequential(*layers)


def init_weights(net, model):
    """Cepstra's initializations, drawn by torch's generator (Cepstra's own draws come from a
    counter-based generator, so the numbers differ but not their distribution). Biases start
    at zero except with torch_default, as in Cepstra."""
    settings = [b for b in model["blocks"] if b["type"] in ("linear", "conv1d")]
    settings.append(model["head"])
    trained = [m for m in net.modules() if hasattr(m, "cepstra_fans")]   # in block order
    for module, setting in zip(trained, settings):
        fan_in, fan_out = module.cepstra_fans
        init = setting.get("init", "glorot_uniform")
        with torch.no_grad():
            if init == "glorot_uniform":
                module.weight.uniform_(-math.sqrt(6 / (fan_in + fan_out)),
                                       math.sqrt(6 / (fan_in + fan_out)))
            elif init == "kaiming_uniform":
                module.weight.uniform_(-math.sqrt(6 / fan_in), math.sqrt(6 / fan_in))
            elif init == "kaiming_normal":
                module.weight.normal_(0.0, math.sqrt(2 / fan_in))
            elif init == "normal":
                module.weight.normal_(0.0, setting["std"])
            elif init == "torch_default":
                bound = 1 / math.sqrt(fan_in)
                module.weight.uniform_(-bound, bound)
                if module.bias is not None:
                    module.bias.uniform_(-bound, bound)
                continue
            else:
                raise ValueError(f"initialization '{init}' is not known to this model.py")
            if module.bias is not None:
                module.bias.zero_()


def read_safetensors(path):
    """(tensors by name as torch tensors, metadata) of a .safetensors file."""
    with open(path, "rb") as f:
        length = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(length))
        data = f.read()
    dtypes = {"F32": torch.float32, "I64": torch.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info["dtype"]])
        tensors[name] = flat.reshape(info["shape"])
    return tensors, header.get("__metadata__", {})


def load_cepstra_checkpoint(path):
    """A Cepstra .safetensors checkpoint as (torch.nn.Sequential in eval mode, experiment)."""
    tensors, metadata = read_safetensors(path)
    experiment = json.loads(metadata["cepstra.experiment"])
    net = build_model(experiment["model"])
    state = {name[len("layers."):]: t for name, t in tensors.items()
             if name.startswith("layers.")}   # optimizer.* is the optimizer's
    net.load_state_dict(state)      # strict: every name and shape must match
    return net.eval(), experiment
