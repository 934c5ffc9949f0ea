/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-make-demo.c: `cepstra-cli make-demo`, regenerating the embedded demo dataset with
 * espeak-ng. Builds without libespeak-ng still know the command and say why it is missing.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-config.h"

#include "cep-cli.h"
#include "cep-cli-progress.h"

#include <glib/gi18n.h>

#if CEP_HAVE_DEMO_GENERATOR
#include "cep-demo-generator.h"

static int
run_make_demo (const char *out_dir)
{
  g_autoptr(CepCliProgress) progress = cep_cli_progress_new ("make-demo", _("utterances"));
  g_autoptr(GError) error = NULL;
  CepDemoOptions options;

  cep_demo_options_init (&options);
  if (!cep_demo_generate (&options, out_dir, cep_cli_get_cancellable (), cep_cli_progress_func,
                          progress, &error))
    return cep_cli_fail ("make-demo", error, CEP_CLI_EXIT_OUTPUT);
  g_clear_pointer (&progress, cep_cli_progress_free);
  printf (_("Demo dataset written to %s\n"), out_dir);
  return CEP_CLI_EXIT_OK;
}
#else
static int
run_make_demo (const char *out_dir)
{
  fprintf (stderr, "cepstra-cli make-demo: %s\n",
           _("this build has no demo generator "
             "(libespeak-ng was not found when it was configured)"));
  return CEP_CLI_EXIT_UNAVAILABLE;
}
#endif

int
cep_cli_make_demo_run (int    argc,
                       char **argv)
{
  g_autofree char *out_dir = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir, N_("Folder for the dataset (required)"),
      "DIR" },
    { NULL },
  };

  if (!cep_cli_parse_options ("make-demo", "--out DIR",
                              N_("Synthesizes the prompts of data/demo/prompts.tsv with "
                                 "espeak-ng, labels every frame and writes train-clean-100/, "
                                 "dev-clean/ and test-clean/.\nExit status: 0 done, 1 usage "
                                 "error, 3 not written, 4 built without espeak-ng."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (out_dir == NULL || argc > 1)
    return cep_cli_usage_error ("make-demo", "%s", _("needs --out DIR and nothing else"));
  return run_make_demo (out_dir);
}
