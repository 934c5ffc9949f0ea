# SPDX-License-Identifier: GPL-3.0-or-later
"""The numpy baseline for bench-load: what an HW1P2 notebook does to load a partition.

np.load every feature file, per-utterance CMVN (population std, the same 1e-5 floor as
Cepstra), concatenate, and map the transcripts (without [SOS]/[EOS]) to class ids with a
vectorized lookup. Run with Debian's Python: /usr/bin/python3 bench-load-numpy.py PARTITION
[--runs N]. Prints one line per run and the medians of wall and CPU time, in seconds.
With --serve it loads once untimed, then times one load per line read from stdin and
answers "WALL CPU" (bench-load drives it this way to interleave its runs).
"""
import sys
import argparse
import os
import statistics
import time

import numpy as np

PHONEMES = [
    "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
    "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
    "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
    "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
    "[SOS]", "[EOS]",
]


def load_partition(folder):
    mfcc_dir = os.path.join(folder, "mfcc")
    transcript_dir = os.path.join(folder, "transcript")
    names = sorted(os.listdir(mfcc_dir))
    order = np.argsort(PHONEMES)
    sorted_symbols = np.array(PHONEMES)[order]

    features, labels = [], []
    for name in names:
        x = np.load(os.path.join(mfcc_dir, name))
        std = np.maximum(x.std(axis=0), np.float32(1e-5))
        features.append((x - x.mean(axis=0)) / std)
        symbols = np.load(os.path.join(transcript_dir, name))[1:-1]
        labels.append(order[np.searchsorted(sorted_symbols, symbols)].astype(np.uint8))
    return np.concatenate(features), np.concatenate(labels)


def timed_load(folder):
    start, cpu_start = time.perf_counter(), time.process_time()
    x, y = load_partition(folder)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return wall, cpu, x.shape[0], y.shape[0]


def serve(folder):
    timed_load(folder)
    for _ in sys.stdin:
        wall, cpu, _, _ = timed_load(folder)
        print(f"{wall:.6f} {cpu:.6f}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("partition")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serve", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve(args.partition)
        return

    times, cpu_times = [], []
    for run in range(args.runs):
        wall, cpu, n_frames, n_labels = timed_load(args.partition)
        times.append(wall)
        cpu_times.append(cpu)
        print(f"numpy run {run}: {wall:.3f} s ({n_frames} frames, {n_labels} labels)")
    print(f"numpy median: {statistics.median(times):.4f}")
    print(f"numpy median cpu: {statistics.median(cpu_times):.4f}")


if __name__ == "__main__":
    main()
