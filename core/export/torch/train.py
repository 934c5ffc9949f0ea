#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Trains the experiment of this folder with PyTorch, on one process or many under torchrun
(DistributedDataParallel: gloo on CPU, NCCL on CUDA), into a Cepstra run folder.

  python3 train.py --data DATASET --out RUNDIR            one process (a GPU if there is one)
  torchrun --nproc-per-node N train.py --data DATASET --out RUNDIR
  ... --resume                                            continue RUNDIR from its last epoch

README.md says what is the same as in Cepstra and what cannot be.
"""
import argparse
import copy
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cepstra_run  # noqa: E402
import data  # noqa: E402
from model import build_model, init_weights, window_frames  # noqa: E402


class Schedule:
    """Cepstra's learning rate: a per-epoch schedule (constant, StepLR, CosineAnnealingLR,
    ReduceLROnPlateau with a relative threshold and no cooldown) times a linear warmup over
    the first optimizer steps (step i < warmup uses lr·(i+1)/warmup)."""
    def __init__(self, config, base_lr, epochs):
        self.c, self.base_lr, self.epochs = config, base_lr, epochs
        self.plateau_lr = base_lr
        self.best = -math.inf if config["monitor"] == "dev_accuracy" else math.inf
        self.bad_epochs = 0

    def epoch_lr(self, epoch):
        c = self.c
        if c["type"] == "step":
            return self.base_lr * c["gamma"] ** (epoch // max(c["step_size"], 1))
        if c["type"] == "cosine":
            t_max = c["t_max"] or max(self.epochs, 1)
            return c["eta_min"] + (self.base_lr - c["eta_min"]) * (
                1 + math.cos(math.pi * epoch / t_max)) / 2
        if c["type"] == "plateau":
            return self.plateau_lr
        return self.base_lr

    def lr(self, epoch, step):
        lr = self.epoch_lr(epoch)
        if step < self.c["warmup_steps"]:
            lr *= (step + 1) / self.c["warmup_steps"]
        return lr

    def epoch_end(self, loss, accuracy):
        c = self.c
        if c["type"] != "plateau":
            return
        maximize = c["monitor"] == "dev_accuracy"
        value = accuracy if maximize else loss
        better = (value > self.best * (1 + c["threshold"]) if maximize
                  else value < self.best * (1 - c["threshold"]))
        if better:
            self.best, self.bad_epochs = value, 0
        else:
            self.bad_epochs += 1
        if self.bad_epochs <= c["patience"]:
            return
        reduced = max(self.plateau_lr * c["factor"], c["min_lr"])
        if self.plateau_lr - reduced > 1e-8:
            self.plateau_lr = reduced
        self.bad_epochs = 0


def make_optimizer(parameters, config):
    kind = config["type"]
    if kind == "adamw":
        return torch.optim.AdamW(parameters, lr=config["lr"], betas=tuple(config["betas"]),
                                 eps=config["eps"], weight_decay=config["weight_decay"])
    if kind == "adam":
        return torch.optim.Adam(parameters, lr=config["lr"], betas=tuple(config["betas"]),
                                eps=config["eps"], weight_decay=config["weight_decay"])
    return torch.optim.SGD(parameters, lr=config["lr"], momentum=config["momentum"],
                           dampening=config["dampening"], weight_decay=config["weight_decay"],
                           nesterov=config["nesterov"])


class Distributed:
    """This process's place: rank and world size (1 without torchrun) and its device."""
    def __init__(self, force_cpu):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() and not force_cpu
        self.device = torch.device(f"cuda:{local}" if cuda else "cpu")
        self.backend = "nccl" if cuda else "gloo"
        if cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            dist.init_process_group(self.backend)

    def describe(self):
        if self.device.type == "cuda":
            name = torch.cuda.get_device_name(self.device)
        else:
            name = "cpu"
        if self.world == 1:
            return name
        return f"{name}, {self.world} processes ({self.backend})"

    def sum(self, values):
        tensor = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(tensor)
        return tensor.tolist()

    def share_buffers(self, net):
        """Rank 0's running statistics everywhere (DDP sends them before each training
        forward, after which each process updated its own), so every process evaluates the
        model that rank 0 saves."""
        if self.world > 1:
            for buffer in net.buffers():
                dist.broadcast(buffer, 0)

    def leader(self):
        return self.rank == 0


HONEST_NOTE = (
    "Trained by Cepstra's PyTorch export ({where}). Not bit-identical to Cepstra: initial "
    "weights, the subset, the epoch order, SpecAugment masks and dropout are drawn by "
    "torch's and numpy's generators instead of Cepstra's; each of the {world} processes "
    "takes {per_rank} samples of a step (a global batch of {global_batch}; "
    "DistributedSampler repeats a few samples so every process has as many){bn}.")


def run_experiment(experiment, where, world, per_rank, uses_bn, cuda):
    """The experiment written into the run: backend torch, the device(s), and the note."""
    run = copy.deepcopy(experiment)
    run["train"]["backend"] = "torch"
    run["train"]["device"] = where
    run["train"]["threads"] = 0
    bn = ""
    if uses_bn and world > 1:
        bn = ("; batch normalization uses synchronized statistics over all processes"
              if cuda else "; batch normalization statistics are each process's own (gloo "
              "has no SyncBatchNorm), running statistics are rank 0's")
    note = HONEST_NOTE.format(where=where, world=world, per_rank=per_rank,
                              global_batch=per_rank * world, bn=bn)
    run["notes"] = note if not experiment.get("notes") else experiment["notes"] + "\n\n" + note
    return run


def evaluate(net, partition, rank, world, device, smoothing, rows=4096):
    """Loss (with the model's label smoothing, as Cepstra reports it) and accuracy over the
    whole partition in evaluation mode; each process takes a contiguous share."""
    net.eval()
    n = len(partition)
    begin, end = n * rank // world, n * (rank + 1) // world
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(begin, end, rows):
            frames = torch.arange(start, min(start + rows, end))
            logits = net(partition.windows(frames).to(device))
            labels = partition.labels[frames].to(device)
            loss_sum += F.cross_entropy(logits, labels, label_smoothing=smoothing,
                                        reduction="sum").item()
            correct += (logits.argmax(1) == labels).sum().item()
    net.train()
    return loss_sum, correct, end - begin


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="the dataset folder (HW1P2 layout)")
    parser.add_argument("--out", required=True, help="the run folder to write")
    parser.add_argument("--resume", action="store_true", help="continue --out from its last "
                        "checkpoint")
    parser.add_argument("--experiment", default=os.path.join(HERE, "experiment.json"))
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even with CUDA")
    return parser.parse_args()


class Trainer:
    def __init__(self, args, where):
        self.args, self.where = args, where
        with open(args.experiment, encoding="utf-8") as f:
            self.experiment = json.load(f)
        ex = self.experiment
        self.model_config = ex["model"]
        self.past, self.future = window_frames(self.model_config)
        self.smoothing = self.model_config.get("label_smoothing", 0.0)
        self.epochs = ex["train"]["epochs"]

    def load_data(self):
        ex, root = self.experiment, self.args.data
        table = data.PhonemeTable(os.path.join(HERE, "phonemes.txt"))
        train_name = data.find_partition(root, ex["data"]["train_partition"],
                                         "train-clean-100", "train")
        if train_name is None:
            raise ValueError(f"{root}: no labelled training partition")
        dev_name = data.find_partition(root, ex["data"]["dev_partition"], "dev-clean", "dev")
        cmvn = ex["data"]["normalize"]
        self.train = data.Partition(root, train_name, table, self.past, self.future, cmvn)
        self.dev = (data.Partition(root, dev_name, table, self.past, self.future, cmvn)
                    if dev_name else None)
        selected = data.select_frames(len(self.train), ex["data"]["subset_every"],
                                      ex["data"]["subset_fraction"], ex["seed"])
        self.selected = data.SelectedFrames(selected)


def main():
    args = parse_arguments()
    place = Distributed(args.cpu)
    trainer = Trainer(args, place.describe())
    ex = trainer.experiment
    torch.manual_seed(ex["seed"])      # every process builds the same initial weights
    net = build_model(trainer.model_config)
    init_weights(net, trainer.model_config)
    net.to(place.device)
    uses_bn = any(b["type"] == "batch_norm" for b in trainer.model_config["blocks"])
    if uses_bn and place.world > 1 and place.device.type == "cuda":
        net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
    trainer.load_data()

    batch = ex["train"]["batch_size"]
    per_rank = -(-batch // place.world)
    run = run_experiment(ex, trainer.where, place.world, per_rank, uses_bn,
                         place.device.type == "cuda")
    run_json = json.dumps(run, indent=2) + "\n"
    out = args.out
    if place.leader():
        prepare_run_folder(out, args.resume, run_json)
    module = net
    if place.world > 1:
        dist.barrier()
        net = torch.nn.parallel.DistributedDataParallel(
            net, device_ids=[place.device.index] if place.device.type == "cuda" else None)

    optimizer = make_optimizer(module.parameters(), ex["train"]["optimizer"])
    schedule = Schedule(ex["train"]["schedule"], ex["train"]["optimizer"]["lr"], trainer.epochs)
    state = cepstra_run.load_last(out, module, optimizer, place.device) if args.resume else None
    epoch, step, best, keep = 0, 0, None, 0
    if state is not None:
        epoch, step, keep = state["epochs_done"], state["step"], state["metrics_lines"]
        best = state["best_accuracy"]
        schedule.plateau_lr = state.get("plateau_lr") or schedule.plateau_lr
        if state.get("plateau_best") is not None:
            schedule.best = state["plateau_best"]
        schedule.bad_epochs = state.get("plateau_bad_epochs", 0)
    log = cepstra_run.MetricsLog(os.path.join(out, "metrics.jsonl"), keep) \
        if place.leader() else None
    started = time.monotonic()

    def emit(event, **fields):
        if log is None:
            return
        line = {"event": event, "time": time.time(), "elapsed": time.monotonic() - started,
                "epoch": fields.pop("epoch", epoch), "step": step}
        line.update({k: (cepstra_run.number(v) if isinstance(v, float) else v)
                     for k, v in fields.items()})
        log.append(line)

    sampler = torch.utils.data.distributed.DistributedSampler(
        trainer.selected, num_replicas=place.world, rank=place.rank, shuffle=True,
        seed=ex["seed"], drop_last=False)
    emit("start", backend=f"torch {torch.__version__}: {trainer.where}",
         resumed=bool(args.resume))
    try:
        while epoch < trainer.epochs:
            sums = [0.0, 0, 0]
            epoch_started = time.monotonic()
            sampler.set_epoch(epoch)
            order = torch.tensor(list(sampler), dtype=torch.long)
            masks = torch.Generator().manual_seed(ex["seed"] * 1000003 + epoch * 1009 + place.rank)
            for index, begin in enumerate(range(0, len(order), per_rank)):
                frames = trainer.selected.frames[order[begin:begin + per_rank]]
                if uses_bn and len(frames) < 2:
                    continue      # torch refuses batch normalization of one row, as Cepstra
                step_started = time.monotonic()
                lr = schedule.lr(epoch, step)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                windows = data.apply_masks(trainer.train.windows(frames), ex["augment"],
                                           trainer.train.frames, trainer.train.dim, masks)
                labels = trainer.train.labels[frames].to(place.device)
                logits = net(windows.to(place.device))
                loss = F.cross_entropy(logits, labels, label_smoothing=trainer.smoothing)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if ex["train"]["grad_clip_norm"] > 0:
                    torch.nn.utils.clip_grad_norm_(module.parameters(),
                                                   ex["train"]["grad_clip_norm"])
                optimizer.step()
                step += 1
                loss_sum, correct, n = place.sum(
                    [loss.item() * len(frames), (logits.argmax(1) == labels).sum().item(),
                     len(frames)])
                if not math.isfinite(loss_sum):
                    raise FloatingPointError(f"epoch {epoch + 1}, step {step}: the loss is "
                                             "not finite; training stopped")
                sums = [sums[0] + loss_sum, sums[1] + correct, sums[2] + n]
                emit("step", lr=lr, loss=loss_sum / n, accuracy=correct / n,
                     samples_per_second=n / max(time.monotonic() - step_started, 1e-9),
                     batch=index)
            fields = {"lr": schedule.lr(epoch, max(step, 1) - 1), "loss": sums[0] / sums[2],
                      "accuracy": sums[1] / sums[2],
                      "samples_per_second": sums[2] / (time.monotonic() - epoch_started)}
            score, monitored = fields["accuracy"], (fields["loss"], fields["accuracy"])
            if trainer.dev is not None:
                place.share_buffers(module)
                dev_loss, dev_correct, dev_n = place.sum(evaluate(
                    module, trainer.dev, place.rank, place.world, place.device,
                    trainer.smoothing))
                fields.update(dev_loss=dev_loss / dev_n, dev_accuracy=dev_correct / dev_n)
                score = fields["dev_accuracy"]
                monitored = (fields["dev_loss"], fields["dev_accuracy"])
            schedule.epoch_end(*monitored)
            emit("epoch", **fields)
            epoch += 1
            is_best = best is None or score > best
            if is_best:
                best = score
            if place.leader():
                state = {"epochs_done": epoch, "step": step, "best_accuracy": best,
                         "plateau_lr": schedule.plateau_lr,
                         "plateau_best": cepstra_run.number(schedule.best),
                         "best_is_last": is_best, "plateau_bad_epochs": schedule.bad_epochs,
                         "metrics_lines": log.lines + 1}
                for which in ([False, True] if is_best else [False]):
                    cepstra_run.save_checkpoint(out, which, module, optimizer, run_json, step,
                                                state)
                    emit("checkpoint", epoch=epoch - 1,
                         path=cepstra_run.BEST if which else cepstra_run.LAST, best=which)
                log.sync()
        emit("finished")
        if place.world > 1:
            dist.barrier()      # nobody leaves while another still talks to it
    except KeyboardInterrupt:
        emit("cancelled")
        raise
    except Exception as error:
        emit("failed", message=str(error))
        raise
    finally:
        if log is not None:
            log.sync()
            log.close()
        # After a failure no barrier: this process exits with the error, and torchrun stops
        # the others (waiting for them here would hang the ones still training).
        if place.world > 1:
            dist.destroy_process_group()


def prepare_run_folder(out, resume, run_json):
    """Creates the run folder and its experiment.json; a folder that already holds a run is
    only continued with --resume, never overwritten."""
    metrics = os.path.join(out, "metrics.jsonl")
    if os.path.exists(metrics) and not resume:
        raise SystemExit(f"{out}: already holds a run; use --resume to continue it or "
                         "choose another --out")
    if resume and not os.path.exists(os.path.join(out, "experiment.json")):
        raise SystemExit(f"{out}: no run to resume (no experiment.json)")
    os.makedirs(os.path.join(out, "checkpoints"), exist_ok=True)
    cepstra_run.write_atomically(os.path.join(out, "experiment.json"), run_json.encode())


if __name__ == "__main__":
    main()
