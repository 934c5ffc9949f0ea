/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-arpabet.c: the embedded mnemonic table, its stripping rule, and its refusals.
 */
#include <string.h>

#include "cep-demo-arpabet.h"

static CepDemoArpabet *
default_table (void)
{
  g_autoptr(GError) error = NULL;
  CepDemoArpabet *table = cep_demo_arpabet_new_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (table);
  return table;
}

static void
assert_maps_to (CepDemoArpabet *table,
                const char     *mnemonic,
                const char     *key,
                const char     *first,
                const char     *second)
{
  const CepDemoArpabetEntry *entry = cep_demo_arpabet_lookup (table, mnemonic);

  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->mnemonic, ==, key);
  g_assert_cmpuint (entry->n_labels, ==, second != NULL ? 2 : first != NULL ? 1 : 0);
  if (first != NULL)
    g_assert_cmpstr (entry->labels[0], ==, first);
  if (second != NULL)
    g_assert_cmpstr (entry->labels[1], ==, second);
}

static void
test_exact_entries (void)
{
  g_autoptr(CepDemoArpabet) table = default_table ();

  assert_maps_to (table, "_:", "_:", "[SIL]", NULL);
  assert_maps_to (table, "@2", "@2", "AH", NULL);
  assert_maps_to (table, "tS", "tS", "CH", NULL);
  assert_maps_to (table, "A@", "A@", "AA", "R");
  assert_maps_to (table, "aI3", "aI3", "AY", "ER");
  assert_maps_to (table, "@L", "@L", "AH", "L");
  assert_maps_to (table, ";", ";", NULL, NULL);
  assert_maps_to (table, "r-", "r-", "R", NULL);
  /* labels are interned: stages compare them by pointer */
  g_assert_true (cep_demo_arpabet_lookup (table, "_")->labels[0]
                 == g_intern_static_string ("[SIL]"));
}

static void
test_stripped_forms (void)
{
  g_autoptr(CepDemoArpabet) table = default_table ();

  assert_maps_to (table, "V#", "V", "AH", NULL);
  assert_maps_to (table, "'aI", "aI", "AY", NULL);
  assert_maps_to (table, "e@;", "e@", "EH", "R");
  assert_maps_to (table, "n-^", "n-", "AH", "N");    /* strips one modifier, keeps n- */
  assert_maps_to (table, "I2#;.", "I2#", "IH", NULL);
  assert_maps_to (table, "%u:/", "u:", "UW", NULL);
}

static void
test_unknown_is_refused (void)
{
  g_autoptr(CepDemoArpabet) table = default_table ();
  g_autoptr(GError) error = NULL;

  g_assert_null (cep_demo_arpabet_lookup (table, "Q"));
  g_assert_null (cep_demo_arpabet_lookup (table, "y#"));   /* strips to "y": still unknown */
  g_assert_null (cep_demo_arpabet_lookup (table, "#"));
  g_assert_null (cep_demo_arpabet_lookup (table, ""));
  g_assert_null (cep_demo_arpabet_map (table, "x2y", &error));
  g_assert_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "'x2y'"));
}

static void
assert_parse_error (const char *text,
                    const char *expected_fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDemoArpabet) table = cep_demo_arpabet_new_from_data (text, strlen (text),
                                                                     "custom.tsv", &error);

  g_assert_null (table);
  g_assert_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, expected_fragment));
}

static void
test_bad_tables (void)
{
  assert_parse_error ("mnemonic\tlabels\na\tAX\n", "custom.tsv:2: 'AX'");
  assert_parse_error ("mnemonic\tlabels\na\t[SOS]\n", "not one or two HW1P2 target labels");
  assert_parse_error ("mnemonic\tlabels\na\tAA R T\n", "'AA R T'");
  assert_parse_error ("# c\nmnemonic\tlabels\na\tAE\nb\n", "custom.tsv:4: expected");
  assert_parse_error ("mnemonic\tlabels\na\tAE\na\tAA\n", "listed twice");
  assert_parse_error ("mnemonic\tlabels\na\t\n", "custom.tsv:2");
}

static void
test_custom_table (void)
{
  const char *text = "# a comment\nmnemonic\tlabels\nx\tSIL\ny\tAA  R\nz\tMERGE\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDemoArpabet) table = cep_demo_arpabet_new_from_data (text, strlen (text),
                                                                     "custom.tsv", &error);

  g_assert_no_error (error);
  assert_maps_to (table, "x", "x", "[SIL]", NULL);   /* alias stored as the canonical name */
  assert_maps_to (table, "y", "y", "AA", "R");
  assert_maps_to (table, "z", "z", NULL, NULL);
  g_assert_null (cep_demo_arpabet_lookup (table, "mnemonic"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/arpabet/exact", test_exact_entries);
  g_test_add_func ("/demo/arpabet/stripped", test_stripped_forms);
  g_test_add_func ("/demo/arpabet/unknown", test_unknown_is_refused);
  g_test_add_func ("/demo/arpabet/bad-tables", test_bad_tables);
  g_test_add_func ("/demo/arpabet/custom", test_custom_table);
  return g_test_run ();
}
