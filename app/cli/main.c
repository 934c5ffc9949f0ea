/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cep-cli.h"

int
main (int    argc,
      char **argv)
{
  return cep_cli_main (argc, argv);
}
