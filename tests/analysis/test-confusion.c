/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-confusion.c: counts, per-class and macro statistics worked out by hand, the active
 * classes, row normalization, the CSV files, and bad input.
 */
#include "cep-confusion.h"
#include "cep-npy.h"
#include "comma-locale.h"

#include <glib/gstdio.h>
#include <math.h>

/* Labels and predictions over classes 1 (AA), 2 (AE) and 3 (AH):
 *   true AA: AA AA AA AE      -> 3 of 4
 *   true AE: AE AH            -> 1 of 2
 *   true AH: AH AH AH AH AA   -> 4 of 5
 * and one [SIL] frame predicted as [EOS] (41). */
static const guint8 labels[] = { 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 0 };
static const guint8 predictions[] = { 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 1, 41 };

static CepConfusion *
hand_made (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();
  g_autoptr(GError) error = NULL;
  CepConfusion *confusion = cep_confusion_new (table);

  g_assert_true (cep_confusion_add (confusion, labels, predictions, G_N_ELEMENTS (labels),
                                    &error));
  g_assert_no_error (error);
  return confusion;
}

static void
test_counts (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  guint64 sum = 0;

  g_assert_cmpuint (cep_confusion_get_n_classes (confusion), ==, 42);
  g_assert_cmpuint (cep_confusion_get_total (confusion), ==, 12);
  g_assert_cmpuint (cep_confusion_get_correct (confusion), ==, 8);
  g_assert_cmpfloat (cep_confusion_get_accuracy (confusion), ==, 8.0 / 12.0);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 1, 1), ==, 3);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 1, 2), ==, 1);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 3, 1), ==, 1);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 0, 41), ==, 1);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 2, 1), ==, 0);
  for (guint i = 0; i < 42 * 42; i++)
    sum += cep_confusion_get_counts (confusion)[i];
  g_assert_cmpuint (sum, ==, 12);
}

static void
test_class_stats (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  CepClassStats s;

  /* AA: support 4, predicted 4 (3 + the AH frame), correct 3. */
  cep_confusion_get_class_stats (confusion, 1, &s);
  g_assert_cmpuint (s.support, ==, 4);
  g_assert_cmpuint (s.predicted, ==, 4);
  g_assert_cmpuint (s.correct, ==, 3);
  g_assert_cmpfloat (s.accuracy, ==, 0.75);
  g_assert_cmpfloat (s.precision, ==, 0.75);
  g_assert_cmpfloat (s.recall, ==, 0.75);
  g_assert_cmpfloat_with_epsilon (s.f1, 0.75, 1e-12);
  /* AE: support 2, predicted 2 (one from AA), correct 1. */
  cep_confusion_get_class_stats (confusion, 2, &s);
  g_assert_cmpfloat (s.precision, ==, 0.5);
  g_assert_cmpfloat (s.recall, ==, 0.5);
  /* AH: support 5, predicted 5 (4 + the AE frame), correct 4. */
  cep_confusion_get_class_stats (confusion, 3, &s);
  g_assert_cmpfloat (s.recall, ==, 0.8);
  g_assert_cmpfloat (s.precision, ==, 0.8);
  /* [SIL]: support 1, never predicted: precision undefined, recall 0, F1 undefined. */
  cep_confusion_get_class_stats (confusion, 0, &s);
  g_assert_cmpfloat (s.recall, ==, 0);
  g_assert_true (isnan (s.precision));
  g_assert_true (isnan (s.f1));
  /* [EOS]: predicted once, no support: precision 0, recall undefined. */
  cep_confusion_get_class_stats (confusion, 41, &s);
  g_assert_cmpfloat (s.precision, ==, 0);
  g_assert_true (isnan (s.recall));
  /* A class that never appears: everything undefined. */
  cep_confusion_get_class_stats (confusion, 20, &s);
  g_assert_cmpuint (s.support + s.predicted, ==, 0);
  g_assert_true (isnan (s.accuracy) && isnan (s.precision));
}

static void
test_macro_stats (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  CepClassStats s;

  cep_confusion_get_macro_stats (confusion, &s);
  /* Over the four classes with support: [SIL], AA, AE, AH. */
  g_assert_cmpfloat_with_epsilon (s.recall, (0 + 0.75 + 0.5 + 0.8) / 4, 1e-12);
  /* [SIL] has no precision (never predicted): mean of the other three. */
  g_assert_cmpfloat_with_epsilon (s.precision, (0.75 + 0.5 + 0.8) / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (s.f1, (0.75 + 0.5 + 0.8) / 3, 1e-12);
  g_assert_cmpuint (s.support, ==, 12);
}

static void
test_active_and_floats (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  guint classes[42];
  guint n = cep_confusion_get_active_classes (confusion, classes);
  g_autofree float *counts = NULL;
  g_autofree float *percent = NULL;

  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpuint (classes[0], ==, 0);
  g_assert_cmpuint (classes[3], ==, 3);
  g_assert_cmpuint (classes[4], ==, 41);
  counts = cep_confusion_to_floats (confusion, classes, n, FALSE);
  g_assert_cmpfloat (counts[1 * 5 + 1], ==, 3);
  g_assert_cmpfloat (counts[0 * 5 + 4], ==, 1);
  percent = cep_confusion_to_floats (confusion, classes, n, TRUE);
  g_assert_cmpfloat (percent[1 * 5 + 1], ==, 75);
  g_assert_cmpfloat_with_epsilon (percent[3 * 5 + 1], 20, 1e-5);
  g_assert_true (isnan (percent[4 * 5 + 4]));   /* [EOS] has no frames */
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* The per-class CSV of CONFUSION, written under a decimal-comma LC_NUMERIC if COMMA_LOCALE. */
static char *
stats_csv_of (CepConfusion *confusion,
              gboolean      comma_locale)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cep-confusion-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "classes.csv", NULL);
  char *locale_dir = comma_locale ? comma_locale_enter () : NULL;
  char *text = NULL;

  g_assert_true (cep_confusion_write_stats_csv (confusion, path, &error));
  if (locale_dir != NULL)
    comma_locale_leave (locale_dir);
  g_assert_no_error (error);
  text = read_text (path);
  g_unlink (path);
  g_rmdir (dir);
  return text;
}

/* Under a German LC_NUMERIC the ratios still have a decimal point: "0,750000" would add
 * four columns to every row. */
static void
test_stats_csv_in_a_comma_locale (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  g_autofree char *text = stats_csv_of (confusion, TRUE);

  g_assert_nonnull (strstr (text, "\nAA,4,4,3,0.750000,0.750000,0.750000,0.750000\n"));
}

static void
test_csv (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cep-confusion-XXXXXX", NULL);
  g_autofree char *matrix_path = g_build_filename (dir, "confusion.csv", NULL);
  g_autofree char *matrix_text = NULL;
  g_autofree char *stats_text = stats_csv_of (confusion, FALSE);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;

  g_assert_true (cep_confusion_write_csv (confusion, matrix_path, &error));
  g_assert_no_error (error);
  matrix_text = read_text (matrix_path);
  lines = g_strsplit (matrix_text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 42 + 1);
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpuint (g_strv_length (header), ==, 43);
  g_assert_cmpstr (header[0], ==, "true\\predicted");
  g_assert_cmpstr (header[2], ==, "AA");
  g_assert_true (g_str_has_prefix (lines[2], "AA,0,3,1,0,"));
  g_assert_true (g_str_has_prefix (stats_text, "class,support,predicted,correct,accuracy,"
                                               "precision,recall,f1\n"));
  g_assert_nonnull (strstr (stats_text, "\nAA,4,4,3,0.750000,0.750000,0.750000,0.750000\n"));
  g_unlink (matrix_path);
  g_rmdir (dir);
  /* An unwritable place fails with the file's name in the message. */
  g_assert_false (cep_confusion_write_csv (confusion, "/nonexistent/dir/c.csv", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir"));
}

static void
test_bad_input (void)
{
  g_autoptr(CepConfusion) confusion = hand_made ();
  g_autoptr(GError) error = NULL;
  const guint8 bad_labels[] = { 1, 42 };
  const guint8 good[] = { 1, 1 };

  g_assert_false (cep_confusion_add (confusion, bad_labels, good, 2, &error));
  g_assert_error (error, CEP_CONFUSION_ERROR, CEP_CONFUSION_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "frame 1"));
  /* Nothing was counted. */
  g_assert_cmpuint (cep_confusion_get_total (confusion), ==, 12);
}

/* From a labelled partition written to disk, and the refusal of an unlabelled one. */
static void
test_partition (void)
{
  g_autofree char *root = g_dir_make_tmp ("cep-confusion-XXXXXX", NULL);
  g_autofree char *mfcc = g_build_filename (root, "mfcc", NULL);
  g_autofree char *mfcc_file = g_build_filename (mfcc, "u.npy", NULL);
  g_autofree char *transcript = g_build_filename (root, "transcript", NULL);
  g_autofree char *transcript_file = g_build_filename (transcript, "u.npy", NULL);
  float features[6 * 3] = { 0 };
  gint64 ids[6 + 2] = { 40, 1, 1, 2, 3, 3, 0, 41 };
  gsize shape[2] = { 6, 3 };
  guint8 guesses[6] = { 1, 2, 2, 3, 3, 0 };
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepConfusion) confusion = NULL;
  g_autoptr(GError) error = NULL;
  CepLoadOptions options;

  for (guint i = 0; i < G_N_ELEMENTS (features); i++)
    features[i] = (float) (i % 7);
  g_assert_cmpint (g_mkdir (mfcc, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (transcript, 0755), ==, 0);
  g_assert_true (cep_npy_write_float32 (mfcc_file, features, 2, shape, &error));
  g_assert_true (cep_npy_write_int64 (transcript_file, ids, 8, &error));
  g_assert_no_error (error);
  cep_load_options_init (&options);
  partition = cep_partition_load (root, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  confusion = cep_confusion_new_for_partition (partition, guesses, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_confusion_get_total (confusion), ==, 6);
  g_assert_cmpuint (cep_confusion_get_correct (confusion), ==, 5);
  g_assert_cmpuint (cep_confusion_get_count (confusion, 1, 2), ==, 1);
  g_clear_object (&partition);

  g_unlink (transcript_file);
  g_rmdir (transcript);
  partition = cep_partition_load (root, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (cep_confusion_new_for_partition (partition, guesses, &error));
  g_assert_error (error, CEP_CONFUSION_ERROR, CEP_CONFUSION_ERROR_INVALID);
  g_unlink (mfcc_file);
  g_rmdir (mfcc);
  g_rmdir (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/confusion/counts", test_counts);
  g_test_add_func ("/confusion/class-stats", test_class_stats);
  g_test_add_func ("/confusion/macro-stats", test_macro_stats);
  g_test_add_func ("/confusion/active-and-floats", test_active_and_floats);
  g_test_add_func ("/confusion/csv", test_csv);
  g_test_add_func ("/confusion/stats-csv-comma-locale", test_stats_csv_in_a_comma_locale);
  g_test_add_func ("/confusion/bad-input", test_bad_input);
  g_test_add_func ("/confusion/partition", test_partition);
  return g_test_run ();
}
