#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's table of exit statuses and app/cli/cep-cli.h's CepCliExit must list the same
# codes: a status added to one and not the other fails the build's tests.
import re
import sys

readme, header = sys.argv[1], sys.argv[2]
text = open(readme, encoding="utf-8").read()
section = text.split("### Exit status", 1)[1].split("\n#", 1)[0]
documented = {int(m) for m in re.findall(r"^\| (\d+) \|", section, re.M)}
code = {int(m) for m in re.findall(r"CEP_CLI_EXIT_\w+\s*=\s*(\d+)",
                                    open(header, encoding="utf-8").read())}
if documented != code:
    sys.exit("exit statuses differ: README %s, cep-cli.h %s" % (sorted(documented), sorted(code)))
print("exit statuses", sorted(code))
