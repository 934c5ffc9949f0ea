/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-partition.c: loading partitions.
 *
 * A malformed corpus generated here (one bad utterance "v" next to three good ones) checks
 * every error under both policies: the exact code and message under FAIL, exactly which files
 * are reported and that the good utterances still load under SKIP. Valid variants (Fortran
 * order, big endian, float64, integer and byte-string transcripts, other spellings) must load
 * to the same values. Windows and padding are compared against windows built naively from the
 * raw arrays, CMVN against a double-precision computation.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-cmvn.h"
#include "cep-npy.h"
#include "cep-partition.h"
#include "data-test-util.h"

#define DIM 4
#define BAD_FRAMES 5

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct
{
  char *root;
  char *dir;   /* ROOT/dev-clean */
} Corpus;

static Corpus *
corpus_new (void)
{
  Corpus *corpus = g_new0 (Corpus, 1);

  corpus->root = data_test_make_root ();
  corpus->dir = g_build_filename (corpus->root, "dev-clean", NULL);
  data_test_write_utterance (corpus->dir, "u1", 1, 11, DIM, TRUE);
  data_test_write_utterance (corpus->dir, "u2", 2, 7, DIM, TRUE);
  data_test_write_utterance (corpus->dir, "u3", 3, 13, DIM, TRUE);
  return corpus;
}

static void
corpus_free (Corpus *corpus)
{
  data_test_remove_tree (corpus->root);
  g_free (corpus->root);
  g_free (corpus->dir);
  g_free (corpus);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Corpus, corpus_free)

static char *
corpus_path (const Corpus *corpus,
             const char   *folder,
             const char   *file)
{
  return g_build_filename (corpus->dir, folder, file, NULL);
}

static CepPartition *
load_with (const char     *dir,
           CepLoadPolicy   policy,
           gboolean        normalize,
           guint           context_max,
           GError        **error)
{
  CepLoadOptions options;

  cep_load_options_init (&options);
  options.policy = policy;
  options.normalize = normalize;
  options.context_max = context_max;
  return cep_partition_load (dir, &options, NULL, NULL, NULL, error);
}

/* Normalized value as a double-precision CMVN of the raw data computes it. */
static double *
expected_normalized (const float *raw,
                     gsize        n_frames,
                     guint        dim,
                     gboolean     normalize)
{
  double *out = g_new (double, n_frames * dim);

  for (guint d = 0; d < dim; d++)
    {
      double mean = 0, variance = 0;
      for (gsize t = 0; t < n_frames; t++)
        mean += raw[t * dim + d];
      mean /= (double) n_frames;
      for (gsize t = 0; t < n_frames; t++)
        variance += (raw[t * dim + d] - mean) * (raw[t * dim + d] - mean);
      double stddev = MAX (sqrt (variance / (double) n_frames), CEP_CMVN_STDDEV_FLOOR);
      for (gsize t = 0; t < n_frames; t++)
        out[t * dim + d] = normalize ? (raw[t * dim + d] - mean) / stddev : raw[t * dim + d];
    }
  return out;
}

/* Compares utterance @name of @partition with the generator's seed @seed. */
static void
assert_utterance (CepPartition *partition,
                  const char   *name,
                  guint         seed,
                  gsize         n_frames,
                  gboolean      check_labels)
{
  int u = cep_partition_lookup_utterance (partition, name);
  guint dim = cep_partition_get_feature_dim (partition);

  g_assert_cmpint (u, >=, 0);
  g_assert_cmpuint (cep_partition_get_utterance_length (partition, u), ==, n_frames);

  g_autofree float *raw = data_test_features (seed, n_frames, dim);
  g_autofree double *expected = expected_normalized (raw, n_frames, dim,
                                                     cep_partition_is_normalized (partition));
  gsize start = cep_partition_get_utterance_start (partition, u);
  const guint8 *labels = cep_partition_get_labels (partition);

  for (gsize t = 0; t < n_frames; t++)
    {
      const float *frame = cep_partition_get_frame (partition, start + t);
      for (guint d = 0; d < dim; d++)
        g_assert_cmpfloat_with_epsilon (frame[d], expected[t * dim + d], 2e-5);
      if (check_labels)
        g_assert_cmpuint (labels[start + t], ==, data_test_label (seed, t));
    }
}

static void
assert_good_utterances (CepPartition *partition)
{
  assert_utterance (partition, "u1", 1, 11, TRUE);
  assert_utterance (partition, "u2", 2, 7, TRUE);
  assert_utterance (partition, "u3", 3, 13, TRUE);
}

static void
write_features_layout (const char  *path,
                       const void  *data,
                       CepNpyKind   kind,
                       gsize        itemsize,
                       gboolean     big_endian,
                       gboolean     fortran,
                       guint        n_dims,
                       const gsize *shape)
{
  CepNpyLayout layout = { kind, itemsize, big_endian, fortran, n_dims, shape };
  g_autoptr(GError) error = NULL;

  cep_npy_write (path, &layout, data, &error);
  g_assert_no_error (error);
}

static void
write_float_features (const Corpus *corpus,
                      const char   *name,
                      const float  *values,
                      gsize         n_frames,
                      guint         dim)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", name);
  gsize shape[2] = { n_frames, dim };

  write_features_layout (path, values, CEP_NPY_KIND_FLOAT, 4, FALSE, FALSE, 2, shape);
}

/* A transcript of @n_frames generator labels for seed @seed, with boundary tokens. */
static GPtrArray *
transcript_symbols (guint seed,
                    gsize n_frames,
                    const char *sos,
                    const char *eos)
{
  static const char *const names[] = {
    "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
    "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
    "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
    "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
  };
  GPtrArray *symbols = g_ptr_array_new ();

  if (sos != NULL)
    g_ptr_array_add (symbols, (gpointer) sos);
  for (gsize t = 0; t < n_frames; t++)
    g_ptr_array_add (symbols, (gpointer) names[data_test_label (seed, t)]);
  if (eos != NULL)
    g_ptr_array_add (symbols, (gpointer) eos);
  return symbols;
}

static void
write_transcript (const Corpus *corpus,
                  const char   *file,
                  GPtrArray    *symbols)
{
  g_autofree char *path = corpus_path (corpus, "transcript", file);
  data_test_write_symbols (path, (const char * const *) symbols->pdata, symbols->len);
}

/* The bad utterance "v": valid features of BAD_FRAMES frames, seed 4. */
static void
write_v_features (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);
  write_float_features (corpus, "v.npy", values, BAD_FRAMES, DIM);
}

static void
write_v_transcript (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");
  write_transcript (corpus, "v.npy", symbols);
}

/* ---- the malformed corpus ------------------------------------------------------------ */

static void
bad_truncated_header (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  g_autofree char *contents = NULL;
  gsize length;

  write_v_features (corpus);
  write_v_transcript (corpus);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  data_test_write_file (path, contents, 30);
}

static void
bad_wrong_magic (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  float data[BAD_FRAMES * DIM] = { 0 };

  write_v_transcript (corpus);
  data_test_write_raw_npy (path, "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 4), }",
                           data, sizeof data);
  /* Same bytes, but NUMPZ. */
  g_autofree char *contents = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  contents[5] = 'Z';
  data_test_write_file (path, contents, length);
}

static void
bad_object_dtype (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  static const char pickle[] = "\x80\x02]q\x00(K\x01K\x02e.";

  write_v_transcript (corpus);
  data_test_write_raw_npy (path, "{'descr': '|O', 'fortran_order': False, 'shape': (5, 4), }",
                           pickle, sizeof pickle);
}

static void
bad_shape_larger_than_file (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  float data[BAD_FRAMES * DIM] = { 0 };

  write_v_transcript (corpus);
  data_test_write_raw_npy (path, "{'descr': '<f4', 'fortran_order': False, 'shape': (500, 4), }",
                           data, sizeof data);
}

static void
bad_object_transcript (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  static const char pickle[] = "\x80\x02]q\x00(K\x01K\x02e.";

  write_v_features (corpus);
  data_test_write_raw_npy (path, "{'descr': '|O', 'fortran_order': False, 'shape': (7,), }",
                           pickle, sizeof pickle);
}

/* 195 frames and 200 symbols: 198 labels once [SOS] and [EOS] are stripped. */
static void
bad_label_count (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, 195, DIM);
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, 198, "[SOS]", "[EOS]");

  write_float_features (corpus, "v.npy", values, 195, DIM);
  write_transcript (corpus, "v.npy", symbols);
}

static void
bad_nan_frame (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);

  values[3 * DIM + 2] = NAN;
  write_float_features (corpus, "v.npy", values, BAD_FRAMES, DIM);
  write_v_transcript (corpus);
}

static void
bad_inf_frame (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);

  values[0] = -INFINITY;
  write_float_features (corpus, "v.npy", values, BAD_FRAMES, DIM);
  write_v_transcript (corpus);
}

static void
bad_empty_utterance (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, 0, "[SOS]", "[EOS]");
  float nothing = 0;

  write_float_features (corpus, "v.npy", &nothing, 0, DIM);
  write_transcript (corpus, "v.npy", symbols);
}

static void
bad_missing_transcript (const Corpus *corpus)
{
  write_v_features (corpus);
}

static void
bad_missing_features (const Corpus *corpus)
{
  write_v_transcript (corpus);
}

static void
bad_duplicate_extension (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (1, 11, DIM);

  write_float_features (corpus, "u1.NPY", values, 11, DIM);
}

static void
bad_duplicate_case (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (1, 11, DIM);
  g_autoptr(GPtrArray) symbols = transcript_symbols (1, 11, "[SOS]", "[EOS]");

  write_float_features (corpus, "U1.npy", values, 11, DIM);
  write_transcript (corpus, "U1.npy", symbols);
}

static void
bad_unknown_phoneme (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");

  write_v_features (corpus);
  g_ptr_array_index (symbols, 3) = (gpointer) "QQ";
  write_transcript (corpus, "v.npy", symbols);
}

static void
bad_unknown_long_phoneme (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");

  write_v_features (corpus);
  g_ptr_array_index (symbols, 5) = (gpointer) "\xc3\xa9t\xc3\xa9-long-symbol";
  write_transcript (corpus, "v.npy", symbols);
}

static void
bad_one_dimensional (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  float data[20] = { 0 };
  gsize shape[1] = { 20 };

  write_v_transcript (corpus);
  write_features_layout (path, data, CEP_NPY_KIND_FLOAT, 4, FALSE, FALSE, 1, shape);
}

static void
bad_three_dimensional (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  float data[BAD_FRAMES * DIM * 2] = { 0 };
  gsize shape[3] = { BAD_FRAMES, DIM, 2 };

  write_v_transcript (corpus);
  write_features_layout (path, data, CEP_NPY_KIND_FLOAT, 4, FALSE, FALSE, 3, shape);
}

static void
bad_string_features (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  guint32 data[BAD_FRAMES * DIM * 3] = { 0 };
  gsize shape[2] = { BAD_FRAMES, DIM };

  write_v_transcript (corpus);
  write_features_layout (path, data, CEP_NPY_KIND_UNICODE, 12, FALSE, FALSE, 2, shape);
}

static void
bad_feature_dim (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM + 1);

  write_float_features (corpus, "v.npy", values, BAD_FRAMES, DIM + 1);
  write_v_transcript (corpus);
}

static void
bad_boundary_inside (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");

  write_v_features (corpus);
  g_ptr_array_index (symbols, 2) = (gpointer) "<eos>";
  write_transcript (corpus, "v.npy", symbols);
}

static void
bad_transcript_2d (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  gint64 ids[BAD_FRAMES * 2] = { 0 };
  gsize shape[2] = { BAD_FRAMES, 2 };

  write_v_features (corpus);
  write_features_layout (path, ids, CEP_NPY_KIND_INT, 8, FALSE, FALSE, 2, shape);
}

static void
bad_id_out_of_range (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  gint64 ids[BAD_FRAMES + 2] = { 40, 1, 2, 77, 3, 4, 41 };
  g_autoptr(GError) error = NULL;

  write_v_features (corpus);
  cep_npy_write_int64 (path, ids, G_N_ELEMENTS (ids), &error);
  g_assert_no_error (error);
}

static void
bad_bool_transcript (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  guint8 flags[BAD_FRAMES] = { 0 };
  gsize shape[1] = { BAD_FRAMES };

  write_v_features (corpus);
  write_features_layout (path, flags, CEP_NPY_KIND_BOOL, 1, FALSE, FALSE, 1, shape);
}

typedef struct
{
  const char *name;
  void      (*make) (const Corpus *corpus);
  int         code;
  /* The whole message under FAIL, or its beginning when it ends in '*' (the npy reader's
   * own words follow). */
  const char *message;
  /* Files the skip policy must report, in order. */
  const char *skipped[5];
  /* Under SKIP: is u1 gone too (duplicates involve it)? */
  gboolean    u1_dropped;
} BadCase;

static const BadCase bad_cases[] = {
  { "truncated-header", bad_truncated_header, CEP_PARTITION_ERROR_FILE,
    "dev-clean/mfcc/v.npy: *", { "mfcc/v.npy" } },
  { "wrong-magic", bad_wrong_magic, CEP_PARTITION_ERROR_FILE,
    "dev-clean/mfcc/v.npy: *", { "mfcc/v.npy" } },
  { "object-dtype", bad_object_dtype, CEP_PARTITION_ERROR_FILE,
    "dev-clean/mfcc/v.npy: *", { "mfcc/v.npy" } },
  { "shape-larger-than-file", bad_shape_larger_than_file, CEP_PARTITION_ERROR_FILE,
    "dev-clean/mfcc/v.npy: *", { "mfcc/v.npy" } },
  { "object-transcript", bad_object_transcript, CEP_PARTITION_ERROR_FILE,
    "dev-clean/transcript/v.npy: *", { "transcript/v.npy" } },
  { "label-count", bad_label_count, CEP_PARTITION_ERROR_LABEL_COUNT,
    "dev-clean/transcript/v.npy: 198 labels for 195 frames", { "transcript/v.npy" } },
  { "nan-frame", bad_nan_frame, CEP_PARTITION_ERROR_NON_FINITE,
    "dev-clean/mfcc/v.npy: frame 3 holds NaN or Inf", { "mfcc/v.npy" } },
  { "inf-frame", bad_inf_frame, CEP_PARTITION_ERROR_NON_FINITE,
    "dev-clean/mfcc/v.npy: frame 0 holds NaN or Inf", { "mfcc/v.npy" } },
  { "empty-utterance", bad_empty_utterance, CEP_PARTITION_ERROR_EMPTY_UTTERANCE,
    "dev-clean/mfcc/v.npy: empty utterance (0 frames)", { "mfcc/v.npy" } },
  { "missing-transcript", bad_missing_transcript, CEP_PARTITION_ERROR_MISSING_PARTNER,
    "dev-clean/mfcc/v.npy: no transcript (transcript/v.npy is missing)", { "mfcc/v.npy" } },
  { "missing-features", bad_missing_features, CEP_PARTITION_ERROR_MISSING_PARTNER,
    "dev-clean/transcript/v.npy: no features (mfcc/v.npy is missing)", { "transcript/v.npy" } },
  { "duplicate-extension", bad_duplicate_extension, CEP_PARTITION_ERROR_DUPLICATE,
    "dev-clean/mfcc/u1.NPY: same utterance name as mfcc/u1.npy (the names differ only in "
    "letter case, Unicode form or the extension's case)",
    { "mfcc/u1.NPY", "mfcc/u1.npy", "transcript/u1.npy" }, TRUE },
  { "duplicate-case", bad_duplicate_case, CEP_PARTITION_ERROR_DUPLICATE,
    "dev-clean/mfcc/U1.npy: same utterance name as mfcc/u1.npy (the names differ only in "
    "letter case, Unicode form or the extension's case)",
    { "mfcc/U1.npy", "mfcc/u1.npy", "transcript/U1.npy", "transcript/u1.npy" }, TRUE },
  { "unknown-phoneme", bad_unknown_phoneme, CEP_PARTITION_ERROR_UNKNOWN_PHONEME,
    "dev-clean/transcript/v.npy: unknown phoneme 'QQ' at position 3", { "transcript/v.npy" } },
  { "unknown-long-phoneme", bad_unknown_long_phoneme, CEP_PARTITION_ERROR_UNKNOWN_PHONEME,
    "dev-clean/transcript/v.npy: unknown phoneme '\xc3\xa9t\xc3\xa9-long-symbol' at position 5",
    { "transcript/v.npy" } },
  { "one-dimensional", bad_one_dimensional, CEP_PARTITION_ERROR_FEATURES,
    "dev-clean/mfcc/v.npy: expected a 2-D array (frames x coefficients), found shape (20,)",
    { "mfcc/v.npy" } },
  { "three-dimensional", bad_three_dimensional, CEP_PARTITION_ERROR_FEATURES,
    "dev-clean/mfcc/v.npy: expected a 2-D array (frames x coefficients), found shape (5, 4, 2)",
    { "mfcc/v.npy" } },
  { "string-features", bad_string_features, CEP_PARTITION_ERROR_FEATURES,
    "dev-clean/mfcc/v.npy: features have dtype <U3, expected numbers", { "mfcc/v.npy" } },
  { "feature-dim", bad_feature_dim, CEP_PARTITION_ERROR_FEATURE_DIM,
    "dev-clean/mfcc/v.npy: 5 coefficients per frame, but mfcc/u1.npy has 4", { "mfcc/v.npy" } },
  { "boundary-inside", bad_boundary_inside, CEP_PARTITION_ERROR_TRANSCRIPT,
    "dev-clean/transcript/v.npy: boundary token '[EOS]' at position 2 (allowed only at the ends)",
    { "transcript/v.npy" } },
  { "transcript-2d", bad_transcript_2d, CEP_PARTITION_ERROR_TRANSCRIPT,
    "dev-clean/transcript/v.npy: expected a 1-D array of phonemes, found shape (5, 2)",
    { "transcript/v.npy" } },
  { "id-out-of-range", bad_id_out_of_range, CEP_PARTITION_ERROR_TRANSCRIPT,
    "dev-clean/transcript/v.npy: id 77 at position 3 is not a phoneme id (0..41)",
    { "transcript/v.npy" } },
  { "bool-transcript", bad_bool_transcript, CEP_PARTITION_ERROR_TRANSCRIPT,
    "dev-clean/transcript/v.npy: transcript has dtype |b1, expected strings or integers",
    { "transcript/v.npy" } },
};

static void
assert_message (const char *message,
                const char *expected)
{
  gsize length = strlen (expected);

  if (length > 0 && expected[length - 1] == '*')
    {
      g_assert_cmpint (strncmp (message, expected, length - 1), ==, 0);
      g_assert_cmpuint (strlen (message), >, length + 4);
      g_assert_null (strstr (message + length - 1, "/dev-clean/"));
    }
  else
    g_assert_cmpstr (message, ==, expected);
}

static void
check_bad_case_fail (const BadCase *bad,
                     const Corpus  *corpus)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 3,
                                                 &error);
  g_assert_null (partition);
  g_assert_error (error, CEP_PARTITION_ERROR, bad->code);
  g_test_message ("%s: %s", bad->name, error->message);
  assert_message (error->message, bad->message);
}

static void
check_bad_case_skip (const BadCase *bad,
                     const Corpus  *corpus)
{
  g_autoptr(GError) error = NULL;
  guint n_expected = 0;

  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_SKIP, TRUE, 3,
                                                 &error);
  g_assert_no_error (error);

  GPtrArray *skipped = cep_partition_get_skipped (partition);
  while (n_expected < G_N_ELEMENTS (bad->skipped) && bad->skipped[n_expected] != NULL)
    n_expected++;
  g_assert_cmpuint (skipped->len, ==, n_expected);
  for (guint i = 0; i < skipped->len; i++)
    {
      CepSkippedFile *file = g_ptr_array_index (skipped, i);
      g_assert_cmpstr (file->file, ==, bad->skipped[i]);
      g_assert_true (file->domain == CEP_PARTITION_ERROR);
      g_assert_cmpint (file->code, ==, bad->code);
      g_assert_nonnull (strstr (file->reason, file->file));
    }
  assert_message (((CepSkippedFile *) g_ptr_array_index (skipped, 0))->reason, bad->message);

  g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, bad->u1_dropped ? 2 : 3);
  g_assert_cmpint (cep_partition_lookup_utterance (partition, "v"), ==, -1);
  if (!bad->u1_dropped)
    assert_utterance (partition, "u1", 1, 11, TRUE);
  assert_utterance (partition, "u2", 2, 7, TRUE);
  assert_utterance (partition, "u3", 3, 13, TRUE);
}

/* One corpus, loaded under both policies. */
static void
test_bad_case (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(Corpus) corpus = corpus_new ();

  bad->make (corpus);
  check_bad_case_fail (bad, corpus);
  check_bad_case_skip (bad, corpus);
}

/* ---- valid variants ------------------------------------------------------------------ */

static void
valid_fortran_order (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);
  float columns[BAD_FRAMES * DIM];
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  gsize shape[2] = { BAD_FRAMES, DIM };

  for (gsize t = 0; t < BAD_FRAMES; t++)
    for (guint d = 0; d < DIM; d++)
      columns[d * BAD_FRAMES + t] = values[t * DIM + d];
  write_features_layout (path, columns, CEP_NPY_KIND_FLOAT, 4, FALSE, TRUE, 2, shape);
  write_v_transcript (corpus);
}

static void
valid_big_endian (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);
  guint32 swapped[BAD_FRAMES * DIM];
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  gsize shape[2] = { BAD_FRAMES, DIM };

  for (guint i = 0; i < BAD_FRAMES * DIM; i++)
    {
      guint32 bits;
      memcpy (&bits, &values[i], 4);
      swapped[i] = GUINT32_TO_BE (bits);
    }
  write_features_layout (path, swapped, CEP_NPY_KIND_FLOAT, 4, TRUE, FALSE, 2, shape);
  write_v_transcript (corpus);
}

static void
valid_float64 (const Corpus *corpus)
{
  g_autofree float *values = data_test_features (4, BAD_FRAMES, DIM);
  double wide[BAD_FRAMES * DIM];
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  gsize shape[2] = { BAD_FRAMES, DIM };

  for (guint i = 0; i < BAD_FRAMES * DIM; i++)
    wide[i] = values[i];
  write_features_layout (path, wide, CEP_NPY_KIND_FLOAT, 8, G_BYTE_ORDER == G_BIG_ENDIAN,
                         FALSE, 2, shape);
  write_v_transcript (corpus);
}

static void
write_int_transcript (const Corpus *corpus,
                      gboolean      with_boundaries,
                      gsize         itemsize)
{
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  gsize n = BAD_FRAMES + (with_boundaries ? 2 : 0);
  g_autofree guint8 *bytes = g_malloc0 (n * itemsize);
  gsize shape[1] = { n };

  for (gsize i = 0; i < n; i++)
    {
      gint64 id = with_boundaries && i == 0 ? 40 : with_boundaries && i == n - 1 ? 41
                  : (gint64) data_test_label (4, i - (with_boundaries ? 1 : 0));
      /* Little endian, any width: the low bytes first. */
      for (gsize b = 0; b < itemsize; b++)
        bytes[i * itemsize + b] = (guint8) (id >> (8 * b));
    }
  write_features_layout (path, bytes, CEP_NPY_KIND_INT, itemsize, FALSE, FALSE, 1, shape);
}

static void
valid_int64_transcript_with_boundaries (const Corpus *corpus)
{
  write_v_features (corpus);
  write_int_transcript (corpus, TRUE, 8);
}

static void
valid_int32_transcript_without_boundaries (const Corpus *corpus)
{
  write_v_features (corpus);
  write_int_transcript (corpus, FALSE, 4);
}

static void
valid_int8_transcript (const Corpus *corpus)
{
  write_v_features (corpus);
  write_int_transcript (corpus, TRUE, 1);
}

static void
valid_bytes_transcript (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  char data[(BAD_FRAMES + 2) * 5] = { 0 };
  gsize shape[1] = { BAD_FRAMES + 2 };

  for (guint i = 0; i < symbols->len; i++)
    memcpy (data + i * 5, g_ptr_array_index (symbols, i),
            strlen (g_ptr_array_index (symbols, i)));
  write_v_features (corpus);
  write_features_layout (path, data, CEP_NPY_KIND_BYTES, 5, FALSE, FALSE, 1, shape);
}

static void
valid_big_endian_unicode_transcript (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "[SOS]", "[EOS]");
  g_autofree char *path = corpus_path (corpus, "transcript", "v.npy");
  guint32 data[(BAD_FRAMES + 2) * 5] = { 0 };
  gsize shape[1] = { BAD_FRAMES + 2 };

  for (guint i = 0; i < symbols->len; i++)
    {
      const char *symbol = g_ptr_array_index (symbols, i);
      for (gsize c = 0; symbol[c] != '\0'; c++)
        data[i * 5 + c] = GUINT32_TO_BE ((guint32) symbol[c]);
    }
  write_v_features (corpus);
  write_features_layout (path, data, CEP_NPY_KIND_UNICODE, 20, TRUE, FALSE, 1, shape);
}

/* F22 spellings of the boundary tokens (SIL has its own test). */
static void
valid_f22_spellings (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, "<sos>", "<eos>");

  write_v_features (corpus);
  write_transcript (corpus, "v.npy", symbols);
}

static void
valid_no_boundaries (const Corpus *corpus)
{
  g_autoptr(GPtrArray) symbols = transcript_symbols (4, BAD_FRAMES, NULL, NULL);

  write_v_features (corpus);
  write_transcript (corpus, "v.npy", symbols);
}

static void
valid_int16_features (const Corpus *corpus)
{
  g_autofree char *path = corpus_path (corpus, "mfcc", "v.npy");
  gint16 data[BAD_FRAMES * DIM];
  gsize shape[2] = { BAD_FRAMES, DIM };

  /* Integers are numbers too; the expectation below uses the same rounded values. */
  for (guint i = 0; i < BAD_FRAMES * DIM; i++)
    data[i] = GINT16_TO_LE ((gint16) (i * 3 % 17) - 5);
  write_features_layout (path, data, CEP_NPY_KIND_INT, 2, FALSE, FALSE, 2, shape);
  write_v_transcript (corpus);
}

typedef struct
{
  const char *name;
  void      (*make) (const Corpus *corpus);
} ValidCase;

static const ValidCase valid_cases[] = {
  { "fortran-order", valid_fortran_order },
  { "big-endian", valid_big_endian },
  { "float64", valid_float64 },
  { "int64-transcript-with-boundaries", valid_int64_transcript_with_boundaries },
  { "int32-transcript-without-boundaries", valid_int32_transcript_without_boundaries },
  { "int8-transcript", valid_int8_transcript },
  { "bytes-transcript", valid_bytes_transcript },
  { "big-endian-unicode-transcript", valid_big_endian_unicode_transcript },
  { "f22-spellings", valid_f22_spellings },
  { "no-boundaries", valid_no_boundaries },
};

static void
test_valid_case (gconstpointer data)
{
  const ValidCase *valid = data;
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;

  valid->make (corpus);
  for (int normalize = 0; normalize <= 1; normalize++)
    {
      g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL,
                                                     normalize, 3, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, 4);
      g_assert_cmpuint (cep_partition_get_skipped (partition)->len, ==, 0);
      assert_good_utterances (partition);
      assert_utterance (partition, "v", 4, BAD_FRAMES, TRUE);
    }
}

/* Seed 40 starts with class 0, written with F22's spelling SIL. */
static void
test_f22_silence (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) symbols = transcript_symbols (40, 6, "<sos>", "<eos>");
  g_autofree float *values = data_test_features (40, 6, DIM);

  g_assert_cmpuint (data_test_label (40, 0), ==, 0);
  for (guint i = 0; i < symbols->len; i++)
    if (g_strcmp0 (g_ptr_array_index (symbols, i), "[SIL]") == 0)
      g_ptr_array_index (symbols, i) = (gpointer) "SIL";
  write_float_features (corpus, "v.npy", values, 6, DIM);
  write_transcript (corpus, "v.npy", symbols);
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 3,
                                                 &error);
  g_assert_no_error (error);
  assert_utterance (partition, "v", 40, 6, TRUE);
}

static void
test_int16_features (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;

  valid_int16_features (corpus);
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, FALSE, 3,
                                                 &error);
  g_assert_no_error (error);
  int v = cep_partition_lookup_utterance (partition, "v");
  const float *frame = cep_partition_get_frame (partition,
                                                cep_partition_get_utterance_start (partition, v));
  for (guint i = 0; i < BAD_FRAMES * DIM; i++)
    g_assert_cmpfloat (frame[i], ==, (float) ((gint16) (i * 3 % 17) - 5));
}

/* ---- layout, windows, normalization -------------------------------------------------- */

/* Utterances of 1, 2, 7 and 40 frames: shorter and longer than every K tested. */
static const gsize layout_lengths[] = { 1, 2, 7, 40 };

static Corpus *
layout_corpus (void)
{
  Corpus *corpus = g_new0 (Corpus, 1);

  corpus->root = data_test_make_root ();
  corpus->dir = g_build_filename (corpus->root, "train-clean-100", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (layout_lengths); i++)
    {
      g_autofree char *name = g_strdup_printf ("utt%u", i);
      data_test_write_utterance (corpus->dir, name, 10 + i, layout_lengths[i], DIM, TRUE);
    }
  return corpus;
}

/* The window of frame @t of utterance @u built from the raw arrays. */
static double *
naive_window (guint    u,
              gsize    t,
              guint    k,
              gboolean normalize)
{
  gsize n = layout_lengths[u];
  g_autofree float *raw = data_test_features (10 + u, n, DIM);
  g_autofree double *frames = expected_normalized (raw, n, DIM, normalize);
  double *window = g_new0 (double, (2 * k + 1) * DIM);

  for (gssize j = -(gssize) k; j <= (gssize) k; j++)
    {
      gssize source = (gssize) t + j;
      if (source < 0 || source >= (gssize) n)
        continue;
      memcpy (window + (j + k) * DIM, frames + source * DIM, DIM * sizeof (double));
    }
  return window;
}

static void
check_windows (CepPartition *partition,
               guint         k,
               gboolean      normalize)
{
  gsize frame = 0;

  for (guint u = 0; u < G_N_ELEMENTS (layout_lengths); u++)
    for (gsize t = 0; t < layout_lengths[u]; t++, frame++)
      {
        g_autofree double *expected = naive_window (u, t, k, normalize);
        const float *window = cep_partition_get_window (partition, frame, k);
        for (guint i = 0; i < (2 * k + 1) * DIM; i++)
          g_assert_cmpfloat_with_epsilon (window[i], expected[i], 2e-5);
      }
}

static void
test_windows (void)
{
  g_autoptr(Corpus) corpus = layout_corpus ();
  const guint context_maxes[] = { 0, 1, 5 };

  for (guint c = 0; c < G_N_ELEMENTS (context_maxes); c++)
    for (int normalize = 0; normalize <= 1; normalize++)
      {
        g_autoptr(GError) error = NULL;
        guint k_max = context_maxes[c];
        g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL,
                                                       normalize, k_max, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (cep_partition_get_context_max (partition), ==, k_max);
        g_assert_cmpuint (cep_partition_get_store_size (partition), ==,
                          (k_max * 5 + 50) * DIM * sizeof (float));
        const guint ks[] = { 0, 1, 5 };
        for (guint i = 0; i < G_N_ELEMENTS (ks) && ks[i] <= k_max; i++)
          check_windows (partition, ks[i], normalize);
      }
}

/* Padding is shared: the window of the last frame of one utterance ends exactly where the
 * next utterance begins, and it is all zeros in between. */
static void
test_padding_is_shared (void)
{
  g_autoptr(Corpus) corpus = layout_corpus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 5,
                                                 &error);
  g_assert_no_error (error);

  for (guint u = 0; u + 1 < G_N_ELEMENTS (layout_lengths); u++)
    {
      gsize next = cep_partition_get_utterance_start (partition, u + 1);
      const float *last = cep_partition_get_frame (partition, next - 1);
      const float *first = cep_partition_get_frame (partition, next);
      g_assert_true (first == last + (5 + 1) * DIM);
      for (const float *p = last + DIM; p < first; p++)
        g_assert_cmpfloat (*p, ==, 0.0f);
      g_assert_true (cep_partition_get_window (partition, next, 5) == last + DIM);
    }
}

static void
test_cmvn_accuracy (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *dir = g_build_filename (root, "dev-clean", NULL);
  g_autofree char *path = g_build_filename (dir, "mfcc", "x.npy", NULL);
  const gsize n = 1500;
  const guint dim = 7;
  g_autofree float *raw = g_new (float, n * dim);
  gsize shape[2] = { n, dim };
  g_autoptr(GError) error = NULL;

  /* Large offsets with small spreads (the hard case for float sums), a constant coefficient,
   * and values near the stddev floor. */
  for (gsize t = 0; t < n; t++)
    {
      raw[t * dim + 0] = (float) (1000.0 + 0.01 * sin (t * 0.1));
      raw[t * dim + 1] = (float) (-250.0 + 40.0 * cos (t * 0.03));
      raw[t * dim + 2] = 3.25f;
      raw[t * dim + 3] = (float) (t % 2 ? 1e-7 : -1e-7);
      raw[t * dim + 4] = (float) (t * 0.5);
      raw[t * dim + 5] = (float) (1e6 + (t % 13));
      raw[t * dim + 6] = (float) (t % 3) - 1.0f;
    }
  g_autofree char *mfcc_dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (mfcc_dir, 0755), ==, 0);
  cep_npy_write_float32 (path, raw, 2, shape, &error);
  g_assert_no_error (error);

  g_autoptr(CepPartition) partition = load_with (dir, CEP_LOAD_POLICY_FAIL, TRUE, 2, &error);
  g_assert_no_error (error);
  g_autofree double *expected = expected_normalized (raw, n, dim, TRUE);
  const float *mean = cep_partition_get_utterance_mean (partition, 0);
  const float *stddev = cep_partition_get_utterance_stddev (partition, 0);

  g_assert_cmpfloat (stddev[2], ==, CEP_CMVN_STDDEV_FLOOR);
  g_assert_cmpfloat (stddev[3], ==, CEP_CMVN_STDDEV_FLOOR);
  for (gsize t = 0; t < n; t++)
    {
      const float *frame = cep_partition_get_frame (partition, t);
      g_assert_cmpfloat (frame[2], ==, 0.0f);
      for (guint d = 0; d < dim; d++)
        {
          if (fabs (frame[d] - expected[t * dim + d]) > 1e-4)
            g_test_message ("t %zu d %u: %g vs %g", t, d, frame[d], expected[t * dim + d]);
          g_assert_cmpfloat_with_epsilon (frame[d], expected[t * dim + d], 1e-4);
          /* raw = normalized * stddev + mean, to float precision of the raw value. */
          double back = (double) frame[d] * stddev[d] + mean[d];
          g_assert_cmpfloat (fabs (back - raw[t * dim + d]), <=,
                             1e-6 * fabs (raw[t * dim + d]) + 1e-4 * stddev[d] + 1e-6);
        }
    }
  data_test_remove_tree (root);
}

static void
test_unnormalized_stats (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, FALSE, 3,
                                                 &error);
  g_assert_no_error (error);
  g_assert_false (cep_partition_is_normalized (partition));
  for (guint u = 0; u < 3; u++)
    for (guint d = 0; d < DIM; d++)
      {
        g_assert_cmpfloat (cep_partition_get_utterance_mean (partition, u)[d], ==, 0.0f);
        g_assert_cmpfloat (cep_partition_get_utterance_stddev (partition, u)[d], ==, 1.0f);
      }
  assert_good_utterances (partition);
}

static void
test_find_utterance (void)
{
  g_autoptr(Corpus) corpus = layout_corpus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 2,
                                                 &error);
  gsize start = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (cep_partition_get_n_frames (partition), ==, 50);
  for (guint u = 0; u < G_N_ELEMENTS (layout_lengths); u++)
    {
      g_assert_cmpuint (cep_partition_get_utterance_start (partition, u), ==, start);
      g_assert_cmpuint (cep_partition_find_utterance (partition, start), ==, u);
      g_assert_cmpuint (cep_partition_find_utterance (partition, start + layout_lengths[u] - 1),
                        ==, u);
      if (start > 0)
        g_assert_cmpuint (cep_partition_find_utterance (partition, start - 1), ==, u - 1);
      start += layout_lengths[u];
    }
  for (gsize f = 0; f < 50; f++)
    {
      guint u = cep_partition_find_utterance (partition, f);
      gsize s = cep_partition_get_utterance_start (partition, u);
      g_assert_cmpuint (s, <=, f);
      g_assert_cmpuint (f, <, s + cep_partition_get_utterance_length (partition, u));
    }
}

static void
test_names_and_counts (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;

  /* File-name order: "u1-b.npy" < "u1.npy" ('-' < '.'), as Python's sorted() has it. */
  data_test_write_utterance (corpus->dir, "u1-b", 5, 4, DIM, TRUE);
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 3,
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_partition_get_name (partition), ==, "dev-clean");
  g_assert_cmpstr (cep_partition_get_folder (partition), ==, corpus->dir);
  g_assert_true (cep_partition_is_labelled (partition));
  g_assert_cmpuint (cep_partition_get_feature_dim (partition), ==, DIM);
  g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, 4);
  g_assert_cmpstr (cep_partition_get_utterance_name (partition, 0), ==, "u1-b");
  g_assert_cmpstr (cep_partition_get_utterance_name (partition, 1), ==, "u1");
  g_assert_cmpint (cep_partition_lookup_utterance (partition, "u3"), ==, 3);
  g_assert_cmpint (cep_partition_lookup_utterance (partition, "nope"), ==, -1);

  guint64 counts[40], expected[40] = { 0 };
  const guint seeds[] = { 5, 1, 2, 3 };
  const gsize lengths[] = { 4, 11, 7, 13 };
  for (guint u = 0; u < 4; u++)
    for (gsize t = 0; t < lengths[u]; t++)
      expected[data_test_label (seeds[u], t)]++;
  cep_partition_get_class_counts (partition, counts);
  for (guint c = 0; c < 40; c++)
    g_assert_cmpuint (counts[c], ==, expected[c]);
  g_assert_cmpuint (cep_phoneme_table_get_n_classes (cep_partition_get_phoneme_table (partition)),
                    ==, 40);
}

static void
test_ignored_files (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *hidden = corpus_path (corpus, "mfcc", "._u1.npy");
  g_autofree char *text = corpus_path (corpus, "mfcc", "notes.txt");

  data_test_write_file (hidden, "junk", 4);
  data_test_write_file (text, "junk", 4);
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 3,
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, 3);
}

static void
test_unlabelled (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *dir = g_build_filename (root, "test-clean", NULL);
  g_autoptr(GError) error = NULL;
  guint64 counts[40];

  data_test_write_utterance (dir, "t1", 1, 6, DIM, FALSE);
  data_test_write_utterance (dir, "t2", 2, 3, DIM, FALSE);
  g_autoptr(CepPartition) partition = load_with (dir, CEP_LOAD_POLICY_FAIL, TRUE, 3, &error);
  g_assert_no_error (error);
  g_assert_false (cep_partition_is_labelled (partition));
  g_assert_null (cep_partition_get_labels (partition));
  cep_partition_get_class_counts (partition, counts);
  for (guint c = 0; c < 40; c++)
    g_assert_cmpuint (counts[c], ==, 0);
  assert_utterance (partition, "t1", 1, 6, FALSE);
  assert_utterance (partition, "t2", 2, 3, FALSE);

  CepLoadOptions options;
  cep_load_options_init (&options);
  options.require_labels = TRUE;
  g_autoptr(CepPartition) none = cep_partition_load (dir, &options, NULL, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "test-clean: no transcript/ folder (labels are required)");
  data_test_remove_tree (root);
}

static void
test_folder_errors (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *missing = g_build_filename (root, "nothing-here", NULL);
  g_autofree char *empty = g_build_filename (root, "dev-clean", NULL);
  g_autofree char *mfcc = g_build_filename (empty, "mfcc", NULL);
  g_autoptr(GError) error = NULL;
  CepPartition *partition;

  partition = load_with (missing, CEP_LOAD_POLICY_FAIL, TRUE, 3, &error);
  g_assert_null (partition);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nothing-here: no such folder"));
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (empty, 0755), ==, 0);
  partition = load_with (empty, CEP_LOAD_POLICY_FAIL, TRUE, 3, &error);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "dev-clean: no mfcc/ folder");
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir_with_parents (mfcc, 0755), ==, 0);
  partition = load_with (empty, CEP_LOAD_POLICY_SKIP, TRUE, 3, &error);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_EMPTY);
  g_assert_cmpstr (error->message, ==, "dev-clean: no utterances (mfcc/ holds no .npy file)");
  g_clear_error (&error);
  data_test_remove_tree (root);
}

static void
test_all_skipped_is_empty (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *dir = g_build_filename (root, "dev-clean", NULL);
  g_autoptr(GError) error = NULL;

  data_test_write_utterance (dir, "a", 1, 5, DIM, TRUE);
  g_autofree char *transcript = g_build_filename (dir, "transcript", "a.npy", NULL);
  g_unlink (transcript);
  g_autoptr(CepPartition) partition = load_with (dir, CEP_LOAD_POLICY_SKIP, TRUE, 3, &error);
  g_assert_null (partition);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_EMPTY);
  g_assert_cmpstr (error->message, ==, "dev-clean: no utterances left (1 files skipped; the "
                   "first: dev-clean/mfcc/a.npy: no transcript (transcript/a.npy is missing))");
  data_test_remove_tree (root);
}

/* ---- many files: threads, compaction, determinism ------------------------------------ */

#define MANY 48

static Corpus *
many_corpus (const guint *bad,
             guint        n_bad)
{
  Corpus *corpus = g_new0 (Corpus, 1);

  corpus->root = data_test_make_root ();
  corpus->dir = g_build_filename (corpus->root, "train-clean-100", NULL);
  for (guint i = 0; i < MANY; i++)
    {
      g_autofree char *name = g_strdup_printf ("utt%03u", i);
      data_test_write_utterance (corpus->dir, name, 100 + i, 3 + i % 9, DIM, TRUE);
    }
  for (guint b = 0; b < n_bad; b++)
    {
      g_autofree char *name = g_strdup_printf ("utt%03u.npy", bad[b]);
      g_autofree float *values = data_test_features (100 + bad[b], 3 + bad[b] % 9, DIM);
      values[DIM] = NAN;
      write_float_features (corpus, name, values, 3 + bad[b] % 9, DIM);
    }
  return corpus;
}

/* Data-pass failures in the middle: survivors are moved down, padding stays zero. */
static void
test_skip_compacts (void)
{
  const guint bad[] = { 0, 17, 18, 30, 47 };
  g_autoptr(Corpus) corpus = many_corpus (bad, G_N_ELEMENTS (bad));
  g_autoptr(GError) error = NULL;
  const guint k = 4;
  g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_SKIP, TRUE, k,
                                                 &error);
  gsize frames = 0;

  g_assert_no_error (error);
  GPtrArray *skipped = cep_partition_get_skipped (partition);
  g_assert_cmpuint (skipped->len, ==, G_N_ELEMENTS (bad));
  for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      g_autofree char *file = g_strdup_printf ("mfcc/utt%03u.npy", bad[b]);
      CepSkippedFile *s = g_ptr_array_index (skipped, b);
      g_assert_cmpstr (s->file, ==, file);
      g_assert_cmpint (s->code, ==, CEP_PARTITION_ERROR_NON_FINITE);
    }
  g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, MANY - G_N_ELEMENTS (bad));
  for (guint i = 0, u = 0; i < MANY; i++)
    {
      gboolean dropped = FALSE;
      for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
        dropped |= bad[b] == i;
      if (dropped)
        continue;
      g_autofree char *name = g_strdup_printf ("utt%03u", i);
      g_assert_cmpstr (cep_partition_get_utterance_name (partition, u), ==, name);
      assert_utterance (partition, name, 100 + i, 3 + i % 9, TRUE);
      /* Zeros on both sides of the utterance. */
      gsize start = cep_partition_get_utterance_start (partition, u);
      gsize length = cep_partition_get_utterance_length (partition, u);
      const float *before = cep_partition_get_window (partition, start, k);
      const float *after = cep_partition_get_frame (partition, start + length - 1) + DIM;
      for (guint f = 0; f < k * DIM; f++)
        {
          g_assert_cmpfloat (before[f], ==, 0.0f);
          g_assert_cmpfloat (after[f], ==, 0.0f);
        }
      frames += length;
      u++;
    }
  g_assert_cmpuint (cep_partition_get_n_frames (partition), ==, frames);
  g_assert_cmpuint (cep_partition_get_store_size (partition), ==,
                    (k * (MANY - G_N_ELEMENTS (bad) + 1) + frames) * DIM * sizeof (float));
}

/* With several loader threads the reported error is still the first bad file in order. */
static void
test_fail_reports_first_in_order (void)
{
  const guint bad[] = { 33, 21, 40 };
  g_autoptr(Corpus) corpus = many_corpus (bad, G_N_ELEMENTS (bad));

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CepPartition) partition = load_with (corpus->dir, CEP_LOAD_POLICY_FAIL, TRUE, 2,
                                                     &error);
      g_assert_null (partition);
      g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_NON_FINITE);
      g_assert_cmpstr (error->message, ==,
                       "train-clean-100/mfcc/utt021.npy: frame 1 holds NaN or Inf");
    }
}

/* The clean many-file corpus, made once for the tests that only read it. */
static Corpus *shared_many;

static const Corpus *
clean_many_corpus (void)
{
  if (shared_many == NULL)
    shared_many = many_corpus (NULL, 0);
  return shared_many;
}

typedef struct
{
  GThread *thread;
  gsize    last_done;
  gsize    total;
  guint    calls;
} ProgressLog;

static void
record_progress (gsize    done,
                 gsize    total,
                 gpointer data)
{
  ProgressLog *log = data;

  g_assert_true (g_thread_self () == log->thread);
  g_assert_cmpuint (done, >=, log->last_done);
  g_assert_cmpuint (done, <=, total);
  log->last_done = done;
  log->total = total;
  log->calls++;
}

static void
test_progress (void)
{
  const Corpus *corpus = clean_many_corpus ();
  g_autoptr(GError) error = NULL;
  ProgressLog log = { g_thread_self (), 0, 0, 0 };
  CepLoadOptions options;

  cep_load_options_init (&options);
  g_autoptr(CepPartition) partition = cep_partition_load (corpus->dir, &options, NULL,
                                                          record_progress, &log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_partition_get_n_utterances (partition), ==, MANY);
  g_assert_cmpuint (log.calls, >, 0);
  g_assert_cmpuint (log.last_done, ==, MANY);
  g_assert_cmpuint (log.total, ==, MANY);
}

static void
test_cancelled (void)
{
  const Corpus *corpus = clean_many_corpus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CepLoadOptions options;

  cep_load_options_init (&options);
  g_cancellable_cancel (cancellable);
  g_autoptr(CepPartition) partition = cep_partition_load (corpus->dir, &options, cancellable,
                                                          NULL, NULL, &error);
  g_assert_null (partition);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "train-clean-100: loading was cancelled");
}

/* Cancelling from the progress callback stops the data pass part-way. */
static void
cancel_at_ten (gsize    done,
               gsize    total,
               gpointer data)
{
  if (done >= 10)
    g_cancellable_cancel (data);
}

static void
test_cancelled_midway (void)
{
  const Corpus *corpus = clean_many_corpus ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CepLoadOptions options;

  cep_load_options_init (&options);
  g_autoptr(CepPartition) partition = cep_partition_load (corpus->dir, &options, cancellable,
                                                          cancel_at_ten, cancellable, &error);
  g_assert_null (partition);
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_CANCELLED);
}

static void
test_custom_table (void)
{
  g_autoptr(Corpus) corpus = corpus_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *table_path = g_build_filename (corpus->root, "phones.txt", NULL);
  GString *text = g_string_new ("# reversed order\n");
  static const char *const names[] = {
    "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
    "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
    "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
    "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
  };

  for (int i = 39; i >= 0; i--)
    g_string_append_printf (text, "%s\n", names[i]);
  g_string_append (text, "[SOS]\n[EOS]\n");
  data_test_write_file (table_path, text->str, text->len);
  g_string_free (text, TRUE);

  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_from_file (table_path, &error);
  g_assert_no_error (error);
  CepLoadOptions options;
  cep_load_options_init (&options);
  options.table = table;
  g_autoptr(CepPartition) partition = cep_partition_load (corpus->dir, &options, NULL, NULL,
                                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_partition_get_phoneme_table (partition) == table);
  const guint8 *labels = cep_partition_get_labels (partition);
  for (gsize t = 0; t < 11; t++)
    g_assert_cmpuint (labels[t], ==, 39 - data_test_label (1, t));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/partition/malformed/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/partition/valid/%s", valid_cases[i].name);
      g_test_add_data_func (path, &valid_cases[i], test_valid_case);
    }
  g_test_add_func ("/partition/valid/int16-features", test_int16_features);
  g_test_add_func ("/partition/valid/f22-silence", test_f22_silence);
  g_test_add_func ("/partition/windows", test_windows);
  g_test_add_func ("/partition/padding-is-shared", test_padding_is_shared);
  g_test_add_func ("/partition/cmvn-accuracy", test_cmvn_accuracy);
  g_test_add_func ("/partition/unnormalized-stats", test_unnormalized_stats);
  g_test_add_func ("/partition/find-utterance", test_find_utterance);
  g_test_add_func ("/partition/names-and-counts", test_names_and_counts);
  g_test_add_func ("/partition/ignored-files", test_ignored_files);
  g_test_add_func ("/partition/unlabelled", test_unlabelled);
  g_test_add_func ("/partition/folder-errors", test_folder_errors);
  g_test_add_func ("/partition/all-skipped-is-empty", test_all_skipped_is_empty);
  g_test_add_func ("/partition/skip-compacts", test_skip_compacts);
  g_test_add_func ("/partition/fail-reports-first-in-order", test_fail_reports_first_in_order);
  g_test_add_func ("/partition/progress", test_progress);
  g_test_add_func ("/partition/cancelled", test_cancelled);
  g_test_add_func ("/partition/cancelled-midway", test_cancelled_midway);
  g_test_add_func ("/partition/custom-table", test_custom_table);

  int status = g_test_run ();
  g_clear_pointer (&shared_many, corpus_free);
  return status;
}
