/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-phoneme-table.c: the HW1P2 default table, its aliases and fast keys, and the text
 * format with every error it can report.
 */
#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

#include "cep-phoneme-table.h"

static const char *const hw1p2_names[] = {
  "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
  "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
  "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
  "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
  "[SOS]", "[EOS]",
};

static void
test_default_table (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();

  g_assert_cmpuint (cep_phoneme_table_get_n_classes (table), ==, 40);
  g_assert_cmpuint (cep_phoneme_table_get_n_symbols (table), ==, 42);
  for (guint id = 0; id < G_N_ELEMENTS (hw1p2_names); id++)
    {
      g_assert_cmpstr (cep_phoneme_table_get_name (table, id), ==, hw1p2_names[id]);
      g_assert_cmpint (cep_phoneme_table_lookup (table, hw1p2_names[id], -1), ==, id);
      g_assert_true (cep_phoneme_table_is_target (table, id) == (id < 40));
    }
  g_assert_cmpint (cep_phoneme_table_get_sos (table), ==, 40);
  g_assert_cmpint (cep_phoneme_table_get_eos (table), ==, 41);
}

static void
test_default_aliases (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();

  g_assert_cmpint (cep_phoneme_table_lookup (table, "SIL", -1), ==, 0);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "<sos>", -1), ==, 40);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "<eos>", -1), ==, 41);
}

static void
test_lookup_edges (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();

  /* A length makes the symbol a prefix of a longer buffer. */
  g_assert_cmpint (cep_phoneme_table_lookup (table, "AAX", 2), ==, 1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "AAX", -1), ==, -1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "", -1), ==, -1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "aa", -1), ==, -1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "A\0A", 3), ==, -1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "[SIL]-long-name", -1), ==, -1);
}

static void
test_keys (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();
  guint64 key;

  g_assert_true (cep_phoneme_key_pack ("ZH", 2, &key));
  g_assert_cmphex (key, ==, 'Z' | 'H' << 8);
  g_assert_cmpint (cep_phoneme_table_lookup_key (table, key), ==, 39);
  g_assert_true (cep_phoneme_key_pack ("12345678", 8, &key));
  g_assert_cmpint (cep_phoneme_table_lookup_key (table, key), ==, -1);
  g_assert_false (cep_phoneme_key_pack ("123456789", 9, &key));
  g_assert_false (cep_phoneme_key_pack ("", 0, &key));
}

static char *
write_table (const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("cep-phonemes-XXXXXX.txt", &path, &error);

  g_assert_no_error (error);
  g_assert_true (write (fd, contents, strlen (contents)) == (gssize) strlen (contents));
  close (fd);
  return path;
}

static CepPhonemeTable *
table_from_text (const char  *contents,
                 GError     **error)
{
  g_autofree char *path = write_table (contents);
  CepPhonemeTable *table = cep_phoneme_table_new_from_file (path, error);
  g_unlink (path);
  return table;
}

static void
test_file_format (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPhonemeTable) table = table_from_text (
    "# a comment line\n"
    "\n"
    "sil SIL   silence  # trailing comment\n"
    "a\r\n"
    "a-very-long-symbol\n"
    "   \t\n"
    "[SOS]\n"
    "<eos>\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cep_phoneme_table_get_n_classes (table), ==, 3);
  g_assert_cmpuint (cep_phoneme_table_get_n_symbols (table), ==, 5);
  g_assert_cmpstr (cep_phoneme_table_get_name (table, 0), ==, "sil");
  g_assert_cmpint (cep_phoneme_table_lookup (table, "silence", -1), ==, 0);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "SIL", -1), ==, 0);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "a", -1), ==, 1);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "a-very-long-symbol", -1), ==, 2);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "a-very-long-symbolX", 18), ==, 2);
  g_assert_cmpint (cep_phoneme_table_get_sos (table), ==, 3);
  g_assert_cmpint (cep_phoneme_table_get_eos (table), ==, 4);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "#", -1), ==, -1);
}

static void
test_file_without_boundaries (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPhonemeTable) table = table_from_text ("x\ny\n", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cep_phoneme_table_get_n_classes (table), ==, 2);
  g_assert_cmpint (cep_phoneme_table_get_sos (table), ==, -1);
  g_assert_cmpint (cep_phoneme_table_get_eos (table), ==, -1);
}

/* The committed F22-spelling table must equal the default one id for id. */
static void
test_fixture_matches_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (CEP_FIXTURES_DIR, "phonemes-f22.txt", NULL);
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_from_file (path, &error);
  g_autoptr(CepPhonemeTable) reference = cep_phoneme_table_new_default ();

  g_assert_no_error (error);
  g_assert_cmpuint (cep_phoneme_table_get_n_classes (table), ==, 40);
  g_assert_cmpuint (cep_phoneme_table_get_n_symbols (table), ==, 42);
  g_assert_cmpstr (cep_phoneme_table_get_name (table, 0), ==, "SIL");
  for (guint id = 0; id < G_N_ELEMENTS (hw1p2_names); id++)
    g_assert_cmpint (cep_phoneme_table_lookup (table, hw1p2_names[id], -1), ==,
                     cep_phoneme_table_lookup (reference, hw1p2_names[id], -1));
}

typedef struct
{
  const char *contents;
  int         code;
  const char *message_part;
} BadTable;

static const BadTable bad_tables[] = {
  { "a\n[SOS]\nb\n", CEP_PHONEME_TABLE_ERROR_PARSE,
    ":3: target symbol 'b' after a boundary token" },
  { "a\nb\na\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":3: duplicate symbol 'a' (first on line 1)" },
  { "a x\nb x\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":2: duplicate symbol 'x' (first on line 1)" },
  { "a\n[SOS]\n<sos>\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":3: second start token" },
  { "a\n[SOS] <eos>\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":2: '<eos>' cannot be an alias of" },
  { "a [EOS]\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":1: '[EOS]' cannot be an alias of 'a'" },
  { "# nothing\n\n", CEP_PHONEME_TABLE_ERROR_PARSE, ": no target classes" },
  { "[SOS]\n[EOS]\n", CEP_PHONEME_TABLE_ERROR_PARSE, ": no target classes" },
  { "a\n\xff\xfe\n", CEP_PHONEME_TABLE_ERROR_PARSE, ":2: symbol is not valid UTF-8" },
};

static void
test_file_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_tables); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CepPhonemeTable) table = table_from_text (bad_tables[i].contents, &error);

      g_test_message ("case %u: %s", i, bad_tables[i].message_part);
      g_assert_null (table);
      g_assert_error (error, CEP_PHONEME_TABLE_ERROR, bad_tables[i].code);
      g_assert_nonnull (strstr (error->message, bad_tables[i].message_part));
      g_assert_nonnull (strstr (error->message, "cep-phonemes-"));
    }
}

static char *
numbered_symbols (guint n)
{
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "p%u\n", i);
  g_string_append (text, "[SOS]\n[EOS]\n");
  return g_string_free (text, FALSE);
}

/* Class ids are guint8 with 255 reserved: 255 targets fit, 256 do not. */
static void
test_class_limit (void)
{
  g_autofree char *fits = numbered_symbols (255);
  g_autofree char *too_many = numbered_symbols (256);
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPhonemeTable) table = table_from_text (fits, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cep_phoneme_table_get_n_classes (table), ==, 255);
  g_assert_cmpint (cep_phoneme_table_lookup (table, "p254", -1), ==, 254);
  g_assert_cmpint (cep_phoneme_table_get_eos (table), ==, 256);

  g_autoptr(CepPhonemeTable) none = table_from_text (too_many, &error);
  g_assert_null (none);
  g_assert_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, ":256: more than 255 target classes"));
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPhonemeTable) table =
    cep_phoneme_table_new_from_file ("/nonexistent/cepstra/phonemes.txt", &error);

  g_assert_null (table);
  g_assert_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/cepstra/phonemes.txt"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/phoneme-table/default", test_default_table);
  g_test_add_func ("/phoneme-table/default-aliases", test_default_aliases);
  g_test_add_func ("/phoneme-table/lookup-edges", test_lookup_edges);
  g_test_add_func ("/phoneme-table/keys", test_keys);
  g_test_add_func ("/phoneme-table/file/format", test_file_format);
  g_test_add_func ("/phoneme-table/file/without-boundaries", test_file_without_boundaries);
  g_test_add_func ("/phoneme-table/file/fixture-matches-default", test_fixture_matches_default);
  g_test_add_func ("/phoneme-table/file/errors", test_file_errors);
  g_test_add_func ("/phoneme-table/file/class-limit", test_class_limit);
  g_test_add_func ("/phoneme-table/file/missing", test_missing_file);

  return g_test_run ();
}
