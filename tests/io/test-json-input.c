/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-json-input.c: untrusted JSON is bounded in depth and size before json-glib sees it
 * (json-glib recurses: 100,000 '[' overflowed the stack), and only real nesting counts.
 */
#include <string.h>

#include "cep-json-input.h"

static char *
nested (guint depth)
{
  GString *text = g_string_new (NULL);

  /* Arrays and objects alternate: [{"k":[{"k":…1}]}] */
  for (guint i = 0; i < depth; i++)
    g_string_append (text, i % 2 == 0 ? "[" : "{\"k\":");
  g_string_append_c (text, '1');
  for (guint i = depth; i > 0; i--)
    g_string_append_c (text, (i - 1) % 2 == 0 ? ']' : '}');
  return g_string_free (text, FALSE);
}

static void
test_depth (void)
{
  g_autofree char *at_limit = g_strnfill (CEP_JSON_MAX_DEPTH, '[');
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_json_input_check (at_limit, -1, "ok.json", 1 << 20, &error));
  g_assert_no_error (error);
  /* The stack-overflow case of the issue: refused, naming the file and the limit. */
  g_assert_false (cep_json_input_check (deep, -1, "deep.json", 1 << 20, &error));
  g_assert_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "deep.json"));
  g_assert_nonnull (strstr (error->message, "64 levels"));
}

static void
test_load_at_and_past_limit (void)
{
  g_autofree char *fits = nested (CEP_JSON_MAX_DEPTH);
  g_autofree char *too_deep = nested (CEP_JSON_MAX_DEPTH + 1);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_json_input_load (parser, fits, -1, "fits", 1 << 20, &error));
  g_assert_no_error (error);
  g_assert_false (cep_json_input_load (parser, too_deep, -1, "too-deep", 1 << 20, &error));
  g_assert_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_TOO_DEEP);
}

/* Brackets in strings, escaped quotes included, are text, not nesting. */
static void
test_strings_do_not_count (void)
{
  g_autofree char *brackets = g_strnfill (1000, '[');
  g_autofree char *text = g_strdup_printf ("{\"name\": \"\\\"%s\", \"x\": [1]}", brackets);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_json_input_load (parser, text, -1, "strings", 1 << 20, &error));
  g_assert_no_error (error);
}

static void
test_size_and_syntax (void)
{
  g_autofree char *big = g_strnfill (4096, ' ');
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_false (cep_json_input_check (big, -1, "big.json", 1024, &error));
  g_assert_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "big.json"));
  g_assert_nonnull (strstr (error->message, "limit of 1024 bytes"));
  g_clear_error (&error);
  g_assert_false (cep_json_input_load (parser, "{\"a\": }", -1, "broken.json", 1024, &error));
  g_assert_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "broken.json: not valid JSON"));
}

/* A number or null where a string belongs gives the fallback, never NULL (the metrics
 * fuzzer's crash: "event": 7 reached g_str_equal). */
static void
test_string_member (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;

  g_assert_true (json_parser_load_from_data (parser,
                 "{\"s\": \"x\", \"n\": 7, \"z\": null, \"o\": {}, \"a\": []}", -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (cep_json_string_member (object, "s", "-"), ==, "x");
  g_assert_cmpstr (cep_json_string_member (object, "n", "-"), ==, "-");
  g_assert_cmpstr (cep_json_string_member (object, "z", "-"), ==, "-");
  g_assert_cmpstr (cep_json_string_member (object, "o", "-"), ==, "-");
  g_assert_cmpstr (cep_json_string_member (object, "a", "-"), ==, "-");
  g_assert_cmpstr (cep_json_string_member (object, "missing", "-"), ==, "-");
}

/* json-glib keeps the last of two members of one name; a file that does so is refused. The
 * same name in two objects is fine. */
static void
test_duplicate_member (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_json_input_load (parser, "{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}}", -1,
                                      "fine.json", 1024, &error));
  g_assert_no_error (error);
  g_assert_false (cep_json_input_load (parser, "{\"a\": {\"x\": 1, \"y\": 2, \"x\": 3}}", -1,
                                       "twice.json", 1024, &error));
  g_assert_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "twice.json: the member “x” appears twice in one object");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-input/depth", test_depth);
  g_test_add_func ("/json-input/load-at-and-past-limit", test_load_at_and_past_limit);
  g_test_add_func ("/json-input/strings-do-not-count", test_strings_do_not_count);
  g_test_add_func ("/json-input/size-and-syntax", test_size_and_syntax);
  g_test_add_func ("/json-input/string-member", test_string_member);
  g_test_add_func ("/json-input/duplicate-member", test_duplicate_member);
  return g_test_run ();
}
