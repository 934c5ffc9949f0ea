/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-json-writer.c: the streaming JSON writer: number forms, escapes, layout, and that
 * json-glib reads back exactly what was written.
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cep-json-writer.h"

static void
test_double_forms (void)
{
  const struct
  {
    double      value;
    const char *text;
  } cases[] = {
    { 0.35, "0.35" }, { 1e-3, "0.001" }, { 1e-8, "1e-08" }, { 1.0, "1.0" }, { 0.0, "0.0" },
    { -0.0, "-0.0" }, { 100.0, "100.0" }, { 1e21, "1e+21" }, { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" }, { 1e-4, "0.0001" }, { 1e-5, "1e-05" },
    { 1e16, "1e+16" }, { 9999999999999998.0, "9999999999999998.0" }, { 1234.5, "1234.5" },
    { -2.5e-7, "-2.5e-07" }, { INFINITY, "null" }, { NAN, "null" },
  };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (cep_json_format_double (cases[i].value, buffer), ==, cases[i].text);
}

/* Every double written is read back bit for bit. */
static void
test_double_round_trip (void)
{
  const double values[] = { 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1,
                            123456789.123456789, -7.25e-7, 65504.0, 3.0e-5 };
  GRand *rand = g_rand_new_with_seed (42);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (values) + 2000; i++)
    {
      double value = i < G_N_ELEMENTS (values) ? values[i]
                     : ldexp (g_rand_double_range (rand, -1, 1), g_rand_int_range (rand, -60, 60));
      g_assert_cmpfloat (g_ascii_strtod (cep_json_format_double (value, buffer), NULL), ==,
                         value);
    }
  g_rand_free (rand);
}

static char *
write_sample (gboolean pretty)
{
  CepJsonWriter *writer = cep_json_writer_new (pretty);

  cep_json_writer_begin_object (writer);
  cep_json_writer_member (writer, "text");
  cep_json_writer_string (writer, "a \"quoted\" \\ line\nwith\ttab \x01 and é");
  cep_json_writer_member (writer, "shape");
  cep_json_writer_begin_array (writer, TRUE);
  cep_json_writer_uint (writer, 2);
  cep_json_writer_int (writer, -3);
  cep_json_writer_end_array (writer);
  cep_json_writer_member (writer, "list");
  cep_json_writer_begin_array (writer, FALSE);
  cep_json_writer_begin_inline_object (writer);
  cep_json_writer_member (writer, "ok");
  cep_json_writer_boolean (writer, TRUE);
  cep_json_writer_member (writer, "nested");
  cep_json_writer_begin_array (writer, FALSE);
  cep_json_writer_null (writer);
  cep_json_writer_end_array (writer);
  cep_json_writer_end_object (writer);
  cep_json_writer_double (writer, 0.5);
  cep_json_writer_end_array (writer);
  cep_json_writer_member (writer, "empty");
  cep_json_writer_begin_object (writer);
  cep_json_writer_end_object (writer);
  cep_json_writer_end_object (writer);
  return cep_json_writer_finish (writer);
}

static void
test_layout (void)
{
  g_autofree char *pretty = write_sample (TRUE);
  g_autofree char *compact = write_sample (FALSE);

  g_assert_cmpstr (pretty, ==,
                   "{\n"
                   "  \"text\": \"a \\\"quoted\\\" \\\\ line\\nwith\\ttab \\u0001 and é\",\n"
                   "  \"shape\": [2, -3],\n"
                   "  \"list\": [\n"
                   "    {\"ok\": true, \"nested\": [null]},\n"
                   "    0.5\n"
                   "  ],\n"
                   "  \"empty\": {}\n"
                   "}\n");
  g_assert_cmpstr (compact, ==,
                   "{\"text\": \"a \\\"quoted\\\" \\\\ line\\nwith\\ttab \\u0001 and é\", "
                   "\"shape\": [2, -3], \"list\": [{\"ok\": true, \"nested\": [null]}, 0.5], "
                   "\"empty\": {}}");
}

static void
test_json_glib_reads_it (void)
{
  g_autofree char *text = write_sample (TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "text"), ==,
                   "a \"quoted\" \\ line\nwith\ttab \x01 and é");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (root, "shape"), 1),
                   ==, -3);
}

/* A document written by another writer lands indented where it is placed, and reads back. */
static void
test_embed (void)
{
  CepJsonWriter *inner = cep_json_writer_new (TRUE);
  CepJsonWriter *outer = cep_json_writer_new (TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *inner_text = NULL;
  g_autofree char *text = NULL;
  JsonObject *embedded;

  cep_json_writer_begin_object (inner);
  cep_json_writer_member (inner, "lr");
  cep_json_writer_double (inner, 0.001);
  cep_json_writer_end_object (inner);
  inner_text = cep_json_writer_finish (inner);

  cep_json_writer_begin_object (outer);
  cep_json_writer_member (outer, "title");
  cep_json_writer_string (outer, "Lab");
  cep_json_writer_member (outer, "experiment");
  cep_json_writer_embed (outer, inner_text);
  cep_json_writer_end_object (outer);
  text = cep_json_writer_finish (outer);

  g_assert_cmpstr (text, ==, "{\n  \"title\": \"Lab\",\n  \"experiment\": {\n    \"lr\": 0.001\n  }\n}\n");
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  embedded = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "experiment");
  g_assert_cmpfloat (json_object_get_double_member (embedded, "lr"), ==, 0.001);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/double-forms", test_double_forms);
  g_test_add_func ("/json-writer/double-round-trip", test_double_round_trip);
  g_test_add_func ("/json-writer/layout", test_layout);
  g_test_add_func ("/json-writer/json-glib-reads-it", test_json_glib_reads_it);
  g_test_add_func ("/json-writer/embed", test_embed);

  return g_test_run ();
}
