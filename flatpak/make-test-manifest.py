#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Derive the test manifest from the real one.

    make-test-manifest.py REAL_MANIFEST SOURCE_DIR OUTPUT

The real manifest (io.github.cepstra.Cepstra.json) is the product and is never edited for
testing; this writes a copy that differs only where this machine cannot follow it:

- the runtime and SDK are io.github.cepstra.TestPlatform/TestSdk (branch "test", made from
  Debian 12 packages by test-runtime/build.sh) instead of GNOME's, which only Flathub serves;
- the OpenBLAS module is dropped, since its release tarball cannot be downloaded here: the test
  runtime ships Debian's OpenBLAS (pthreads, DYNAMIC_ARCH, like the module's build);
- the Cepstra module is built from SOURCE_DIR (a snapshot of the working tree) instead of the
  repository's committed HEAD.

Everything else (app id, command, finish-args, cleanup, the Cepstra module's build options) is
copied as it is, so the test Flatpak has the real one's permissions and build.
"""
import json
import sys

TEST_RUNTIME = "io.github.cepstra.TestPlatform"
TEST_SDK = "io.github.cepstra.TestSdk"
TEST_BRANCH = "test"
# Modules of the real manifest that the test runtime provides itself.
PROVIDED_BY_TEST_RUNTIME = {"openblas"}


def derive(manifest, source_dir):
    test = dict(manifest)
    test["runtime"] = TEST_RUNTIME
    test["sdk"] = TEST_SDK
    test["runtime-version"] = TEST_BRANCH
    modules = [m for m in manifest["modules"] if m["name"] not in PROVIDED_BY_TEST_RUNTIME]
    main = [m for m in modules if m["name"] == "cepstra"]
    if len(main) != 1:
        sys.exit("make-test-manifest.py: the manifest has no single module named cepstra")
    main[0] = dict(main[0])
    main[0]["sources"] = [{"type": "dir", "path": source_dir}]
    test["modules"] = [main[0] if m["name"] == "cepstra" else m for m in modules]
    return test


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: make-test-manifest.py REAL_MANIFEST SOURCE_DIR OUTPUT")
    real_path, source_dir, output = sys.argv[1:]
    with open(real_path, encoding="utf-8") as f:
        manifest = json.load(f)
    with open(output, "w", encoding="utf-8") as f:
        json.dump(derive(manifest, source_dir), f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
