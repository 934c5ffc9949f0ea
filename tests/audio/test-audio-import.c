/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-audio-import.c: MFCCs of whole files, Audacity alignments (the centre-sample rule and
 * every kind of bad line), and importing a folder into mfcc/ and transcript/.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "audio-test-util.h"
#include "cep-audio-file.h"
#include "cep-audio-import.h"
#include "cep-npy.h"

typedef struct
{
  char            *dir;
  CepMfccOptions   options;
  CepPhonemeTable *table;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cepstra-audio-import-XXXXXX", &error);
  g_assert_no_error (error);
  cep_mfcc_options_init (&fixture->options);
  fixture->table = cep_phoneme_table_new_default ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  audio_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_object_unref (fixture->table);
}

static char *
temp_path (Fixture    *fixture,
           const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static char *
write_text (Fixture    *fixture,
            const char *name,
            const char *text)
{
  char *path = temp_path (fixture, name);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
write_tone (const char *path,
            gsize       n_samples,
            int         channels,
            int         rate,
            guint32     seed)
{
  g_autofree gint16 *tone = audio_test_make_tone (n_samples * channels, rate, seed);

  audio_test_write_wav (path, tone, n_samples, channels, rate);
}

/* ---------------------------------------------------------------------------------------- */
/* cep_audio_compute_mfcc_file                                                                */

static void
check_file_against_golden (const char *fixture_name,
                           const char *golden_name,
                           double      tolerance)
{
  g_autofree char *path = audio_test_fixture_path (fixture_name);
  CepMfccOptions options;
  g_autoptr (GError) error = NULL;
  g_autofree float *features = NULL;
  g_autofree float *golden = NULL;
  gsize n_frames, rows, cols;
  double max_error;

  cep_mfcc_options_init (&options);
  features = cep_audio_compute_mfcc_file (path, &options, &n_frames, &error);
  g_assert_no_error (error);
  golden = audio_test_load_golden (golden_name, &rows, &cols);
  g_assert_cmpuint (n_frames, ==, rows);
  g_assert_cmpuint (cols, ==, 28);
  max_error = audio_test_max_abs_error (features, golden, rows * cols);
  g_test_message ("%s: max abs error %.3g against %s", fixture_name, max_error, golden_name);
  g_assert_cmpfloat (max_error, <=, tolerance);
}

static void
test_mfcc_file_matches_torchaudio (void)
{
  check_file_against_golden ("chirp-16k-mono.wav", "mfcc-default.npy", 1e-3);
  check_file_against_golden ("chirp-16k-mono.flac", "mfcc-default.npy", 1e-3);
  /* Stereo at 22.05 kHz: channel mean, resampling, MFCC. */
  check_file_against_golden ("chirp-22k-stereo.wav", "mfcc-22k-stereo.npy", 1e-3);
}

static void
test_mfcc_file_errors (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *short_path = temp_path (fixture, "short.wav");
  g_autofree char *missing = temp_path (fixture, "missing.wav");
  g_autofree char *text = write_text (fixture, "text.wav", "RIFF? no.\n");
  g_autoptr (GError) short_error = NULL;
  g_autoptr (GError) missing_error = NULL;
  g_autoptr (GError) text_error = NULL;
  g_autoptr (GError) rate_error = NULL;
  gsize n_frames;

  write_tone (short_path, 399, 1, 16000, 1);
  g_assert_null (cep_audio_compute_mfcc_file (short_path, &fixture->options, &n_frames,
                                              &short_error));
  g_assert_error (short_error, CEP_MFCC_ERROR, CEP_MFCC_ERROR_TOO_SHORT);
  g_assert_nonnull (strstr (short_error->message, short_path));
  g_test_message ("%s", short_error->message);

  g_assert_null (cep_audio_compute_mfcc_file (missing, &fixture->options, &n_frames,
                                              &missing_error));
  g_assert_error (missing_error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN);
  g_assert_null (cep_audio_compute_mfcc_file (text, &fixture->options, &n_frames, &text_error));
  g_assert_error (text_error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN);
  g_assert_nonnull (strstr (text_error->message, text));

  fixture->options.sample_rate = 16000.5;
  g_assert_null (cep_audio_compute_mfcc_file (short_path, &fixture->options, &n_frames,
                                              &rate_error));
  g_assert_error (rate_error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_FORMAT);
}

/* ---------------------------------------------------------------------------------------- */
/* Alignments                                                                                 */

/* Default framing: frame t is centred on sample 160 t + 200, i.e. 0.0125 + 0.01 t seconds.
 * Boundaries at 0.1 and 0.3 s; the one at 0.3125 s falls exactly on frame 30's centre and, the
 * segments being half-open, frame 30 belongs to the segment that starts there. */
static const char *good_alignment =
  "# made in Audacity\n"
  "0.000000\t0.100000\tSIL\n"
  "\\\t-1.000000\t-1.000000\n"
  "\n"
  "0.100000\t0.312500\tAA\n"
  "0.3125 0.5 ZH\r\n";

static const char *
expected_label (double centre)
{
  if (centre < 0.1)
    return "[SIL]";
  return centre < 0.3125 ? "AA" : "ZH";
}

static void
test_alignment_centre_rule (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = write_text (fixture, "good.lab", good_alignment);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) labels = NULL;
  gsize n_frames = 48;  /* 0.5 s at 16 kHz */

  labels = cep_audio_read_alignment (path, &fixture->options, n_frames, fixture->table, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (labels), ==, n_frames);
  for (gsize t = 0; t < n_frames; t++)
    g_assert_cmpstr (labels[t], ==, expected_label ((160.0 * t + 200.0) / 16000.0));
  g_assert_cmpstr (labels[8], ==, "[SIL]");
  g_assert_cmpstr (labels[9], ==, "AA");
  g_assert_cmpstr (labels[29], ==, "AA");
  g_assert_cmpstr (labels[30], ==, "ZH");
}

/* With snip_edges off, frame t is centred on 160 t + 80. */
static void
test_alignment_reflected_framing (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *path = write_text (fixture, "good.lab", good_alignment);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) labels = NULL;

  fixture->options.snip_edges = FALSE;
  labels = cep_audio_read_alignment (path, &fixture->options, 50, fixture->table, &error);
  g_assert_no_error (error);
  for (gsize t = 0; t < 50; t++)
    g_assert_cmpstr (labels[t], ==, expected_label ((160.0 * t + 80.0) / 16000.0));
}

typedef struct
{
  const char *text;
  const char *message;   /* expected in the error, after "path" */
} BadAlignment;

static const BadAlignment bad_alignments[] = {
  { "zero\t0.5\tAA\n", ":1: expected" },
  { "0.0\t0.5\n", ":1: segment has no label" },
  { "0.0\t0.5\t \n", ":1: segment has no label" },
  { "0.0 0.5x AA\n", ":1: expected" },
  { "-0.1\t0.5\tAA\n", ":1: expected" },
  { "0.0\tnan\tAA\n", ":1: expected" },
  { "0.0\t0.2\tAA\n0.3\t0.1\tB\n", ":2: segment ends" },
  { "0.0\t0.3\tAA\n0.2\t0.5\tB\n", ":2: segment starts at 0.2 s, before" },
  { "# header\n0.0\t0.5\tQQ\n", ":2: unknown phoneme 'QQ'" },
  { "0.0\t0.5\t[SOS]\n", ":1: '[SOS]' is a boundary token" },
  { "0.0\t0.2\tAA\n0.25\t0.5\tB\n", ": frame 19 (centre 0.2025 s) is not covered" },
  { "0.0\t0.3\tAA\n", ": frame 29 (centre 0.3025 s) is not covered" },
  { "0.05\t0.5\tAA\n", ": frame 0 (centre 0.0125 s) is not covered" },
  { "# nothing here\n\n", ": no labels" },
  { "", ": no labels" },
};

static void
test_alignment_errors (Fixture       *fixture,
                       gconstpointer  data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_alignments); i++)
    {
      g_autofree char *path = write_text (fixture, "bad.lab", bad_alignments[i].text);
      g_autofree char *expected = g_strconcat (path, bad_alignments[i].message, NULL);
      g_autoptr (GError) error = NULL;

      g_assert_null (cep_audio_read_alignment (path, &fixture->options, 48, fixture->table,
                                               &error));
      g_assert_error (error, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_ALIGNMENT);
      g_test_message ("%s", error->message);
      if (!g_str_has_prefix (error->message, expected))
        g_error ("case %zu: \"%s\" does not start with \"%s\"", i, error->message, expected);
    }
}

static void
test_alignment_missing_file (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "missing.lab");
  g_autoptr (GError) error = NULL;

  g_assert_null (cep_audio_read_alignment (path, &fixture->options, 48, fixture->table,
                                           &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* ---------------------------------------------------------------------------------------- */
/* Folder import                                                                              */

typedef struct
{
  GCancellable *cancel_after_first;
  GArray       *calls;   /* pairs (done, total) */
} ProgressLog;

static void
record_progress (gsize    done,
                 gsize    total,
                 gpointer data)
{
  ProgressLog *log = data;
  gsize pair[2] = { done, total };

  g_array_append_vals (log->calls, pair, 2);
  if (log->cancel_after_first != NULL)
    g_cancellable_cancel (log->cancel_after_first);
}

static char *
make_audio_folder (Fixture *fixture)
{
  char *audio_dir = temp_path (fixture, "audio");
  g_autofree char *a = g_build_filename (audio_dir, "a.wav", NULL);
  g_autofree char *b = g_build_filename (audio_dir, "b.WAV", NULL);
  g_autofree char *c = g_build_filename (audio_dir, "c.wav", NULL);
  g_autofree char *hidden = g_build_filename (audio_dir, ".hidden.wav", NULL);
  g_autofree char *notes = g_build_filename (audio_dir, "notes.txt", NULL);
  g_autofree char *lab = g_build_filename (audio_dir, "b.lab", NULL);

  g_assert_cmpint (g_mkdir (audio_dir, 0755), ==, 0);
  write_tone (a, 8000, 1, 16000, 1);
  write_tone (b, 8000, 1, 16000, 2);
  write_tone (c, 11025, 2, 22050, 3);   /* 0.5 s stereo at 22.05 kHz */
  g_assert_true (g_file_set_contents (hidden, "not audio", -1, NULL));
  g_assert_true (g_file_set_contents (notes, "not audio either", -1, NULL));
  g_assert_true (g_file_set_contents (lab, good_alignment, -1, NULL));
  return audio_dir;
}

static CepNpy *
open_output (const char *partition,
             const char *folder,
             const char *name)
{
  g_autofree char *path = g_build_filename (partition, folder, name, NULL);
  g_autoptr (GError) error = NULL;
  CepNpy *npy = cep_npy_open (path, &error);

  g_assert_no_error (error);
  return npy;
}

static void
check_mfcc_output (const char           *partition,
                   const char           *audio_dir,
                   const char           *audio_name,
                   const char           *npy_name,
                   const CepMfccOptions *options)
{
  g_autoptr (CepNpy) npy = open_output (partition, "mfcc", npy_name);
  g_autofree char *audio_path = g_build_filename (audio_dir, audio_name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree float *expected = NULL;
  g_autofree float *stored = NULL;
  gsize n_frames;

  expected = cep_audio_compute_mfcc_file (audio_path, options, &n_frames, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_npy_get_n_dims (npy), ==, 2);
  g_assert_cmpuint (cep_npy_get_shape (npy)[0], ==, n_frames);
  g_assert_cmpuint (cep_npy_get_shape (npy)[1], ==, 28);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "<f4");
  stored = g_new (float, n_frames * 28);
  g_assert_true (cep_npy_read_float32 (npy, stored, &error));
  g_assert_cmpmem (stored, n_frames * 28 * sizeof (float), expected,
                   n_frames * 28 * sizeof (float));
}

static void
check_transcript (const char *partition)
{
  g_autoptr (CepNpy) npy = open_output (partition, "transcript", "b.npy");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) tokens = cep_npy_read_strings (npy, &error);
  gsize n_frames = 48;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (tokens), ==, n_frames + 2);
  g_assert_cmpstr (tokens[0], ==, "[SOS]");
  g_assert_cmpstr (tokens[n_frames + 1], ==, "[EOS]");
  for (gsize t = 0; t < n_frames; t++)
    g_assert_cmpstr (tokens[t + 1], ==, expected_label ((160.0 * t + 200.0) / 16000.0));
}

static void
test_import_folder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *partition = temp_path (fixture, "partition");
  g_autofree char *a_transcript = g_build_filename (partition, "transcript", "a.npy", NULL);
  g_autofree char *hidden = g_build_filename (partition, "mfcc", ".hidden.npy", NULL);
  ProgressLog log = { NULL, g_array_new (FALSE, FALSE, sizeof (gsize)) };
  g_autoptr (GError) error = NULL;
  gboolean ok;

  ok = cep_audio_import_folder (audio_dir, partition, &fixture->options, fixture->table, NULL,
                                record_progress, &log, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  check_mfcc_output (partition, audio_dir, "a.wav", "a.npy", &fixture->options);
  check_mfcc_output (partition, audio_dir, "b.WAV", "b.npy", &fixture->options);
  check_mfcc_output (partition, audio_dir, "c.wav", "c.npy", &fixture->options);
  check_transcript (partition);
  g_assert_false (g_file_test (a_transcript, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (hidden, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (log.calls->len, ==, 6);
  for (gsize i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (log.calls, gsize, 2 * i), ==, i + 1);
      g_assert_cmpuint (g_array_index (log.calls, gsize, 2 * i + 1), ==, 3);
    }
  g_array_unref (log.calls);
}

/* Without a table, alignments use HW1P2's. */
static void
test_import_default_table (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *partition = temp_path (fixture, "partition");
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_audio_import_folder (audio_dir, partition, &fixture->options, NULL, NULL,
                                          NULL, NULL, &error));
  g_assert_no_error (error);
  check_transcript (partition);
}

static void
test_import_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *partition = temp_path (fixture, "partition");
  g_autofree char *a = g_build_filename (partition, "mfcc", "a.npy", NULL);
  g_autofree char *b = g_build_filename (partition, "mfcc", "b.npy", NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { cancellable, g_array_new (FALSE, FALSE, sizeof (gsize)) };
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) before_error = NULL;

  /* Cancelled after the first file: that one is written, the rest are not. */
  g_assert_false (cep_audio_import_folder (audio_dir, partition, &fixture->options,
                                           fixture->table, cancellable, record_progress, &log,
                                           &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (g_file_test (a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (b, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (log.calls->len, ==, 2);
  g_array_unref (log.calls);

  /* Already cancelled: nothing new is imported. */
  g_assert_cmpint (g_remove (a), ==, 0);
  g_assert_false (cep_audio_import_folder (audio_dir, partition, &fixture->options,
                                           fixture->table, cancellable, NULL, NULL,
                                           &before_error));
  g_assert_error (before_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (a, G_FILE_TEST_EXISTS));
}

static void
expect_import_error (Fixture    *fixture,
                     const char *audio_dir,
                     GQuark      domain,
                     int         code,
                     const char *needle)
{
  g_autofree char *partition = temp_path (fixture, "partition");
  g_autoptr (GError) error = NULL;

  g_assert_false (cep_audio_import_folder (audio_dir, partition, &fixture->options,
                                           fixture->table, NULL, NULL, NULL, &error));
  g_assert_error (error, domain, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_import_bad_audio (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *bad = g_build_filename (audio_dir, "bb.wav", NULL);

  g_assert_true (g_file_set_contents (bad, "text, not audio", -1, NULL));
  expect_import_error (fixture, audio_dir, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN, bad);
}

static void
test_import_bad_alignment (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *lab = g_build_filename (audio_dir, "b.lab", NULL);
  g_autofree char *needle = g_strconcat (lab, ":2: unknown phoneme 'XX'", NULL);

  g_assert_true (g_file_set_contents (lab, "0\t0.1\tAA\n0.1\t0.5\tXX\n", -1, NULL));
  expect_import_error (fixture, audio_dir, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_ALIGNMENT, needle);
}

static void
test_import_empty_and_missing_folders (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *empty = temp_path (fixture, "empty");
  g_autofree char *missing = temp_path (fixture, "missing");
  g_autofree char *notes = g_build_filename (empty, "notes.txt", NULL);

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_assert_true (g_file_set_contents (notes, "no audio here", -1, NULL));
  expect_import_error (fixture, empty, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN, "no audio files");
  expect_import_error (fixture, missing, G_FILE_ERROR, G_FILE_ERROR_NOENT, missing);
}

static void
test_import_name_collision (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *audio_dir = make_audio_folder (fixture);
  g_autofree char *twin = g_build_filename (audio_dir, "a.flac", NULL);
  g_autofree char *partition = temp_path (fixture, "partition");

  write_tone (twin, 8000, 1, 16000, 7);   /* a WAV named .flac: content does not matter */
  expect_import_error (fixture, audio_dir, CEP_AUDIO_ERROR, CEP_AUDIO_ERROR_OPEN,
                       "would both become a.npy");
  g_assert_false (g_file_test (partition, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audio-import/mfcc-file-matches-torchaudio",
                   test_mfcc_file_matches_torchaudio);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/audio-import/mfcc-file-errors", test_mfcc_file_errors);
  ADD ("/audio-import/alignment/centre-rule", test_alignment_centre_rule);
  ADD ("/audio-import/alignment/reflected-framing", test_alignment_reflected_framing);
  ADD ("/audio-import/alignment/errors", test_alignment_errors);
  ADD ("/audio-import/alignment/missing-file", test_alignment_missing_file);
  ADD ("/audio-import/folder/import", test_import_folder);
  ADD ("/audio-import/folder/default-table", test_import_default_table);
  ADD ("/audio-import/folder/cancelled", test_import_cancelled);
  ADD ("/audio-import/folder/bad-audio", test_import_bad_audio);
  ADD ("/audio-import/folder/bad-alignment", test_import_bad_alignment);
  ADD ("/audio-import/folder/empty-and-missing", test_import_empty_and_missing_folders);
  ADD ("/audio-import/folder/name-collision", test_import_name_collision);
#undef ADD
  return g_test_run ();
}
