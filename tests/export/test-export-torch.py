#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The round trip of issue 15 on the demo dataset: Cepstra trains tiny (2 epochs, half the
# training frames); `cepstra-cli export torch` writes its PyTorch project; the project trains
# the same experiment under torchrun with 2 CPU processes (gloo) and on 1 process; the
# 2-process run is imported with `cepstra-cli import-run`, and Cepstra's predictions of its
# checkpoint are compared with the exported model's argmax in PyTorch on every dev frame.
#
#   test-export-torch.py CEPSTRA_CLI DEMO_DATASET
#
# Tolerances (final dev accuracy): the torchrun run within 2 points of Cepstra's run (another
# generator draws weights, order and subset); the 1- and 2-process runs within 1.5 points of
# each other (the same draws; DDP's per-process batches and their summation order differ).
# Exit status 77 (skipped) when numpy or torch cannot be imported.
import csv
import glob
import json
import os
import py_compile
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import torch
except ImportError as error:
    print(f"skipped: {error}")
    sys.exit(77)

CLI, DEMO = sys.argv[1], os.path.abspath(sys.argv[2])
EXPERIMENT_FLAGS = ["--preset", "tiny", "--epochs", "2", "--subset", "0.5", "--seed", "7"]


def run(command, **kwargs):
    """Runs @command; a hang (a process of a torchrun group waiting for one that failed)
    fails the test after 5 minutes instead of holding it."""
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, timeout=300, **kwargs)


def final_dev_accuracy(run_dir):
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        epochs = [json.loads(line) for line in f if '"event": "epoch"' in line]
    assert len(epochs) == 2, epochs
    return epochs[-1]["dev_accuracy"]


def check_code(project, forbidden):
    """Every Python file compiles, and no file of code or prose names this machine's paths."""
    for name in ("train.py", "data.py", "model.py", "cepstra_run.py"):
        py_compile.compile(os.path.join(project, name), doraise=True,
                           cfile=os.path.join(tempfile.gettempdir(), "cep-export-check.pyc"))
    for name in ("train.py", "data.py", "model.py", "cepstra_run.py", "README.md",
                 "phonemes.txt"):
        with open(os.path.join(project, name), encoding="utf-8") as f:
            text = f.read()
        for path in forbidden:
            assert path not in text, f"{name} names {path}"
        assert not re.search(r"(?<![\w.~])/(home|root|tmp|work|builds?)/", text), name


def torchrun_command():
    launcher = shutil.which("torchrun")
    base = [launcher] if launcher else [sys.executable, "-m", "torch.distributed.run"]
    # Debian's torch 1.13 on Python 3.11 cannot parse its own default for these two.
    return base + ["--nproc_per_node", "2", "--redirects", "1", "--tee", "1"]


def torch_predictions(project, checkpoint):
    sys.path.insert(0, project)
    import data
    from model import load_cepstra_checkpoint, window_frames
    net, experiment = load_cepstra_checkpoint(checkpoint)
    past, future = window_frames(experiment["model"])
    table = data.PhonemeTable(os.path.join(project, "phonemes.txt"))
    dev = data.Partition(DEMO, "dev-clean", table, past, future)
    with torch.no_grad():
        logits = net(dev.windows(torch.arange(len(dev))))
    return logits.argmax(1).numpy(), dev.labels.numpy()


def main():
    with tempfile.TemporaryDirectory(prefix="cep-export-torch-") as tmp:
        cepstra, project = os.path.join(tmp, "cepstra-run"), os.path.join(tmp, "project")
        two, one = os.path.join(tmp, "torch-2"), os.path.join(tmp, "torch-1")
        runs = os.path.join(tmp, "runs")
        env = dict(os.environ, OMP_NUM_THREADS="1")

        run([CLI, "train", "--data", DEMO, "--threads", "1", "--out", cepstra] + EXPERIMENT_FLAGS)
        run([CLI, "export", "torch", cepstra, "--out", project])
        check_code(project, [tmp, DEMO, os.path.dirname(os.path.abspath(CLI)), os.getcwd(),
                             os.path.expanduser("~")])

        train = [os.path.join(project, "train.py"), "--cpu", "--data", DEMO]
        run(torchrun_command() + train + ["--out", two], env=env)
        run([sys.executable] + train + ["--out", one], env=env)
        accuracy = {name: final_dev_accuracy(d) for name, d in
                    (("cepstra", cepstra), ("torchrun 2", two), ("torch 1", one))}
        print("final dev accuracy:", json.dumps(accuracy))
        assert abs(accuracy["torchrun 2"] - accuracy["cepstra"]) <= 0.02, accuracy
        assert abs(accuracy["torchrun 2"] - accuracy["torch 1"]) <= 0.015, accuracy
        with open(os.path.join(two, "experiment.json")) as f:
            written = json.load(f)
        assert written["train"]["backend"] == "torch", written["train"]
        assert "2 processes (gloo)" in written["train"]["device"], written["train"]

        out = subprocess.run([CLI, "import-run", two, "--into", runs, "--json"], check=True,
                             capture_output=True, text=True).stdout
        imported = json.loads(out)["run"]
        listing = json.loads(subprocess.run([CLI, "runs", runs, "--json"], check=True,
                                            capture_output=True, text=True).stdout)
        print(json.dumps(listing)[:400])
        csv_path = os.path.join(tmp, "dev.csv")
        run([CLI, "predict", imported, "--partition", "dev-clean", "--csv", csv_path,
             "--int-labels"])
        run([CLI, "confusion", imported, "--csv", os.path.join(tmp, "confusion.csv")])
        with open(csv_path) as f:
            rows = list(csv.DictReader(f))
        cepstra_labels = np.array([int(r["label"]) for r in rows])
        predicted, truth = torch_predictions(project, glob.glob(
            os.path.join(imported, "checkpoints", "best.safetensors"))[0])
        assert len(cepstra_labels) == len(predicted), (len(cepstra_labels), len(predicted))
        differ = int((cepstra_labels != predicted).sum())
        print(f"{len(predicted)} dev frames, {differ} predictions differ; accuracy "
              f"{(predicted == truth).mean():.4f}")
        assert differ == 0
        # The run's own evaluation saw the model its checkpoint holds.
        assert abs((predicted == truth).mean() - accuracy["torchrun 2"]) < 1e-9, \
            ((predicted == truth).mean(), accuracy["torchrun 2"])
    print("ok")


if __name__ == "__main__":
    main()
