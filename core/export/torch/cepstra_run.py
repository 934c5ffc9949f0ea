# SPDX-License-Identifier: GPL-3.0-or-later
"""Cepstra's run folder, written from PyTorch: what Cepstra's import, run history and analyses
read back.

  RUN/experiment.json                the experiment, backend "torch" and the device(s)
  RUN/metrics.jsonl                  one JSON object per event: start, step, epoch,
                                     checkpoint, finished / cancelled / failed
  RUN/checkpoints/last.safetensors   model, optimizer state and trainer state, every epoch
  RUN/checkpoints/best.safetensors   model, whenever dev accuracy improves

Checkpoint tensors are "layers.<state_dict name>", the optimizer's "optimizer.<state>.layers.
<name>" and "optimizer.step"; the metadata holds "format": "pt", "cepstra.experiment",
"cepstra.step" and, in last, "cepstra.state". Every file is written to a temporary sibling,
synced and renamed, so a killed run leaves whole files. The safetensors package is used when
it is installed; otherwise the small writer below writes the same format.
"""
import json
import math
import os
import struct
import tempfile

import torch

LAST = "checkpoints/last.safetensors"
BEST = "checkpoints/best.safetensors"


def write_atomically(path, data):
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".",
                                     suffix=".partial", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(temporary, 0o666 & ~umask)     # mkstemp's 0600 is not what a run wants
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def safetensors_bytes(tensors, metadata):
    """The .safetensors encoding of {name: tensor} (float32 or int64, C order)."""
    try:
        from safetensors.torch import save
        return save({n: t.contiguous() for n, t in tensors.items()}, metadata=metadata)
    except ImportError:
        pass
    dtypes = {torch.float32: "F32", torch.int64: "I64"}
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        blob = tensor.detach().cpu().contiguous().numpy().astype(
            "<f4" if tensor.dtype == torch.float32 else "<i8").tobytes()
        header[name] = {"dtype": dtypes[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)     # the buffer starts 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def number(value):
    """A float for JSON: non-finite numbers are null, as Cepstra writes them."""
    value = float(value)
    return value if math.isfinite(value) else None


class MetricsLog:
    """metrics.jsonl, appended a whole line at a time (one write each)."""
    def __init__(self, path, keep_lines):
        lines = []
        if keep_lines and os.path.exists(path):
            with open(path, "rb") as f:
                lines = [line for line in f.read().split(b"\n") if line][:keep_lines]
        write_atomically(path, b"".join(line + b"\n" for line in lines))
        self.lines = len(lines)
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND)

    def append(self, event):
        os.write(self.fd, (json.dumps(event, separators=(", ", ": ")) + "\n").encode())
        self.lines += 1

    def sync(self):
        os.fsync(self.fd)

    def close(self):
        os.close(self.fd)


def state_dict_tensors(net):
    """The model's tensors under Cepstra's names (num_batches_tracked as a scalar int64)."""
    return {"layers." + name: tensor.detach().cpu()
            for name, tensor in net.state_dict().items()}


def optimizer_tensors(net, optimizer):
    """torch.optim's state under Cepstra's names: exp_avg and exp_avg_sq (Adam, AdamW) or
    momentum_buffer (SGD) per parameter, and the optimizer's step count."""
    tensors, step = {}, 0
    for name, parameter in net.named_parameters():
        state = optimizer.state.get(parameter, {})
        for key in ("exp_avg", "exp_avg_sq", "momentum_buffer"):
            if state.get(key) is not None:
                tensors[f"optimizer.{key}.layers.{name}"] = state[key].detach().cpu()
        if "step" in state:
            step = int(state["step"])
    tensors["optimizer.step"] = torch.tensor(step, dtype=torch.int64)
    return tensors


def save_checkpoint(run_dir, best, net, optimizer, experiment_json, step, state):
    tensors = state_dict_tensors(net)
    metadata = {"format": "pt", "cepstra.experiment": experiment_json,
                "cepstra.step": str(step)}
    if not best:
        tensors.update(optimizer_tensors(net, optimizer))
        metadata["cepstra.state"] = json.dumps(state, separators=(",", ":"))
    path = os.path.join(run_dir, BEST if best else LAST)
    write_atomically(path, safetensors_bytes(tensors, metadata))


def load_last(run_dir, net, optimizer, device):
    """Restores the model and optimizer from RUN/checkpoints/last; its trainer state, or None
    without a last checkpoint (a run killed in its first epoch starts again)."""
    from model import read_safetensors
    path = os.path.join(run_dir, LAST)
    if not os.path.exists(path):
        return None
    tensors, metadata = read_safetensors(path)
    net.load_state_dict({n[len("layers."):]: t for n, t in tensors.items()
                         if n.startswith("layers.")})
    step = int(tensors["optimizer.step"])
    for name, parameter in net.named_parameters():
        state = {k: tensors[f"optimizer.{k}.layers.{name}"].to(device).clone()
                 for k in ("exp_avg", "exp_avg_sq", "momentum_buffer")
                 if f"optimizer.{k}.layers.{name}" in tensors}
        if state:
            if "exp_avg" in state:
                state["step"] = torch.tensor(float(step))
            optimizer.state[parameter] = state
    return json.loads(metadata["cepstra.state"])
