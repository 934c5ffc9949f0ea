#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the seed corpus for fuzz-tar into corpus/tar/: a good archive as cep-tar writes it
# (through Python's tarfile in ustar format) and archives that stop at each check of the
# reader — magic, checksum, names, entry types, sizes, the end marker. Standard library only:
#     python3 tests/fuzz/make-tar-corpus.py
import io
import os
import tarfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'tar')


def archive(entries):
    """entries: (name, data or None, type); ustar, owner 0, time 0, as the writer makes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as tar:
        for name, data, kind in entries:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.mode = 0o644
            if kind == tarfile.SYMTYPE or kind == tarfile.LNKTYPE:
                info.linkname = '../outside'
            info.size = len(data) if data is not None and kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(data) if info.size else None)
    return buffer.getvalue()


def main():
    os.makedirs(OUT, exist_ok=True)
    good = archive([('handin.json', b'{"format": "cepstra-handin"}', tarfile.REGTYPE),
                    ('checkpoints/best.safetensors', b'x' * 700, tarfile.REGTYPE),
                    ('empty', b'', tarfile.REGTYPE)])
    seeds = {
        'valid.tar': good,
        'dot-dot.tar': archive([('../escaped', b'x', tarfile.REGTYPE)]),
        'absolute.tar': archive([('/tmp/escaped', b'x', tarfile.REGTYPE)]),
        'symlink.tar': archive([('link', None, tarfile.SYMTYPE)]),
        'hardlink.tar': archive([('link', None, tarfile.LNKTYPE)]),
        'folder.tar': archive([('dir', None, tarfile.DIRTYPE)]),
        'fifo.tar': archive([('fifo', None, tarfile.FIFOTYPE)]),
        'twice.tar': archive([('a', b'1', tarfile.REGTYPE), ('a', b'2', tarfile.REGTYPE)]),
        'truncated.tar': good[:1000],
        'no-end.tar': good[:3072],  # the three entries, no end marker
        'bad-magic.tar': good[:257] + b'XXXXX' + good[262:],
        'bad-checksum.tar': b'b' + good[1:],
        'after-end.tar': good + b'trailing garbage',
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
