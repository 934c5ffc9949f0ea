/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-prompts.c: parsing prompts.tsv, its refusals, and the shape of the committed list
 * (the recipe the dataset README documents).
 */
#include <string.h>

#include "cep-demo-prompts.h"

#define HEADER "id\tvoice\trate\tpartition\ttext\n"

static GPtrArray *
parse (const char  *text,
       GError     **error)
{
  return cep_demo_prompts_parse (text, strlen (text), "p.tsv", error);
}

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prompts = parse (HEADER "0001-000002-003\ten-us+m1\t150\tdev-clean\t"
                                        "A short text, with a comma.\n\n"
                                        "b_2\ten-us\t210\ttest-clean\tIt's here.",
                                        &error);
  const CepDemoPrompt *first;

  g_assert_no_error (error);
  g_assert_cmpuint (prompts->len, ==, 2);
  first = g_ptr_array_index (prompts, 0);
  g_assert_cmpstr (first->id, ==, "0001-000002-003");
  g_assert_cmpstr (first->voice, ==, "en-us+m1");
  g_assert_cmpuint (first->rate, ==, 150);
  g_assert_cmpstr (first->partition, ==, "dev-clean");
  g_assert_cmpstr (first->text, ==, "A short text, with a comma.");
  g_assert_cmpstr (((CepDemoPrompt *) g_ptr_array_index (prompts, 1))->text, ==, "It's here.");
}

static void
assert_refused (const char *text,
                int         code,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prompts = parse (text, &error);

  g_assert_null (prompts);
  g_assert_error (error, CEP_DEMO_PROMPTS_ERROR, code);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_refusals (void)
{
  assert_refused ("id voice rate partition text\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:1:");
  assert_refused (HEADER "a\tv\t150\ttrain\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:2:");
  assert_refused (HEADER "a\tv\t150\ttrain\tok\n../b\tv\t150\ttrain\tx\n",
                  CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:3:");
  assert_refused (HEADER "a\tv\tfast\ttrain\tx\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:2:");
  assert_refused (HEADER "a\tv\t150\ttr/ain\tx\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:2:");
  assert_refused (HEADER "a\tv\t150\ttrain\t\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:2:");
  assert_refused (HEADER "a\t\t150\ttrain\tx\n", CEP_DEMO_PROMPTS_ERROR_PARSE, "p.tsv:2:");
  assert_refused (HEADER "a\tv\t150\ttrain\tx\na\tv\t160\tdev\ty\n",
                  CEP_DEMO_PROMPTS_ERROR_DUPLICATE, "p.tsv:3: id a is used twice");
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prompts = cep_demo_prompts_load ("/nonexistent/prompts.tsv", &error);

  g_assert_null (prompts);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* counts["partition voice"] += 1 */
static void
count_row (GHashTable          *counts,
           const CepDemoPrompt *prompt)
{
  char *key = g_strdup_printf ("%s %s", prompt->partition, prompt->voice);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));

  g_hash_table_insert (counts, key, GUINT_TO_POINTER (count + 1));
}

static void
assert_forty_each (gpointer key,
                   gpointer value,
                   gpointer data)
{
  if (GPOINTER_TO_UINT (value) != 40)
    g_error ("%s: %u prompts, expected 40", (const char *) key, GPOINTER_TO_UINT (value));
}

/* The committed list: 7 training voices x 40, one held-out voice x 40 for dev and for test,
 * rates 140..210, LibriSpeech-style names sorted, every text used once. */
static void
test_committed_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) prompts = cep_demo_prompts_load (NULL, &error);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) texts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GRegex) name = g_regex_new ("^000[0-7]-[0-9]{6}-[0-9]{3}$", 0, 0, NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (prompts->len, ==, 360);
  for (guint i = 0; i < prompts->len; i++)
    {
      const CepDemoPrompt *prompt = g_ptr_array_index (prompts, i);

      g_assert_true (g_regex_match (name, prompt->id, 0, NULL));
      g_assert_true (i == 0 || strcmp (((CepDemoPrompt *) g_ptr_array_index (prompts, i - 1))
                                         ->id, prompt->id) < 0);
      g_assert_cmpuint (prompt->rate, >=, 140);
      g_assert_cmpuint (prompt->rate, <=, 210);
      g_assert_true (g_str_has_prefix (prompt->voice, "en-us"));
      g_assert_true (g_hash_table_add (texts, prompt->text));
      count_row (counts, prompt);
    }
  g_assert_cmpuint (g_hash_table_size (counts), ==, 9);
  g_hash_table_foreach (counts, assert_forty_each, NULL);
  g_assert_true (g_hash_table_contains (counts, "dev-clean en-us+m7"));
  g_assert_true (g_hash_table_contains (counts, "test-clean en-us+m7"));
  g_assert_false (g_hash_table_contains (counts, "train-clean-100 en-us+m7"));
}

static void
test_labelled_partitions (void)
{
  g_assert_true (cep_demo_partition_is_labelled ("train-clean-100"));
  g_assert_true (cep_demo_partition_is_labelled ("dev-clean"));
  g_assert_false (cep_demo_partition_is_labelled ("test-clean"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/prompts/parse", test_parse);
  g_test_add_func ("/demo/prompts/refusals", test_refusals);
  g_test_add_func ("/demo/prompts/missing-file", test_missing_file);
  g_test_add_func ("/demo/prompts/committed", test_committed_list);
  g_test_add_func ("/demo/prompts/labelled", test_labelled_partitions);
  return g_test_run ();
}
