#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print this machine's Debian sources for one release as sources.list lines.

    host-apt-sources.py SUITE

The test runtime is made from the same archive the machine itself installs from, so the
mirror is read here at run time and never written into the repository. Reads
/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and the deb822 *.sources files, keeps
the "deb" entries whose suite is SUITE or SUITE-something (updates, security), and prints
them one per line. The first line is the main suite's archive (debootstrap's mirror).
"""
import glob
import sys


def one_line_entries(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) < 4 or words[0] != "deb":
                continue
            # Options such as [signed-by=...] sit between "deb" and the URI.
            words = [w for w in words[1:] if not (w.startswith("[") or w.endswith("]") or "=" in w)]
            if len(words) >= 3:
                yield words[0], [words[1]], words[2:]


def deb822_entries(path):
    with open(path, encoding="utf-8") as f:
        stanzas = f.read().split("\n\n")
    for stanza in stanzas:
        fields = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[0].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.split()
        if "deb" not in fields.get("types", []):
            continue
        if fields.get("enabled", ["yes"])[0].lower() == "no":
            continue
        for uri in fields.get("uris", []):
            yield uri, fields.get("suites", []), fields.get("components", [])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: host-apt-sources.py SUITE")
    suite = sys.argv[1]
    entries = []
    for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
        try:
            entries += list(one_line_entries(path))
        except FileNotFoundError:
            pass
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        entries += list(deb822_entries(path))

    lines = []
    for uri, suites, components in entries:
        for s in suites:
            if s == suite or s.startswith(suite + "-"):
                # Only "main": the runtime is free software, like the GNOME runtime.
                lines.append((s != suite, f"deb {uri} {s} main"))
    if not any(not is_extra for is_extra, _ in lines):
        sys.exit(f"host-apt-sources.py: no apt source of this machine names the suite {suite}")
    for _, line in sorted(lines, key=lambda entry: entry[0]):
        print(line)


if __name__ == "__main__":
    main()
