#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every shipped translation is complete: the strings of the files in po/POTFILES.in are
extracted afresh (as `meson compile cepstra-pot` does) and merged into each language of
po/LINGUAS; any string left untranslated or fuzzy fails, named, with what to do about it.

    check-translations.py SOURCE_ROOT
"""
import os
import subprocess
import sys
import tempfile

KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dngettext:2,3", "g_dpgettext2:2c,3"]


def extract(root, pot):
    files = [line.strip() for line in open(os.path.join(root, "po", "POTFILES.in"))
             if line.strip() and not line.startswith("#")]
    args = ["xgettext", "--from-code=UTF-8", "--add-comments", "--package-name=cepstra",
            "-o", pot] + ["--keyword=" + k for k in KEYWORDS] + files
    subprocess.run(args, cwd=root, check=True)


def untranslated(root, language, pot):
    po = os.path.join(root, "po", language + ".po")
    with tempfile.NamedTemporaryFile(suffix=".po") as merged:
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged.name, po, pot],
                       check=True)
        # msgattrib lists what still needs a translator.
        result = subprocess.run(["msgattrib", "--untranslated", "--only-fuzzy", merged.name],
                                capture_output=True, text=True, check=True)
        missing = subprocess.run(["msgattrib", "--untranslated", merged.name],
                                 capture_output=True, text=True, check=True)
    ids = [line for line in (missing.stdout + result.stdout).splitlines()
           if line.startswith("msgid ") and line != 'msgid ""']
    return ids


def main():
    root = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        pot = os.path.join(folder, "cepstra.pot")
        extract(root, pot)
        for language in open(os.path.join(root, "po", "LINGUAS")).read().split():
            for msgid in untranslated(root, language, pot):
                failures += 1
                print(f"po/{language}.po: no translation of {msgid[6:]}")
    if failures:
        print(f"{failures} strings untranslated: run `meson compile -C build cepstra-update-po` "
              "and translate them in po/*.po")
        return 1
    print("every string translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
