/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-assignment.c: libFuzzer target for *.cepstra-assignment (cep_assignment_new_from_data).
 *
 * Every input either fails with an error that names the file, or gives an assignment whose
 * starting experiment keeps its own rules, that lists its rules, and that writes back to JSON
 * which reads back to the same JSON — what a student's window and `train --assignment` rely
 * on. Seeds in corpus/assignment (a depth bomb and files refused at each stage among them).
 */
#include "cep-assignment.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (CepAssignment) assignment = NULL;
  g_autoptr (CepAssignment) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;
  g_auto (GStrv) rules = NULL;

  assignment = cep_assignment_new_from_data ((const char *) data, size, "fuzz.assignment",
                                             &error);
  if (assignment == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "fuzz.assignment"));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (cep_assignment_check_experiment (assignment,
                                                  cep_assignment_get_experiment (assignment),
                                                  NULL));
  g_assert_cmpuint (strlen (cep_assignment_get_hash (assignment)), ==, 64);
  rules = cep_assignment_list_rules (assignment);
  g_assert_nonnull (rules);
  text = cep_assignment_to_json (assignment);
  again = cep_assignment_new_from_data (text, strlen (text), "again.assignment", &error);
  g_assert_no_error (error);
  text_again = cep_assignment_to_json (again);
  g_assert_cmpstr (text, ==, text_again);
  return 0;
}
