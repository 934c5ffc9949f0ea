#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-prompts.py: cuts The Devil's Dictionary (Ambrose Bierce, public domain, Debian package
# dict-devil) into short prompts and writes prompts.tsv, the list that drives the demo dataset:
#
#   id  voice  rate  partition  text
#
# It owns the text side of the recipe only (which sentences, which voice, which rate); the
# generator (cep-demo-generator.c) owns everything acoustic. The output is committed, so the
# dataset never depends on the package being installed; rerun this only to change the recipe.
#
# Every choice is a pure function of the seed and the text (SHA-256 ranks, no library RNG), so
# the output is the same on every Python version.
#
#   /usr/bin/python3 data/demo/make-prompts.py [--dict /usr/share/dictd/devil.dict.dz]
#                                              [--seed 11785] [--out data/demo/prompts.tsv]

"""Writes prompts.tsv for the Cepstra demo dataset from The Devil's Dictionary."""

import argparse
import gzip
import hashlib
import os
import re
import sys

# The eight echo-free en-us voices of shared/reference/DEMO-DATA.md; the index is the speaker
# number in utterance names. HELD_OUT reads dev-clean and test-clean; the others train.
VOICES = ['en-us', 'en-us+m1', 'en-us+m3', 'en-us+m7',
          'en-us+f1', 'en-us+Annie', 'en-us+belinda', 'en-us+steph']
HELD_OUT = 'en-us+m7'
PER_TRAIN_VOICE = 40
PER_DEV = 40
PER_TEST = 40
RATE_MIN, RATE_MAX = 140, 210
MIN_WORDS, MAX_WORDS = 3, 10

B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

# Abbreviations that a sentence split would cut in two; chunks touching them are dropped.
ABBREVIATIONS = {'dr', 'mr', 'mrs', 'messrs', 'st', 'prof', 'vs', 'viz', 'etc', 'ie', 'eg',
                 'pp', 'vol', 'cf', 'no', 'ch', 'ed', 'gen', 'gov', 'rev', 'hon', 'lat'}
# A chunk cut out of a longer sentence must not end on one of these ("... the point of the.").
FUNCTION_WORDS = {'a', 'an', 'the', 'and', 'or', 'nor', 'but', 'of', 'to', 'in', 'on', 'for',
                  'with', 'by', 'at', 'from', 'as', 'than', 'that', 'which', 'who', 'whom',
                  'whose', 'is', 'are', 'was', 'be', 'he', 'she', 'it', 'its', 'his', 'her',
                  'their', 'my', 'your', 'our', 'not', 'no', 'so', 'if', 'into', 'upon'}
HEADWORD = re.compile(r"^[A-Z][A-Z0-9'\- ]*[A-Z0-9]\.?(\s*,\s*(?:[a-z]+\.)+)*\s*")
WORD = re.compile(r"^'?[A-Za-z]+(?:'[A-Za-z]+)*'?$")


def decode_b64(text):
    value = 0
    for ch in text:
        value = value * 64 + B64.index(ch)
    return value


def read_entries(dict_path):
    """Yields (entry number, text) for every dictionary entry, in index order."""
    index_path = re.sub(r'\.dict(\.dz)?$', '.index', dict_path)
    with gzip.open(dict_path, 'rb') as f:
        data = f.read()
    number = 0
    with open(index_path, encoding='utf-8') as f:
        for line in f:
            headword, offset, length = line.rstrip('\n').split('\t')
            if headword.startswith('00database'):
                continue
            number += 1
            start = decode_b64(offset)
            yield number, data[start:start + decode_b64(length)].decode('latin-1')


def definition_prose(entry):
    """The unindented definition text of an entry, without the headword and part of speech.
    Indented lines (verse, quotations, attributions) are left out."""
    lines = []
    for line in entry.split('\n'):
        if line.startswith(' ') or line.startswith('\t'):
            lines.append('\n')
            continue
        lines.append(line)
    text = ' '.join(lines)
    text = HEADWORD.sub('', text, count=1)
    return text


def clauses(prose):
    """Splits prose at sentence punctuation, dashes and parentheses."""
    prose = prose.replace('_', '')
    prose = re.sub(r'\[[^\]]*\]', ' ', prose)     # editorial [sic]
    prose = re.sub(r'\([^)]*\)', ' \n ', prose)   # asides and references
    prose = prose.replace('"', ' ').replace('`', ' ')
    for clause in re.split(r'\n|--|[.;:!?]', prose):
        clause = ' '.join(clause.replace('-', ' ').split())
        if clause:
            yield clause


def chunk_words(words):
    """Cuts a clause into pieces of MIN_WORDS..MAX_WORDS words: commas first, then evenly."""
    if len(words) <= MAX_WORDS:
        return [words] if len(words) >= MIN_WORDS else []
    pieces, current = [], []
    for word in words:
        current.append(word)
        if word.endswith(',') and len(current) >= MIN_WORDS:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    if len(pieces) == 1:
        n = len(words)
        k = -(-n // MAX_WORDS)
        bounds = [round(i * n / k) for i in range(k + 1)]
        return [words[bounds[i]:bounds[i + 1]] for i in range(k)]
    out = []
    for piece in pieces:
        if len(piece) > MAX_WORDS:
            out.extend(chunk_words(piece))
        elif len(piece) >= MIN_WORDS:
            out.append(piece)
    return out


def acceptable(words):
    for word in words:
        bare = word.rstrip(',')
        if not WORD.match(bare):
            return False
        if bare.lower().strip("'") in ABBREVIATIONS:
            return False
        if sum(ch.isupper() for ch in bare) > 1:
            return False           # acronyms, roman numerals, shouted headwords
        if len(bare) == 1 and bare not in ('a', 'A', 'I', 'O'):
            return False           # initials
    return words[-1].rstrip(',').lower() not in FUNCTION_WORDS


def prompt_text(words):
    text = ' '.join(words).rstrip(',')
    return text[0].upper() + text[1:] + '.'


def candidates(dict_path):
    """(entry, chunk, text) for every acceptable chunk; the first occurrence of a text wins."""
    seen = set()
    for number, entry in read_entries(dict_path):
        chunk_index = 0
        for clause in clauses(definition_prose(entry)):
            for words in chunk_words(clause.split()):
                if not acceptable(words):
                    continue
                key = ' '.join(w.strip(",'").lower() for w in words)
                if key in seen:
                    continue
                seen.add(key)
                yield number, chunk_index, prompt_text(words)
                chunk_index += 1


def rank(seed, text, purpose):
    digest = hashlib.sha256(f'{seed}\t{purpose}\t{text}'.encode('utf-8')).digest()
    return int.from_bytes(digest[:8], 'big')


def assign(pool, seed):
    """Picks the prompts and gives each a voice, a partition and a rate."""
    order = sorted(pool, key=lambda c: rank(seed, c[2], 'order'))
    plan = [(v, 'train-clean-100', PER_TRAIN_VOICE) for v in VOICES if v != HELD_OUT]
    plan += [(HELD_OUT, 'dev-clean', PER_DEV), (HELD_OUT, 'test-clean', PER_TEST)]
    rows, next_index = [], 0
    for voice, partition, count in plan:
        for entry, chunk, text in order[next_index:next_index + count]:
            rate = RATE_MIN + rank(seed, text, 'rate') % (RATE_MAX - RATE_MIN + 1)
            name = f'{VOICES.index(voice):04d}-{entry:06d}-{chunk:03d}'
            rows.append((name, voice, rate, partition, text))
        next_index += count
    if next_index > len(order):
        sys.exit(f'only {len(order)} prompts available, {next_index} needed')
    return sorted(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--dict', default='/usr/share/dictd/devil.dict.dz')
    parser.add_argument('--seed', type=int, default=11785)
    parser.add_argument('--out', default=os.path.join(os.path.dirname(__file__), 'prompts.tsv'))
    args = parser.parse_args()

    pool = list(candidates(args.dict))
    rows = assign(pool, args.seed)
    with open(args.out, 'w', encoding='ascii', newline='\n') as f:
        f.write('id\tvoice\trate\tpartition\ttext\n')
        for row in rows:
            f.write('\t'.join(str(x) for x in row) + '\n')
    print(f'{len(pool)} unique prompts, {len(rows)} written to {args.out}', file=sys.stderr)


if __name__ == '__main__':
    main()
