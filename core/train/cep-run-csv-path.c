/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-csv-path.c: the name of a run's per-step CSV, one definition for the two run
 * readers that write it (on its own, so the metrics fuzz target can take it without the
 * network code the rest of cep-run.c needs).
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-run.h"

#include <string.h>

char *
cep_run_steps_csv_path (const char *path)
{
  const char *dot;
  const char *slash;

  g_return_val_if_fail (path != NULL, NULL);

  dot = strrchr (path, '.');
  slash = strrchr (path, G_DIR_SEPARATOR);
  if (dot == NULL || (slash != NULL && dot < slash))
    return g_strconcat (path, "-steps", NULL);
  return g_strdup_printf ("%.*s-steps%s", (int) (dot - path), path, dot);
}
