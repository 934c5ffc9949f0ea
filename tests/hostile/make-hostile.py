#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the hostile-input corpus replayed by tests/cli/test-cli-hostile.c: one folder per
# untrusted format, each file a way a classroom's files go wrong (truncated, lying about their
# size, nested without end, the wrong type, a name twice). Python's standard library only, so
# it runs anywhere; run it from the source root and commit what it writes. cases.txt, which
# says what each file must give (exit status and a phrase of the message), is kept by hand.
import json
import os
import struct
import wave

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)))


def put(kind, name, data):
    folder = os.path.join(ROOT, kind)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def npy(descr, shape, payload=b"", version=1, header=None):
    if header is None:
        header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
            descr, "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")")
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H" if version == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode("latin-1") + payload


def floats(n):
    return struct.pack("<%df" % n, *([0.5] * n))


def strings(symbols, width=5):
    return b"".join(s.ljust(width, "\0").encode("utf-32-le") for s in symbols)


# Feature files (mfcc/NAME.npy): 3 frames of 13 coefficients when valid.
put("npy", "empty.npy", b"")
put("npy", "bad-magic.npy", b"\x89PNG\r\n\x1a\n" + b"\0" * 120)
put("npy", "truncated-header.npy", npy("<f4", (3, 13))[:30])
put("npy", "data-short.npy", npy("<f4", (100, 13), floats(13 * 3)))
put("npy", "shape-overflow.npy", npy("<f4", (2 ** 62, 13), floats(39)))
put("npy", "complex.npy", npy("<c8", (3, 13), floats(78)))
put("npy", "three-d.npy", npy("<f4", (3, 13, 1), floats(39)))
put("npy", "header-not-a-dict.npy", npy("<f4", (3, 13), floats(39), header="[1, 2, 3]"))
put("npy", "header-nested.npy", npy("<f4", (3, 13), floats(39),
                                     header="{'descr': " + "(" * 5000 + ")" * 5000 + "}"))

# Transcripts (transcript/NAME.npy) for those 3 frames: [SOS], 3 labels, [EOS] when valid.
put("transcript", "floats.npy", npy("<f4", (5,), floats(5)))
put("transcript", "unknown-phoneme.npy",
    npy("<U5", (5,), strings(["[SOS]", "AA", "QQ", "AA", "[EOS]"])))
put("transcript", "too-long.npy",
    npy("<U5", (8,), strings(["[SOS]", "AA", "AA", "AA", "AA", "AA", "AA", "[EOS]"])))
put("transcript", "huge-strings.npy", npy("<U100000000", (5,), b""))
put("transcript", "two-d.npy", npy("<U5", (5, 1), strings(["[SOS]", "AA", "AA", "AA", "[EOS]"])))

# Phoneme tables (--phonemes FILE).
put("phonemes", "empty.txt", "")
put("phonemes", "duplicate.txt", "AA\nAE\nAA\n")
put("phonemes", "binary.txt", b"\x00\xff\xfe\x01garbage\x00\n\x80\x81\n")
put("phonemes", "too-many.txt", "".join("P%d\n" % i for i in range(300)))
put("phonemes", "boundary-first.txt", "[SOS]\nAA\nAE\n[EOS]\n")
put("phonemes", "nul-in-symbol.txt", b"AA\nA\x00E\nAH\n")


def safetensors(header, payload=b"", claimed=None):
    text = header if isinstance(header, str) else json.dumps(header)
    length = len(text) if claimed is None else claimed
    return struct.pack("<Q", length) + text.encode() + payload


# Checkpoints (RUN/checkpoints/best.safetensors).
put("safetensors", "empty.safetensors", b"")
put("safetensors", "length-past-end.safetensors", safetensors("{}", claimed=1 << 40))
put("safetensors", "not-json.safetensors", safetensors("{\"a\": {\"dtype\": "))
put("safetensors", "nested.safetensors", safetensors("{\"a\":" + "[" * 100000))
put("safetensors", "tensor-twice.safetensors", safetensors(
    '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
    '"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', floats(2)))
put("safetensors", "offsets-past-end.safetensors", safetensors(
    {"w": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}, floats(4)))
put("safetensors", "no-experiment.safetensors", safetensors(
    {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, floats(1)))

# Experiments (train --experiment FILE).
E = '{"format": "cepstra-experiment", '
put("experiment", "nested.json", "[" * 100000)
put("experiment", "not-json.json", E + '"model": ')
put("experiment", "other-format.json", '{"format": "pt", "model": {}, "train": {}}')
put("experiment", "no-model.json", E + '"modle": {"preset": "tiny"}, "train": {}}')
put("experiment", "section-twice.json", E + '"model": {}, "model": {}, "train": {}}')
put("experiment", "wrong-type.json", E + '"model": {}, "train": {"epochs": "five"}}')
put("experiment", "huge-threads.json", E + '"model": {}, "train": {"threads": 1000000}}')
put("experiment", "lr-infinite.json", E + '"model": {}, "train": {"optimizer": {"lr": 1e999}}}')
put("experiment", "huge-width.json", E + '"model": {"blocks": [{"type": "linear", '
    '"width": 4000000000}]}, "train": {}}')
put("experiment", "context-past-unset.json", E + '"model": {"context": 3, '
    '"context_past": 4294967295, "context_future": 1}, "train": {}}')
put("experiment", "residual-unequal.json", E + '"model": {"blocks": [{"type": "linear", '
    '"width": 64}, {"type": "residual", "blocks": 2}, {"type": "linear", "width": 32}, '
    '{"type": "relu"}]}, "train": {}}')
put("experiment", "residual-past-end.json", E + '"model": {"blocks": [{"type": "linear", '
    '"width": 64}, {"type": "residual", "blocks": 4000000000}]}, "train": {}}')
put("experiment", "residual-empty.json", E + '"model": {"blocks": [{"type": "linear", '
    '"width": 64}, {"type": "residual", "blocks": 0}]}, "train": {}}')
put("experiment", "residual-nested.json", E + '"model": {"blocks": [{"type": "linear", '
    '"width": 64}, {"type": "residual", "blocks": 3}, {"type": "residual", "blocks": 1}, '
    '{"type": "linear", "width": 64}, {"type": "relu"}]}, "train": {}}')

# Assignments (assignment show FILE; train --assignment reads them the same way).
A = ('{"format": "cepstra-assignment", "version": 1, "title": "T", "experiment": '
     '{"format": "cepstra-experiment", "version": 1, "model": {}, "train": {}}')
put("assignment", "valid.json", A + "}")
put("assignment", "nested.json", '{"format": "cepstra-assignment", "rules": ' + "[" * 100000)
put("assignment", "not-json.json", A)
put("assignment", "experiment-instead.json", E + '"model": {}, "train": {}}')
put("assignment", "newer-version.json", A.replace('"version": 1,', '"version": 2,', 1) + "}")
put("assignment", "unknown-member.json", A + ', "grading": "strict"}')
put("assignment", "unknown-rule.json", A + ', "rules": {"frozen": ["seed"]}}')
put("assignment", "unknown-path.json", A + ', "rules": {"locked": ["train.epoch"]}}')
put("assignment", "bound-on-text.json",
    A + ', "rules": {"bounds": {"train.backend": {"max": 2}}}}')
put("assignment", "bound-infinite.json",
    A + ', "rules": {"bounds": {"train.epochs": {"max": 1e999}}}}')
put("assignment", "breaks-own-rule.json",
    A + ', "rules": {"bounds": {"train.epochs": {"max": 2}}}}')
put("assignment", "allowed-not-a-choice.json",
    A + ', "rules": {"allowed": {"train.optimizer": ["rmsprop"]}}}')
put("assignment", "blocks-unknown.json", A + ', "rules": {"allowed_blocks": ["attention"]}}')
put("assignment", "title-twice.json", A + ', "title": "U"}')
put("assignment", "title-missing.json", A.replace('"title": "T", ', '') + "}")
put("assignment", "experiment-unknown-key.json",
    A.replace('"train": {}', '"train": {"epoch": 3}') + "}")
put("assignment", "seed-negative.json", A + ', "seed": -1}')

# Training logs (RUN/metrics.jsonl).
put("metrics", "nested.jsonl", "[" * 100000 + "\n")
put("metrics", "garbage-line.jsonl",
    '{"event": "step", "step": 1, "loss": 1, "accuracy": 0, "lr": 0.1, '
    '"samples_per_second": 1, "elapsed": 1}\nnot json\n'
    '{"event": "step", "step": 2, "loss": 1, "accuracy": 0, "lr": 0.1, '
    '"samples_per_second": 1, "elapsed": 2}\n')
put("metrics", "step-without-loss.jsonl", '{"event": "step", "step": 1}\n')
put("metrics", "line-twice-named.jsonl",
    '{"event": "step", "step": 1, "step": 2, "loss": 1, "accuracy": 0, "lr": 0.1, '
    '"samples_per_second": 1, "elapsed": 1}\n')
put("metrics", "event-a-number.jsonl", '{"event": 7}\n{"event": null}\n')
put("metrics", "half-written-last-line.jsonl",
    '{"event": "step", "step": 1, "loss": 1, "accuracy": 0, "lr": 0.1, '
    '"samples_per_second": 1, "elapsed": 1}\n{"event": "st')


def wav_bytes(rate, channels, width, frames):
    import io
    out = io.BytesIO()
    w = wave.open(out, "wb")
    w.setnchannels(channels)
    w.setsampwidth(width)
    w.setframerate(rate)
    w.writeframes(b"\0" * (frames * channels * width))
    w.close()
    return out.getvalue()


# Audio files (features FILE --out DIR).
put("audio", "text.wav", "this is not audio\n" * 10)
put("audio", "empty.wav", b"")
put("audio", "truncated.wav", wav_bytes(16000, 1, 2, 16000)[:30])
put("audio", "no-samples.wav", wav_bytes(16000, 1, 2, 0))
rate_zero = bytearray(wav_bytes(16000, 1, 2, 400))
rate_zero[24:28] = struct.pack("<I", 0)
put("audio", "rate-zero.wav", bytes(rate_zero))
