/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-backends.c: `cepstra-cli backends`, what this machine can train on — each backend
 * that opens here and each usable device of a device backend, with the --backend and --device
 * values that pick it (the Train page's backend list, for scripts).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-backend-choice.h"

#include <glib/gi18n.h>
#include <stdio.h>

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
print_json (GPtrArray *choices)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backends");
  json_builder_begin_array (builder);
  for (guint i = 0; i < choices->len; i++)
    {
      const CepBackendChoice *choice = choices->pdata[i];

      json_builder_begin_object (builder);
      add_nullable_string (builder, "backend", choice->backend);
      add_nullable_string (builder, "device", choice->device);
      add_nullable_string (builder, "device_name", choice->device_name);
      add_nullable_string (builder, "description", choice->description);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static void
print_table (GPtrArray *choices)
{
  /* Translators: the headings of `cepstra-cli backends`' table. */
  printf ("%-8s %-7s %s\n", _("BACKEND"), _("DEVICE"), _("DESCRIPTION"));
  for (guint i = 0; i < choices->len; i++)
    {
      const CepBackendChoice *choice = choices->pdata[i];

      printf ("%-8s %-7s %s\n", choice->backend, choice->device != NULL ? choice->device : "-",
              choice->description);
    }
}

int
cep_cli_backends_run (int    argc,
                      char **argv)
{
  gboolean json = FALSE;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GPtrArray) choices = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: backends[].{backend, device, device_name, description}"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("backends", NULL,
                              N_("Each backend that works on this machine, and each device of "
                                 "the vulkan backend, with the --backend and --device values "
                                 "that pick it (train, eval, predict, depmatrix, confusion).\n"
                                 "Exit status: 0 listed, 1 usage error."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest != NULL)
    return cep_cli_usage_error ("backends", "%s", _("expected no arguments"));
  choices = cep_backend_list_choices ();
  if (json)
    print_json (choices);
  else
    print_table (choices);
  return CEP_CLI_EXIT_OK;
}
