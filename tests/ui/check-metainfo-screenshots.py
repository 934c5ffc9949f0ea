#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The metainfo's screenshots are images of this repository at the release's tag.

    check-metainfo-screenshots.py METAINFO SOURCE_ROOT VERSION

Software centres (GNOME Software, Flathub's pages) fetch each <image> from its URL, long after
the release: a URL on a branch shows whatever the branch holds later, so each must name the
tag v{VERSION} and a file that exists in the tree (and, when the tag is in this clone, at the
tag), and carry a caption for people who cannot see it.
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

PREFIX = "https://raw.githubusercontent.com/cepstra/cepstra/"


def main():
    metainfo, root, version = sys.argv[1:]
    tag = "v" + version
    errors = []
    shots = ET.parse(metainfo).getroot().findall("./screenshots/screenshot")
    if not shots:
        errors.append("no screenshots")
    for shot in shots:
        image = shot.findtext("image", "")
        caption = shot.findtext("caption", "").strip()
        if not caption:
            errors.append(f"{image}: no caption")
        if not image.startswith(PREFIX + tag + "/"):
            errors.append(f"{image}: not at the tag {tag} ({PREFIX}{tag}/…)")
            continue
        path = image[len(PREFIX + tag + "/"):]
        if not os.path.isfile(os.path.join(root, path)):
            errors.append(f"{image}: {path} is not in the repository")
        tagged = subprocess.run(["git", "-C", root, "rev-parse", "--verify", "-q", tag + "^{commit}"],
                                capture_output=True)
        if tagged.returncode == 0 and subprocess.run(
                ["git", "-C", root, "cat-file", "-e", f"{tag}:{path}"]).returncode != 0:
            errors.append(f"{image}: {path} is not in the repository at {tag}")
    for error in errors:
        print(f"{metainfo}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
