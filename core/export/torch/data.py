# SPDX-License-Identifier: GPL-3.0-or-later
"""An HW1P2-style dataset as Cepstra's batch producer reads it.

  DATASET/<partition>/mfcc/*.npy         float32 frames × coefficients
  DATASET/<partition>/transcript/*.npy   phoneme strings ([SOS] … [EOS]) or integer ids

Utterances are taken in file-name order. Each is normalized on its own (per-utterance CMVN:
mean and population standard deviation over its frames, the deviation floored at 1e-5), and
surrounded by zero frames, so the window of frame t is frames t-past … t+future with zeros
beyond the utterance's edges, flattened frame by frame. Transcripts lose a leading start and
a trailing end token and must then have one label per frame.

Subset: every n-th frame is kept first (global frame index % n == 0), then a fixed random
fraction of those (round(fraction × count), at least one), the same every epoch. SpecAugment:
per sample (or one per batch), with the configured probability, 0 … max frequency bands of
min … max coefficients and 0 … max time bands of min … max window frames are zeroed.
Cepstra draws the subset and the masks from its own counter-based generator; here they come
from torch's and numpy's, so they are the same kind of draw but not the same frames.
"""
import os

import numpy as np
import torch

KNOWN_PARTITIONS = ("train-clean-100", "dev-clean", "test-clean")
STDDEV_FLOOR = 1e-5


class PhonemeTable:
    """Cepstra's phoneme table file: one symbol per line, aliases after it, '#' comments;
    [SOS]/<sos> and [EOS]/<eos> are boundary tokens after every target symbol."""
    def __init__(self, path):
        self.ids, self.sos, self.eos = {}, -1, -1
        with open(path, encoding="utf-8") as f:
            lines = [line.split("#", 1)[0].split() for line in f]
        for index, spellings in enumerate(line for line in lines if line):
            for spelling in spellings:
                self.ids[spelling] = index
            if spellings[0] in ("[SOS]", "<sos>"):
                self.sos = index
            elif spellings[0] in ("[EOS]", "<eos>"):
                self.eos = index

    def labels(self, transcript, path):
        if transcript.dtype.kind in "US":
            values = transcript.astype(str)
            unknown = [s for s in set(values.tolist()) if s not in self.ids]
            if unknown:
                raise ValueError(f"{path}: unknown phoneme '{unknown[0]}'")
            ids = np.array([self.ids[s] for s in values.tolist()], dtype=np.int64)
        elif transcript.dtype.kind in "iu":
            ids = transcript.astype(np.int64)
        else:
            raise ValueError(f"{path}: transcript has dtype {transcript.dtype}, "
                             "expected strings or integers")
        front = 1 if len(ids) > 0 and self.sos >= 0 and ids[0] == self.sos else 0
        back = 1 if len(ids) > front and self.eos >= 0 and ids[-1] == self.eos else 0
        return ids[front:len(ids) - back]


def partitions(root):
    """The partitions of a dataset: folders holding mfcc/, known names first."""
    names = sorted(n for n in os.listdir(root) if os.path.isdir(os.path.join(root, n, "mfcc")))
    rank = {name: i for i, name in enumerate(KNOWN_PARTITIONS)}
    return sorted(names, key=lambda n: (rank.get(n, len(KNOWN_PARTITIONS)), n))


def find_partition(root, wanted, preferred, prefix):
    """The partition an experiment names, or Cepstra's default: @preferred when labelled,
    else the first labelled one whose name starts with @prefix."""
    if wanted:
        return wanted
    labelled = [n for n in partitions(root) if os.path.isdir(os.path.join(root, n, "transcript"))]
    if preferred in labelled:
        return preferred
    return next((n for n in labelled if n.startswith(prefix)), None)


def normalize(frames):
    mean = frames.mean(axis=0, dtype=np.float64)
    stddev = np.maximum(np.sqrt(((frames - mean) ** 2).mean(axis=0)), STDDEV_FLOOR)
    return ((frames - mean) / stddev).astype(np.float32)


class Partition:
    """A partition loaded into one zero-padded frame store: utterance u's frames sit between
    @past zero frames before and @future after, so window starts are store[start : start+T]."""
    def __init__(self, root, name, table, past, future, cmvn=True):
        folder = os.path.join(root, name)
        files = sorted(f for f in os.listdir(os.path.join(folder, "mfcc")) if f.endswith(".npy"))
        if not files:
            raise ValueError(f"{folder}/mfcc: no .npy files")
        pieces, starts, labels, row = [], [], [], 0
        for file in files:
            path = os.path.join(folder, "mfcc", file)
            frames = np.load(path, allow_pickle=False).astype(np.float32)
            if frames.ndim != 2:
                raise ValueError(f"{path}: expected frames × coefficients, got {frames.shape}")
            if cmvn:
                frames = normalize(frames)
            transcript = os.path.join(folder, "transcript", file)
            if table is not None:
                ids = table.labels(np.load(transcript, allow_pickle=False), transcript)
                if len(ids) != len(frames):
                    raise ValueError(f"{transcript}: {len(ids)} labels for {len(frames)} frames")
                labels.append(ids)
            zeros = lambda n: np.zeros((n, frames.shape[1]), np.float32)
            pieces += [zeros(past), frames, zeros(future)]
            starts.append(np.arange(len(frames)) + row)   # window of frame t starts at t
            row += past + len(frames) + future
        self.store = torch.from_numpy(np.concatenate(pieces))
        self.starts = torch.from_numpy(np.concatenate(starts))
        self.labels = torch.from_numpy(np.concatenate(labels)) if labels else None
        self.frames = past + future + 1
        self.dim = self.store.shape[1]

    def __len__(self):
        return len(self.starts)

    def windows(self, frames):
        """The flattened windows of global frame indices @frames (a LongTensor)."""
        offsets = self.starts[frames][:, None] + torch.arange(self.frames)[None, :]
        return self.store[offsets].reshape(len(frames), self.frames * self.dim)


def select_frames(n_frames, every, fraction, seed):
    """Cepstra's subset rule: every n-th frame, then a fixed random fraction of those."""
    candidates = np.arange(0, n_frames, every)
    if fraction >= 1.0:
        return candidates
    wanted = max(int(round(fraction * len(candidates))), 1)
    chosen = np.random.default_rng(seed).choice(len(candidates), wanted, replace=False)
    return candidates[np.sort(chosen)]


class SelectedFrames(torch.utils.data.Dataset):
    """The selected frame indices; DistributedSampler shuffles and shards its positions."""
    def __init__(self, frames):
        self.frames = torch.as_tensor(frames, dtype=torch.long)

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, index):
        return self.frames[index]


def draw_bands(generator, count, masks_max, width_min, width_max, extent):
    """(starts, widths) of up to @masks_max bands for @count samples; unused bands width 0."""
    n = torch.randint(0, masks_max + 1, (count, 1), generator=generator)
    widths = torch.randint(width_min, width_max + 1, (count, masks_max), generator=generator)
    widths = widths.clamp(max=extent)
    starts = (torch.rand((count, masks_max), generator=generator) *
              (extent - widths + 1)).long()
    widths = torch.where(torch.arange(masks_max)[None, :] < n, widths, 0)
    return starts, widths


def band_mask(starts, widths, extent):
    """True where any band covers a position: (samples, extent)."""
    position = torch.arange(extent)[None, None, :]
    inside = (position >= starts[:, :, None]) & (position < (starts + widths)[:, :, None])
    return inside.any(dim=1)


def apply_masks(windows, spec, frames, dim, generator):
    """SpecAugment on flattened windows, in place: frequency bands over coefficients of every
    frame, time bands over frames of every coefficient."""
    if not spec.get("enabled"):
        return windows
    count = 1 if spec["per_batch"] else len(windows)
    masked = torch.rand(count, generator=generator) < spec["probability"]
    fs, fw = draw_bands(generator, count, spec["freq_masks_max"], spec["freq_width_min"],
                        spec["freq_width_max"], dim)
    ts, tw = draw_bands(generator, count, spec["time_masks_max"], spec["time_width_min"],
                        spec["time_width_max"], frames)
    freq = band_mask(fs, fw, dim)[:, None, :]
    time = band_mask(ts, tw, frames)[:, :, None]
    zero = (freq | time) & masked[:, None, None]
    view = windows.view(len(windows), frames, dim)
    view.masked_fill_(zero.expand(len(windows), frames, dim), 0.0)
    return windows
