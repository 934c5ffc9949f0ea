/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-metrics.c: libFuzzer target for metrics.jsonl (cep_training_curves_new_from_text, what
 * `plot`, `compare` and the analyses read).
 *
 * Every input either fails with an error naming the line or gives curves whose arrays agree
 * in length. Seeds in corpus/metrics (a depth bomb among them).
 */
#include "cep-training-curves.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (CepTrainingCurves) curves = NULL;
  g_autoptr (GError) error = NULL;

  curves = cep_training_curves_new_from_text (text, "fuzz.jsonl", &error);
  if (curves == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "fuzz.jsonl"));
      return 0;
    }
  g_assert_cmpuint (curves->step_loss->len, ==, curves->step->len);
  g_assert_cmpuint (curves->step_lr->len, ==, curves->step->len);
  g_assert_cmpuint (curves->step_elapsed->len, ==, curves->step->len);
  g_assert_cmpuint (curves->train_loss->len, ==, curves->epoch->len);
  g_assert_cmpuint (curves->dev_accuracy->len, ==, curves->epoch->len);
  g_assert_cmpuint (curves->epoch_elapsed->len, ==, curves->epoch->len);
  return 0;
}
