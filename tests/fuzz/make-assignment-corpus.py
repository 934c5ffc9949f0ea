#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Writes the seed corpus for fuzz-assignment into corpus/assignment/: valid assignments (every
# rule kind, and the least a file may hold) and files refused at each stage of reading —
# header, members, rules, the embedded experiment, the experiment against its own rules — so
# the fuzzer starts with inputs that reach every part of the reader. The hostile corpus
# (tests/hostile/assignment) is made from the same seeds by tests/hostile/make-hostile.py.
#     /usr/bin/python3 tests/fuzz/make-assignment-corpus.py
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'corpus', 'assignment')
EXPERIMENT = os.path.join(HERE, '..', 'fixtures', 'nn', 'experiment-default.json')


def full():
    with open(EXPERIMENT) as f:
        experiment = json.load(f)
    experiment['seed'] = 7
    return {
        'format': 'cepstra-assignment', 'version': 1,
        'title': 'Lab 3: a small MLP',
        'instructions': '# Goal\n\nTrain **tiny** for at most *10* epochs.\n\n- AdamW or SGD\n'
                        '- `model.params` <= 2M\n<b>not markup</b> & more',
        'dataset': {'name': 'demo', 'fingerprint': '0f' * 32},
        'metric': 'dev_accuracy', 'seed': 7,
        'rules': {
            'locked': ['train.batch_size', 'model.blocks'],
            'hidden': ['augment'],
            'bounds': {'train.epochs': {'max': 10}, 'model.context': {'min': 5, 'max': 30},
                       'model.params': {'max': 2000000},
                       'train.optimizer.lr': {'min': 1e-05, 'max': 0.05}},
            'allowed': {'train.optimizer.type': ['adamw', 'sgd'],
                        'train.backend': ['blas', 'ref']},
            'allowed_blocks': ['linear', 'batch_norm', 'activation', 'dropout'],
        },
        'experiment': experiment,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    good = full()
    seeds = {
        'valid-full.json': good,
        'valid-minimal.json': {'format': 'cepstra-assignment', 'version': 1, 'title': 'T',
                               'experiment': {'format': 'cepstra-experiment', 'version': 1,
                                              'model': {}, 'train': {}}},
    }

    def variant(name, change):
        document = copy.deepcopy(good)
        change(document)
        seeds[name] = document

    variant('newer-version.json', lambda d: d.update(version=2))
    variant('wrong-format.json', lambda d: d.update(format='cepstra-experiment'))
    variant('unknown-member.json', lambda d: d.update(grading='strict'))
    variant('unknown-rule.json', lambda d: d['rules'].update(frozen=['seed']))
    variant('unknown-path.json', lambda d: d['rules'].update(locked=['train.epoch']))
    variant('bound-on-text.json', lambda d: d['rules']['bounds'].update(
        {'train.backend': {'max': 1}}))
    variant('bound-not-number.json', lambda d: d['rules']['bounds'].update(
        {'train.epochs': {'max': 'ten'}}))
    variant('bound-inverted.json', lambda d: d['rules']['bounds'].update(
        {'train.epochs': {'min': 20, 'max': 10}}))
    variant('allowed-not-choice.json', lambda d: d['rules']['allowed'].update(
        {'train.optimizer.type': ['rmsprop']}))
    variant('breaks-own-rule.json', lambda d: d['rules']['bounds'].update(
        {'train.epochs': {'max': 2}}))
    variant('seed-mismatch.json', lambda d: d.update(seed=8))
    variant('experiment-unknown-key.json', lambda d: d['experiment']['train'].update(epoch=3))
    variant('experiment-missing.json', lambda d: d.pop('experiment'))
    variant('title-blank.json', lambda d: d.update(title=' \t'))
    variant('dataset-no-fingerprint.json', lambda d: d.update(dataset={'name': 'demo'}))
    for name, document in seeds.items():
        with open(os.path.join(OUT, name), 'w') as f:
            json.dump(document, f, indent=2, ensure_ascii=False)
            f.write('\n')
    raw = {
        'not-json.json': b'{"format": "cepstra-assignment", "version": 1,',
        'not-object.json': b'["cepstra-assignment"]\n',
        'depth-bomb.json': b'{"format": "cepstra-assignment", "rules": ' + b'[' * 100000,
        'duplicate-member.json': b'{"format": "cepstra-assignment", "version": 1, '
                                 b'"version": 1}\n',
        'not-utf8.json': b'{"format": "cepstra-assignment", "title": "\xff\xfe"}\n',
    }
    for name, data in raw.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)


main()
