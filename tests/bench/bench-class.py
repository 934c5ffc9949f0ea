#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-class.py: the issue's "30 hand-ins of tiny load and re-evaluate in under a minute on
# 2 cores". Trains `tiny` on the demo dataset a few times (different seeds), hands each run
# in under ten student names (30 hand-ins), then times `cepstra-cli class` over the folder
# and prints the median of --runs repetitions. Standard library only; never fails on time.
#     python3 tests/bench/bench-class.py [--cli build/app/cli/cepstra-cli] [--runs 3]
#         [--handins 30] [--trainings 3] [--epochs 2] [--threads 2] [--work DIR]
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cli, *args):
    result = subprocess.run([cli, *args], capture_output=True, text=True,
                            env=dict(os.environ, CEPSTRA_NO_PROGRESS='1'))
    return result


def make_handins(cli, dataset, work, args):
    folder = os.path.join(work, 'handins')
    os.makedirs(folder, exist_ok=True)
    for t in range(args.trainings):
        run_dir = os.path.join(work, 'run-%d' % t)
        result = run(cli, 'train', '--data', dataset, '--preset', 'tiny', '--epochs',
                     str(args.epochs), '--seed', str(t + 1), '--threads', str(args.threads),
                     '--out', run_dir)
        if result.returncode != 0:
            sys.exit('train failed: ' + result.stderr)
        for s in range(t, args.handins, args.trainings):
            out = os.path.join(folder, 'student-%02d.cepstra-handin' % s)
            result = run(cli, 'handin', run_dir, '--student', 'Student %02d' % s, '--out', out)
            if result.returncode != 0:
                sys.exit('handin failed: ' + result.stderr)
    return folder


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cli', default=os.path.join(SOURCE, 'build', 'app', 'cli',
                                                      'cepstra-cli'))
    parser.add_argument('--dataset', default=os.path.join(SOURCE, 'data', 'demo', 'dataset'))
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--handins', type=int, default=30)
    parser.add_argument('--trainings', type=int, default=3)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--work', help='keep the runs and hand-ins here (else a temporary folder)')
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix='cepstra-bench-class-')
    try:
        folder = make_handins(args.cli, args.dataset, work, args)
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        times = []
        for _ in range(args.runs):
            start = time.monotonic()
            result = run(args.cli, 'class', folder, '--dataset', args.dataset, '--threads',
                         str(args.threads), '--json')
            times.append(time.monotonic() - start)
            if result.returncode != 0:
                sys.exit('class failed (%d): %s' % (result.returncode, result.stderr))
        print('%d hand-ins of tiny (%.0f MB), class --threads %d: median %.2f s of %d runs '
              '(%s)' % (args.handins, size / 1e6, args.threads, statistics.median(times),
                        len(times), ', '.join('%.2f' % t for t in times)))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
