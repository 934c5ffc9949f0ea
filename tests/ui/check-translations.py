#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every shipped translation is complete and well-formed: the strings of the files in
po/POTFILES.in are extracted afresh (as `meson compile cepstra-pot` does) and merged into each
language of po/LINGUAS; any string left untranslated or fuzzy fails, named, with what to do
about it, and so does a catalogue `msgfmt --check` refuses (a printf conversion the translation
lost or changed). A source file under app/ or core/ that marks strings but is missing from
POTFILES.in fails too: its strings would silently never be translated.

    check-translations.py SOURCE_ROOT
"""
import os
import re
import subprocess
import sys
import tempfile

KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dngettext:2,3", "g_dpgettext2:2c,3"]
# A call of one of the keywords above on a string literal, as GTK style writes it.
MARKED = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|g_dngettext|g_dpgettext2)\s*\((?:[^()"]*,\s*)?"')


def listed_files(root):
    return [line.strip() for line in open(os.path.join(root, "po", "POTFILES.in"))
            if line.strip() and not line.startswith("#")]


def unlisted_files(root):
    listed = set(listed_files(root))
    missing = []
    for top in ("app", "core"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                path = os.path.relpath(os.path.join(folder, name), root)
                if name.endswith(".c") and path not in listed \
                        and MARKED.search(open(os.path.join(root, path)).read()):
                    missing.append(path)
    return missing


def extract(root, pot):
    args = ["xgettext", "--from-code=UTF-8", "--add-comments", "--package-name=cepstra",
            "-o", pot] + ["--keyword=" + k for k in KEYWORDS] + listed_files(root)
    subprocess.run(args, cwd=root, check=True)


def msgids(po_text):
    """The msgid of every entry, its continuation lines joined (a long or multi-line message
    starts with `msgid ""`), the header left out."""
    ids, current = [], None
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            current = line[len("msgid "):].strip()[1:-1]
        elif current is not None and line.startswith('"'):
            current += line.strip()[1:-1]
        elif current is not None:
            if current:
                ids.append(current)
            current = None
    return ids


def attribute(merged, *flags):
    return subprocess.run(["msgattrib", "--no-obsolete", *flags, merged],
                          capture_output=True, text=True, check=True).stdout


def problems(root, language, pot):
    po = os.path.join(root, "po", language + ".po")
    found = []
    with tempfile.NamedTemporaryFile(suffix=".po") as merged:
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged.name, po, pot],
                       check=True)
        found += [f"no translation of \"{m}\"" for m in msgids(attribute(merged.name,
                                                                           "--untranslated"))]
        found += [f"fuzzy translation of \"{m}\"" for m in msgids(attribute(merged.name,
                                                                              "--only-fuzzy"))]
    check = subprocess.run(["msgfmt", "--check", "-o", os.devnull, po],
                           capture_output=True, text=True)
    if check.returncode != 0:
        found += check.stderr.strip().splitlines()
    return found


def main():
    root = sys.argv[1]
    failures = 0
    for path in unlisted_files(root):
        failures += 1
        print(f"{path} marks strings for translation but is not in po/POTFILES.in")
    with tempfile.TemporaryDirectory() as folder:
        pot = os.path.join(folder, "cepstra.pot")
        extract(root, pot)
        for language in open(os.path.join(root, "po", "LINGUAS")).read().split():
            for problem in problems(root, language, pot):
                failures += 1
                print(f"po/{language}.po: {problem}")
    if failures:
        print(f"{failures} problems: list the files in po/POTFILES.in, run `meson compile -C "
              "build cepstra-update-po` and translate what is missing in po/*.po (and drop "
              "its fuzzy mark)")
        return 1
    print("every string translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
