#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the seed corpus for fuzz-npy into corpus/npy/: small valid files written by NumPy
# (every dtype family, both byte orders, Fortran order, versions 1.0/2.0/3.0, 0-d and empty)
# and hand-made invalid ones that stop at each stage of validation, so the fuzzer starts with
# inputs that reach every part of the parser. Run with Debian's python3 (it has numpy):
#     /usr/bin/python3 tests/fuzz/make-corpus.py
import io
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'npy')


def numpy_image(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
    return buffer.getvalue()


def hand_image(header, data=b'', major=1):
    """An image with @header (bytes) as the dictionary, padded like NumPy pads it."""
    preamble = 10 if major == 1 else 12
    total = (preamble + len(header) + 1 + 63) // 64 * 64
    length = total - preamble
    packed = struct.pack('<H' if major == 1 else '<I', length)
    body = header + b' ' * (length - len(header) - 1) + b'\n'
    return b'\x93NUMPY' + bytes([major, 0]) + packed + body + data


def main():
    os.makedirs(OUT, exist_ok=True)
    grid = np.arange(6, dtype='<f4').reshape(2, 3) - 2.5
    seeds = {
        'valid-f4-2d.npy': numpy_image(grid),
        'valid-f2-be.npy': numpy_image(np.array([0.5, -np.inf, np.nan, 6e-8], dtype='>f2')),
        'valid-f8-0d.npy': numpy_image(np.array(1e300)),
        'valid-i8-be-fortran.npy': numpy_image(
            np.asfortranarray(np.arange(12, dtype='>i8').reshape(2, 3, 2) - 6)),
        'valid-u2.npy': numpy_image(np.array([0, 1, 65535], dtype='<u2')),
        'valid-bool.npy': numpy_image(np.array([True, False, True])),
        'valid-U5.npy': numpy_image(np.array(['[SOS]', 'AA', '\u014b', '[EOS]'], dtype='<U5')),
        'valid-U3-be.npy': numpy_image(np.array(['ab', 'c'], dtype='>U3')),
        'valid-S3.npy': numpy_image(np.array([b'AA', b'SH', b''], dtype='S3')),
        'valid-v2.npy': numpy_image(grid, version=(2, 0)),
        'valid-v3.npy': numpy_image(np.array(['x'], dtype='<U1'), version=(3, 0)),
        'valid-empty.npy': numpy_image(np.zeros((0, 4), dtype='<f4')),
        'valid-long-suffix.npy': hand_image(
            b"{'descr': '<i2', 'fortran_order': False, 'shape': (2L,), }", b'\x01\x00\xff\xff'),
        'invalid-object.npy': hand_image(
            b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b'\x80\x04N.'),
        'invalid-structured.npy': hand_image(
            b"{'descr': [('a', '<f4'), ('b', '<i4', (2,))], 'fortran_order': False, "
            b"'shape': (1,), }", bytes(12)),
        'invalid-shape-too-large.npy': hand_image(
            b"{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 28), }", bytes(8)),
        'invalid-overflow.npy': hand_image(
            b"{'descr': '<U9', 'fortran_order': False, 'shape': (4294967296, 0, 4294967296), }"),
        'invalid-unterminated.npy': hand_image(
            b"{'descr': \"<f4', 'fortran_order': False, 'shape': (3,), }", bytes(12)),
        'invalid-version.npy': b'\x93NUMPY\x04\x00' + numpy_image(grid)[8:],
        'invalid-truncated.npy': numpy_image(grid)[:40],
        'invalid-bad-utf8.npy': hand_image(
            b"{'descr': '<U2', 'fortran_order': False, 'shape': (1,), }",
            struct.pack('<II', 0xd800, 0x110000)),
    }
    for name, image in seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(image)


if __name__ == '__main__':
    main()
