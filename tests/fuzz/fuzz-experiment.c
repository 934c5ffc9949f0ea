/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-experiment.c: libFuzzer target for experiment.json (cep_experiment_new_from_json).
 *
 * Every input either fails with an error or gives an experiment that validates, writes back to
 * JSON and reads back equal to itself — what `train --experiment` and a checkpoint's embedded
 * experiment rely on. Seeds in corpus/experiment (a depth bomb among them).
 */
#include "cep-experiment.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (CepExperiment) experiment = NULL;
  g_autoptr (CepExperiment) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) warnings = NULL;

  experiment = cep_experiment_new_from_json ((const char *) data, (gssize) size, "fuzz.json",
                                             &warnings, &error);
  if (experiment == NULL)
    {
      g_assert_nonnull (error);
      g_assert_nonnull (error->message);
      return 0;
    }
  if (!cep_experiment_validate (experiment, NULL))
    return 0;
  text = cep_experiment_to_json (experiment);
  again = cep_experiment_new_from_json (text, -1, "again.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_experiment_equal (experiment, again));
  return 0;
}
