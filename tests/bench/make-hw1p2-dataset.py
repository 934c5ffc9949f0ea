#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-hw1p2-dataset.py: a synthetic dataset of HW1P2's size and layout, for the epoch
# benchmark (bench-epoch) — OUT/train-clean-100 (and, with --dev-frames, OUT/dev-clean), each
# with mfcc/*.npy (float32, frames × D) and transcript/*.npy (phoneme strings '[SOS]', one per
# frame, '[EOS]'), utterances of 1,000-2,000 frames.
#
# Labels come in phoneme-like runs of 3-9 frames over the 40 classes; a frame is its class's
# fixed random mean plus unit noise, so a model learns something and accuracy is meaningful.
# Vectorized numpy, written utterance by utterance in blocks: 36 M frames (4 GB of features)
# take a few tens of seconds, mostly disk.
#
#   python3 tests/bench/make-hw1p2-dataset.py FRAMES OUT [--dim 28] [--dev-frames N] [--seed 0]
import argparse
import os
import sys
import time

import numpy as np

PHONEMES = np.array(
    "[SIL] AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH "
    "UH UW V W Y Z ZH".split(), dtype="<U5")
CLASSES = len(PHONEMES)  # 40
BLOCK_UTTERANCES = 256


def utterance_lengths(frames, rng):
    """Lengths of 1,000-2,000 frames summing to exactly @frames (the last may be shorter)."""
    lengths = rng.integers(1000, 2001, size=frames // 1000 + 2)
    ends = np.cumsum(lengths)
    count = int(np.searchsorted(ends, frames)) + 1
    lengths = lengths[:count]
    lengths[-1] -= int(ends[count - 1] - frames)
    return lengths[lengths > 0]


def block_labels(n, rng):
    """@n labels in runs of 3-9 frames."""
    runs = rng.integers(3, 10, size=n // 3 + 1)
    ids = rng.integers(0, CLASSES, size=runs.size)
    return np.repeat(ids, runs)[:n].astype(np.int64)


def write_partition(folder, frames, dim, means, rng):
    mfcc = os.path.join(folder, "mfcc")
    transcript = os.path.join(folder, "transcript")
    os.makedirs(mfcc, exist_ok=True)
    os.makedirs(transcript, exist_ok=True)
    lengths = utterance_lengths(frames, rng)
    sos_eos = np.array(["[SOS]", "[EOS]"], dtype="<U5")
    index = 0
    for start in range(0, lengths.size, BLOCK_UTTERANCES):
        block = lengths[start:start + BLOCK_UTTERANCES]
        total = int(block.sum())
        labels = block_labels(total, rng)
        features = rng.standard_normal((total, dim), dtype=np.float32)
        features += means[labels]
        symbols = PHONEMES[labels]
        offset = 0
        for length in block:
            name = "utt-%06d.npy" % index
            np.save(os.path.join(mfcc, name), features[offset:offset + length])
            np.save(os.path.join(transcript, name),
                    np.concatenate((sos_eos[:1], symbols[offset:offset + length], sos_eos[1:])))
            offset += int(length)
            index += 1
    return index


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("frames", type=int, help="training frames (HW1P2: 36091157)")
    parser.add_argument("out", help="dataset folder to create")
    parser.add_argument("--dim", type=int, default=28, help="coefficients per frame")
    parser.add_argument("--dev-frames", type=int, default=0, help="also write dev-clean")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.frames < 1 or args.dim < 1 or args.dev_frames < 0:
        sys.exit("make-hw1p2-dataset.py: frames and dim must be positive")
    if os.path.exists(os.path.join(args.out, "train-clean-100")):
        sys.exit("make-hw1p2-dataset.py: %s already holds train-clean-100" % args.out)

    rng = np.random.default_rng(args.seed)
    means = (rng.standard_normal((CLASSES, args.dim)) * 1.5).astype(np.float32)
    started = time.monotonic()
    count = write_partition(os.path.join(args.out, "train-clean-100"), args.frames, args.dim,
                            means, rng)
    print("train-clean-100: %d frames in %d utterances" % (args.frames, count))
    if args.dev_frames > 0:
        count = write_partition(os.path.join(args.out, "dev-clean"), args.dev_frames, args.dim,
                                means, rng)
        print("dev-clean: %d frames in %d utterances" % (args.dev_frames, count))
    print("written in %.1f s" % (time.monotonic() - started))


if __name__ == "__main__":
    main()
