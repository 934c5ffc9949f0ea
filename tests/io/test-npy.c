/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-npy.c: the .npy reader and writer on good files.
 *
 * Reads the files NumPy wrote (tests/fixtures/npy, made by make-fixtures.py, whose values are
 * repeated here), round-trips every dtype, byte order, memory order and rank through the
 * writer, checks float16 conversion for all 65536 inputs, and checks that a failed write
 * leaves an existing file alone. Malformed files are in test-npy-malformed.c.
 */
#include "cep-npy.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---------------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "npy", name, NULL);
}

static CepNpy *
open_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr (GError) error = NULL;
  CepNpy *npy = cep_npy_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (npy);
  return npy;
}

static float *
read_all_float32 (const CepNpy *npy)
{
  g_autoptr (GError) error = NULL;
  float *values = g_new0 (float, MAX (cep_npy_get_n_elements (npy), 1));

  g_assert_true (cep_npy_read_float32 (npy, values, &error));
  g_assert_no_error (error);
  return values;
}

static gint64 *
read_all_int64 (const CepNpy *npy)
{
  g_autoptr (GError) error = NULL;
  gint64 *values = g_new0 (gint64, MAX (cep_npy_get_n_elements (npy), 1));

  g_assert_true (cep_npy_read_int64 (npy, values, &error));
  g_assert_no_error (error);
  return values;
}

/* Equal bit for bit, except that any NaN matches any NaN. */
static void
assert_float_identical (float  got,
                        float  expected,
                        gsize  index)
{
  if (isnan (expected))
    {
      if (!isnan (got))
        g_error ("element %" G_GSIZE_FORMAT ": expected NaN, got %.9g", index, got);
      return;
    }
  if (memcmp (&got, &expected, sizeof got) != 0)
    g_error ("element %" G_GSIZE_FORMAT ": expected %.9g, got %.9g", index, expected, got);
}

static void
assert_floats_identical (const float *got,
                         const float *expected,
                         gsize        n)
{
  for (gsize i = 0; i < n; i++)
    assert_float_identical (got[i], expected[i], i);
}

static void
assert_shape (const CepNpy *npy,
              guint         n_dims,
              const gsize  *shape)
{
  g_assert_cmpuint (cep_npy_get_n_dims (npy), ==, n_dims);
  for (guint i = 0; i < n_dims; i++)
    g_assert_cmpuint (cep_npy_get_shape (npy)[i], ==, shape[i]);
}

static void
assert_error_prefix (const GError *error,
                     const char   *name,
                     const char   *phrase)
{
  g_autofree char *prefix = g_strconcat (name, ": ", NULL);

  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, phrase) == NULL)
    g_error ("message '%s' should start with '%s' and contain '%s'",
             error->message, prefix, phrase);
}

/* ---- files NumPy wrote ------------------------------------------------------------------ */

static void
test_numpy_float16 (void)
{
  const float expected[] = {
    0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 0x1p-14f, 0x1p-24f, 0x3p-20f, INFINITY, -INFINITY, NAN,
  };
  const char *names[] = { "f2-le.npy", "f2-be.npy" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CepNpy) npy = open_fixture (names[i]);
      g_autofree float *values = NULL;

      g_assert_cmpint (cep_npy_get_kind (npy), ==, CEP_NPY_KIND_FLOAT);
      g_assert_cmpuint (cep_npy_get_itemsize (npy), ==, 2);
      g_assert_cmpint (cep_npy_is_big_endian (npy), ==, i == 1);
      g_assert_cmpstr (cep_npy_get_descr (npy), ==, i == 0 ? "<f2" : ">f2");
      g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, G_N_ELEMENTS (expected));
      values = read_all_float32 (npy);
      assert_floats_identical (values, expected, G_N_ELEMENTS (expected));
    }
}

static void
test_numpy_float32 (void)
{
  const float expected[] = {
    1.5f, -0.0f, 3.4028234663852886e38f, 0x1p-149f,
    INFINITY, -INFINITY, NAN, 0.1f,
    -1e-3f, 7.0f, -8.25f, 16777216.0f,
  };
  const gsize shape[] = { 3, 4 };
  const char *names[] = { "f4-le.npy", "f4-be.npy" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CepNpy) npy = open_fixture (names[i]);
      g_autofree float *values = read_all_float32 (npy);
      g_autoptr (GError) error = NULL;
      gsize rows, cols;

      assert_shape (npy, 2, shape);
      g_assert_false (cep_npy_is_fortran_order (npy));
      g_assert_true (cep_npy_get_matrix_shape (npy, &rows, &cols, &error));
      g_assert_cmpuint (rows, ==, 3);
      g_assert_cmpuint (cols, ==, 4);
      assert_floats_identical (values, expected, G_N_ELEMENTS (expected));
    }
}

static void
test_numpy_float64 (void)
{
  const double doubles[] = { 0.1, -1e300, 1e300, 0x1p-1074, 123456789.125, -0.0 };
  const char *names[] = { "f8-le.npy", "f8-be.npy" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CepNpy) npy = open_fixture (names[i]);
      g_autofree float *values = read_all_float32 (npy);
      g_autofree gint64 *ints = g_new0 (gint64, G_N_ELEMENTS (doubles));
      g_autoptr (GError) error = NULL;

      for (gsize k = 0; k < G_N_ELEMENTS (doubles); k++)
        assert_float_identical (values[k], (float) doubles[k], k);
      g_assert_false (cep_npy_read_int64 (npy, ints, &error));
      g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_CONVERSION);
      assert_error_prefix (error, cep_npy_get_path (npy), "element 0 (0.1) is not an integer");
    }
}

typedef struct
{
  const char *name;
  CepNpyKind  kind;
  gsize       itemsize;
  gboolean    big_endian;
  gint64      values[5];
  gboolean    last_overflows;  /* u8 max does not fit in int64 */
} IntFixture;

static const IntFixture int_fixtures[] = {
  { "i1.npy", CEP_NPY_KIND_INT, 1, FALSE, { G_MININT8, -1, 0, 1, G_MAXINT8 } },
  { "i2-le.npy", CEP_NPY_KIND_INT, 2, FALSE, { G_MININT16, -1, 0, 1, G_MAXINT16 } },
  { "i2-be.npy", CEP_NPY_KIND_INT, 2, TRUE, { G_MININT16, -1, 0, 1, G_MAXINT16 } },
  { "i4-le.npy", CEP_NPY_KIND_INT, 4, FALSE, { G_MININT32, -1, 0, 1, G_MAXINT32 } },
  { "i4-be.npy", CEP_NPY_KIND_INT, 4, TRUE, { G_MININT32, -1, 0, 1, G_MAXINT32 } },
  { "i8-le.npy", CEP_NPY_KIND_INT, 8, FALSE, { G_MININT64, -1, 0, 1, G_MAXINT64 } },
  { "i8-be.npy", CEP_NPY_KIND_INT, 8, TRUE, { G_MININT64, -1, 0, 1, G_MAXINT64 } },
  { "u1.npy", CEP_NPY_KIND_UINT, 1, FALSE, { 0, 1, 2, G_MAXUINT8 - 1, G_MAXUINT8 } },
  { "u2-le.npy", CEP_NPY_KIND_UINT, 2, FALSE, { 0, 1, 2, G_MAXUINT16 - 1, G_MAXUINT16 } },
  { "u2-be.npy", CEP_NPY_KIND_UINT, 2, TRUE, { 0, 1, 2, G_MAXUINT16 - 1, G_MAXUINT16 } },
  { "u4-le.npy", CEP_NPY_KIND_UINT, 4, FALSE, { 0, 1, 2, G_MAXUINT32 - 1, G_MAXUINT32 } },
  { "u4-be.npy", CEP_NPY_KIND_UINT, 4, TRUE, { 0, 1, 2, G_MAXUINT32 - 1, G_MAXUINT32 } },
  { "u8-le.npy", CEP_NPY_KIND_UINT, 8, FALSE, { 0, 1, 2, 0, 0 }, TRUE },
  { "u8-be.npy", CEP_NPY_KIND_UINT, 8, TRUE, { 0, 1, 2, 0, 0 }, TRUE },
};

static void
check_int_fixture (const IntFixture *fixture)
{
  g_autoptr (CepNpy) npy = open_fixture (fixture->name);
  g_autofree float *floats = read_all_float32 (npy);
  gint64 ints[5];
  g_autoptr (GError) error = NULL;
  gboolean ok;

  g_assert_cmpint (cep_npy_get_kind (npy), ==, fixture->kind);
  g_assert_cmpuint (cep_npy_get_itemsize (npy), ==, fixture->itemsize);
  g_assert_cmpint (cep_npy_is_big_endian (npy), ==, fixture->big_endian);
  ok = cep_npy_read_int64 (npy, ints, &error);
  if (fixture->last_overflows)
    {
      g_assert_false (ok);
      g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_CONVERSION);
      assert_error_prefix (error, cep_npy_get_path (npy), "does not fit in int64");
      g_assert_cmpfloat (floats[4], ==, 18446744073709551615.0f);
      g_assert_cmpfloat (floats[3], ==, 18446744073709551614.0f);
      return;
    }
  g_assert_no_error (error);
  for (gsize k = 0; k < 5; k++)
    {
      g_assert_cmpint (ints[k], ==, fixture->values[k]);
      assert_float_identical (floats[k], (float) fixture->values[k], k);
    }
}

static void
test_numpy_integers (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (int_fixtures); i++)
    check_int_fixture (&int_fixtures[i]);
}

static void
test_numpy_bool (void)
{
  g_autoptr (CepNpy) npy = open_fixture ("bool.npy");
  g_autofree float *floats = read_all_float32 (npy);
  g_autofree gint64 *ints = read_all_int64 (npy);
  const float expected[] = { 1, 0, 1, 1, 0 };

  g_assert_cmpint (cep_npy_get_kind (npy), ==, CEP_NPY_KIND_BOOL);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "|b1");
  assert_floats_identical (floats, expected, 5);
  for (gsize k = 0; k < 5; k++)
    g_assert_cmpint (ints[k], ==, (gint64) expected[k]);
}

static const char * const transcript[] = {
  "[SOS]", "AA", "SH", "\xc5\x8b", "\xf0\x9d\x84\x9e", "ab", "[EOS]", NULL,
};

static void
assert_strings (const CepNpy       *npy,
                const char * const *expected)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) strings = cep_npy_read_strings (npy, &error);

  g_assert_no_error (error);
  g_assert_cmpstrv (strings, expected);
}

static void
test_numpy_unicode (void)
{
  const char *names[] = { "U5-le.npy", "U5-be.npy", "U5-v3.npy" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (CepNpy) npy = open_fixture (names[i]);
      g_autoptr (GError) error = NULL;
      float dummy[7];

      g_assert_cmpint (cep_npy_get_kind (npy), ==, CEP_NPY_KIND_UNICODE);
      g_assert_cmpuint (cep_npy_get_itemsize (npy), ==, 20);
      g_assert_cmpint (cep_npy_is_big_endian (npy), ==, i == 1);
      assert_strings (npy, transcript);
      g_assert_false (cep_npy_read_float32 (npy, dummy, &error));
      g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_CONVERSION);
      assert_error_prefix (error, cep_npy_get_path (npy), "as float32");
    }
}

static void
test_numpy_bytes (void)
{
  g_autoptr (CepNpy) npy = open_fixture ("S5.npy");
  const char * const expected[] = { "[SOS]", "AA", "SH", "", "[EOS]", NULL };
  g_autoptr (GError) error = NULL;
  gint64 dummy[5];

  g_assert_cmpint (cep_npy_get_kind (npy), ==, CEP_NPY_KIND_BYTES);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "|S5");
  assert_strings (npy, expected);
  g_assert_false (cep_npy_read_int64 (npy, dummy, &error));
  g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_CONVERSION);
}

/* arange(12).reshape(3, 4) * 1.5 - 4, as make-fixtures.py writes it. */
static void
assert_grid (const CepNpy *npy)
{
  g_autofree float *values = read_all_float32 (npy);
  const gsize shape[] = { 3, 4 };

  assert_shape (npy, 2, shape);
  for (gsize i = 0; i < 12; i++)
    assert_float_identical (values[i], (float) i * 1.5f - 4.0f, i);
}

static void
test_numpy_fortran (void)
{
  g_autoptr (CepNpy) grid = open_fixture ("f4-fortran.npy");
  g_autoptr (CepNpy) cube = open_fixture ("i2-be-fortran-3d.npy");
  g_autoptr (CepNpy) words = open_fixture ("U3-fortran.npy");
  g_autofree gint64 *ints = read_all_int64 (cube);
  const char * const expected_words[] = { "a", "bb", "ccc", "dd", "e", "ff", NULL };
  const gsize cube_shape[] = { 2, 3, 4 };
  const float *raw = cep_npy_get_raw_data (grid);

  g_assert_true (cep_npy_is_fortran_order (grid));
  assert_grid (grid);
  /* The raw bytes stay in storage order: column 0 first. */
  g_assert_cmpfloat (raw[1], ==, 2.0f);
  assert_shape (cube, 3, cube_shape);
  for (gsize i = 0; i < 24; i++)
    g_assert_cmpint (ints[i], ==, (gint64) i - 12);
  assert_strings (words, expected_words);
}

static void
test_numpy_versions (void)
{
  g_autoptr (CepNpy) v2 = open_fixture ("f4-v2.npy");
  g_autoptr (CepNpy) zero_d = open_fixture ("f8-0d.npy");
  g_autoptr (CepNpy) empty = open_fixture ("f4-empty.npy");
  g_autoptr (GError) error = NULL;
  float value = 0;
  gsize rows = 0, cols = 0;

  assert_grid (v2);
  g_assert_cmpuint (cep_npy_get_info (v2)->data_offset % 64, ==, 0);

  g_assert_cmpuint (cep_npy_get_n_dims (zero_d), ==, 0);
  g_assert_cmpuint (cep_npy_get_n_elements (zero_d), ==, 1);
  g_assert_true (cep_npy_read_float32 (zero_d, &value, &error));
  g_assert_cmpfloat (value, ==, -2.75f);
  g_assert_true (cep_npy_get_matrix_shape (zero_d, &rows, &cols, &error));
  g_assert_cmpuint (rows, ==, 1);
  g_assert_cmpuint (cols, ==, 1);

  g_assert_cmpuint (cep_npy_get_n_elements (empty), ==, 0);
  g_assert_true (cep_npy_get_matrix_shape (empty, &rows, &cols, &error));
  g_assert_cmpuint (rows, ==, 0);
  g_assert_cmpuint (cols, ==, 28);
  g_assert_true (cep_npy_read_float32 (empty, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (cep_npy_get_raw_data (empty));
}

/* The header peek agrees with a full open, and the raw data is what follows the header. */
static void
test_read_info (void)
{
  const char *names[] = { "f4-be.npy", "U3-fortran.npy", "f4-v2.npy", "f8-0d.npy", "S5.npy" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = fixture_path (names[i]);
      g_autoptr (CepNpy) npy = open_fixture (names[i]);
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length;
      CepNpyInfo info;

      g_assert_true (cep_npy_read_info (path, &info, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (&info, sizeof info, cep_npy_get_info (npy), sizeof info);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (info.data_offset + info.data_size, ==, length);
      g_assert_cmpmem (cep_npy_get_raw_data (npy), info.data_size,
                       contents + info.data_offset, info.data_size);
    }
}

/* The same image parsed from memory gives the same answers as from a file. */
static void
test_from_data (void)
{
  g_autofree char *path = fixture_path ("f4-le.npy");
  g_autofree char *contents = NULL;
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (CepNpy) reference = open_fixture ("f4-le.npy");
  g_autofree float *values = NULL;
  g_autofree float *expected = read_all_float32 (reference);
  g_autoptr (GError) error = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  npy = cep_npy_new_from_data (contents, length, "memory.npy", &error);
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_assert_cmpstr (cep_npy_get_path (npy), ==, "memory.npy");
  values = read_all_float32 (npy);
  assert_floats_identical (values, expected, 12);
}

/* ---- how files are opened ---------------------------------------------------------------- */

/* Beyond the size that is read into memory, the data is mapped; the answers are the same. */
static void
test_large_mapped (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "large.npy", NULL);
  gsize n = 700000;
  g_autofree guint64 *data = g_new (guint64, n);
  g_autofree float *values = g_new (float, n);
  CepNpyLayout layout = { CEP_NPY_KIND_FLOAT, 8, TRUE, FALSE, 1, &n };
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    {
      double value = (double) i / 8 - 1000;
      memcpy (&data[i], &value, 8);
      data[i] = GUINT64_TO_BE (data[i]);
    }
  g_assert_true (cep_npy_write (path, &layout, data, &error));
  npy = cep_npy_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cep_npy_read_float32 (npy, values, &error));
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (values[i], ==, (float) ((double) i / 8 - 1000));
  g_assert_cmpmem (cep_npy_get_raw_data (npy), n * 8, data, n * 8);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct
{
  char  *fifo;
  char  *contents;
  gsize  length;
} FifoWriter;

static gpointer
write_fifo (gpointer user_data)
{
  FifoWriter *writer = user_data;
  FILE *stream = fopen (writer->fifo, "wb");

  g_assert_nonnull (stream);
  g_assert_cmpuint (fwrite (writer->contents, 1, writer->length, stream), ==, writer->length);
  fclose (stream);
  return NULL;
}

/* A pipe cannot be mapped or preaded: it is read as a stream. */
static void
test_open_fifo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *fixture = fixture_path ("f4-fortran.npy");
  FifoWriter writer = { g_build_filename (dir, "pipe.npy", NULL) };
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (GError) error = NULL;
  GThread *thread;

  g_assert_true (g_file_get_contents (fixture, &writer.contents, &writer.length, NULL));
  g_assert_cmpint (mkfifo (writer.fifo, 0600), ==, 0);
  thread = g_thread_new ("fifo-writer", write_fifo, &writer);
  npy = cep_npy_open (writer.fifo, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_path (npy), ==, writer.fifo);
  assert_grid (npy);
  g_assert_cmpint (g_unlink (writer.fifo), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  g_free (writer.fifo);
  g_free (writer.contents);
}

static void
test_open_not_a_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.npy", NULL);
  g_autoptr (GError) dir_error = NULL;
  g_autoptr (GError) device_error = NULL;
  g_autoptr (GError) missing_error = NULL;
  CepNpyInfo info;

  g_assert_null (cep_npy_open (dir, &dir_error));
  g_assert_error (dir_error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (dir_error, dir, "not a regular file");
  g_assert_false (cep_npy_read_info ("/dev/zero", &info, &device_error));
  assert_error_prefix (device_error, "/dev/zero", "not a regular file");
  g_assert_null (cep_npy_open (missing, &missing_error));
  g_assert_error (missing_error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (missing_error, missing, "could not open: ");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A file cut short after it was opened fails cleanly instead of faulting. */
static void
test_file_shrinks (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shrinks.npy", NULL);
  g_autofree char *strings_path = g_build_filename (dir, "strings.npy", NULL);
  const char * const strings[] = { "AA", "SH" };
  float data[64] = { 0 };
  gsize n = 64;
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (CepNpy) strings_npy = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) strings_error = NULL;

  g_assert_true (cep_npy_write_float32 (path, data, 1, &n, NULL));
  g_assert_true (cep_npy_write_strings (strings_path, strings, 2, NULL));
  npy = cep_npy_open (path, &error);
  strings_npy = cep_npy_open (strings_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (truncate (path, 100), ==, 0);
  g_assert_cmpint (truncate (strings_path, 130), ==, 0);
  g_assert_false (cep_npy_read_float32 (npy, data, &error));
  g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (error, path, "shorter than when it was opened");
  g_assert_null (cep_npy_read_strings (strings_npy, &strings_error));
  g_assert_error (strings_error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (strings_error, strings_path, "changed size since it was opened");
  g_assert_null (cep_npy_get_raw_data (strings_npy));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_unlink (strings_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- float16, all of it ----------------------------------------------------------------- */

/* The definition of binary16, computed in double: independent of the bit-level conversion. */
static double
half_reference (guint16 half)
{
  int sign = half >> 15 ? -1 : 1;
  int exponent = (half >> 10) & 0x1f;
  int mantissa = half & 0x3ff;

  if (exponent == 31)
    return mantissa == 0 ? sign * INFINITY : NAN;
  if (exponent == 0)
    return sign * ldexp (mantissa, -24);
  return sign * ldexp (1024 + mantissa, exponent - 25);
}

static void
test_float16_exhaustive (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "halves.npy", NULL);
  g_autofree guint16 *halves = g_new (guint16, 65536);
  g_autofree float *values = g_new (float, 65536);
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (GError) error = NULL;
  gsize n = 65536;
  CepNpyLayout layout = { CEP_NPY_KIND_FLOAT, 2, TRUE, FALSE, 1, &n };

  for (guint i = 0; i < 65536; i++)
    halves[i] = GUINT16_TO_BE ((guint16) i);
  g_assert_true (cep_npy_write (path, &layout, halves, &error));
  npy = cep_npy_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (cep_npy_read_float32 (npy, values, &error));
  for (guint i = 0; i < 65536; i++)
    {
      double reference = half_reference ((guint16) i);
      if (isnan (reference))
        g_assert_true (isnan (values[i]));
      else
        assert_float_identical (values[i], (float) reference, i);
      g_assert_cmpint (!!signbit (values[i]), ==, i >> 15);
    }
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- round trips through the writer ----------------------------------------------------- */

typedef struct
{
  CepNpyKind kind;
  gsize      itemsize;
} DType;

static const DType dtypes[] = {
  { CEP_NPY_KIND_BOOL, 1 },
  { CEP_NPY_KIND_INT, 1 }, { CEP_NPY_KIND_INT, 2 }, { CEP_NPY_KIND_INT, 4 },
  { CEP_NPY_KIND_INT, 8 },
  { CEP_NPY_KIND_UINT, 1 }, { CEP_NPY_KIND_UINT, 2 }, { CEP_NPY_KIND_UINT, 4 },
  { CEP_NPY_KIND_UINT, 8 },
  { CEP_NPY_KIND_FLOAT, 2 }, { CEP_NPY_KIND_FLOAT, 4 }, { CEP_NPY_KIND_FLOAT, 8 },
  { CEP_NPY_KIND_UNICODE, 16 }, { CEP_NPY_KIND_BYTES, 3 },
};

typedef struct
{
  guint n_dims;
  gsize shape[3];
} Shape;

static const Shape shapes[] = {
  { 0, { 0 } }, { 1, { 5 } }, { 2, { 3, 4 } }, { 3, { 2, 3, 4 } },
  { 2, { 0, 3 } }, { 2, { 3, 0 } }, { 1, { 0 } }, { 3, { 1, 1, 7 } },
};

/* Element @i (C order) of every test array: small numbers every dtype holds exactly. */
static gint64
test_value (const DType *dtype,
            gsize        i)
{
  if (dtype->kind == CEP_NPY_KIND_BOOL)
    return i % 3 == 0;
  if (dtype->kind == CEP_NPY_KIND_UINT)
    return (gint64) (i * 37 % 250);
  return (gint64) (i * 37 % 200) - 100;
}

static void
store_bits (guint8   *dest,
            guint64   bits,
            gsize     size,
            gboolean  big_endian)
{
  for (gsize b = 0; b < size; b++)
    dest[big_endian ? size - 1 - b : b] = (guint8) (bits >> (8 * b));
}

/* Integers up to 2048 in binary16: exact, so a tiny encoder suffices. */
static guint16
half_from_int (gint64 value)
{
  guint16 sign = value < 0 ? 0x8000 : 0;
  guint64 magnitude = (guint64) (value < 0 ? -value : value);
  int exponent = 0;

  if (magnitude == 0)
    return sign;
  while ((magnitude >> exponent) > 1)
    exponent++;
  return sign | (guint16) ((exponent + 15) << 10)
         | (guint16) ((magnitude << (10 - exponent)) & 0x3ff);
}

/* How many characters a string element holds. */
static gsize
string_capacity (const DType *dtype)
{
  return dtype->kind == CEP_NPY_KIND_BYTES ? dtype->itemsize : dtype->itemsize / 4;
}

static void
encode_element (const DType *dtype,
                gboolean     big_endian,
                gint64       value,
                guint8      *dest)
{
  float f = (float) value;
  double d = (double) value;
  guint32 u32;
  guint64 u64;
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  memset (dest, 0, dtype->itemsize);
  if (dtype->kind == CEP_NPY_KIND_BYTES)
    memcpy (dest, text, MIN (strlen (text), string_capacity (dtype)));
  else if (dtype->kind == CEP_NPY_KIND_UNICODE)
    for (gsize c = 0; text[c] != '\0' && c < string_capacity (dtype); c++)
      store_bits (dest + 4 * c, (guchar) text[c], 4, big_endian);
  else if (dtype->kind == CEP_NPY_KIND_FLOAT && dtype->itemsize == 2)
    store_bits (dest, half_from_int (value), 2, big_endian);
  else if (dtype->kind == CEP_NPY_KIND_FLOAT && dtype->itemsize == 4)
    memcpy (&u32, &f, 4), store_bits (dest, u32, 4, big_endian);
  else if (dtype->kind == CEP_NPY_KIND_FLOAT)
    memcpy (&u64, &d, 8), store_bits (dest, u64, 8, big_endian);
  else
    store_bits (dest, (guint64) value, dtype->itemsize, big_endian);
}

/* Where C-order element @i lives in a Fortran-order buffer. */
static gsize
fortran_position (const Shape *shape,
                  gsize        i)
{
  gsize position = 0;
  gsize stride = 1;
  gsize index[3];

  for (guint k = shape->n_dims; k-- > 0;)
    {
      index[k] = i % shape->shape[k];
      i /= shape->shape[k];
    }
  for (guint k = 0; k < shape->n_dims; k++)
    {
      position += index[k] * stride;
      stride *= shape->shape[k];
    }
  return position;
}

static gsize
shape_elements (const Shape *shape)
{
  gsize n = 1;

  for (guint k = 0; k < shape->n_dims; k++)
    n *= shape->shape[k];
  return n;
}

static guint8 *
make_array (const DType *dtype,
            const Shape *shape,
            gboolean     big_endian,
            gboolean     fortran)
{
  gsize n = shape_elements (shape);
  guint8 *data = g_malloc0 (MAX (n, 1) * dtype->itemsize);

  for (gsize i = 0; i < n; i++)
    {
      gsize position = fortran ? fortran_position (shape, i) : i;
      encode_element (dtype, big_endian, test_value (dtype, i),
                      data + position * dtype->itemsize);
    }
  return data;
}

static void
check_values (const CepNpy *npy,
              const DType  *dtype)
{
  gsize n = cep_npy_get_n_elements (npy);
  g_autoptr (GError) error = NULL;

  if (dtype->kind == CEP_NPY_KIND_UNICODE || dtype->kind == CEP_NPY_KIND_BYTES)
    {
      g_auto (GStrv) strings = cep_npy_read_strings (npy, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (strings), ==, n);
      for (gsize i = 0; i < n; i++)
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, test_value (dtype, i));
          text[MIN (strlen (text), string_capacity (dtype))] = '\0';
          g_assert_cmpstr (strings[i], ==, text);
        }
      return;
    }
  {
    g_autofree float *floats = read_all_float32 (npy);
    g_autofree gint64 *ints = read_all_int64 (npy);
    for (gsize i = 0; i < n; i++)
      {
        g_assert_cmpint (ints[i], ==, test_value (dtype, i));
        g_assert_cmpfloat (floats[i], ==, (float) test_value (dtype, i));
      }
  }
}

static void
check_round_trip (const CepNpy *npy,
                  const DType  *dtype,
                  const Shape  *shape,
                  gboolean      big_endian,
                  gboolean      fortran,
                  const guint8 *data)
{
  gsize n = shape_elements (shape);
  gboolean single_byte = dtype->itemsize == 1 || dtype->kind == CEP_NPY_KIND_BYTES;

  g_assert_cmpint (cep_npy_get_kind (npy), ==, dtype->kind);
  g_assert_cmpuint (cep_npy_get_itemsize (npy), ==, dtype->itemsize);
  g_assert_cmpint (cep_npy_is_big_endian (npy), ==, big_endian && !single_byte);
  g_assert_cmpint (cep_npy_is_fortran_order (npy), ==, fortran);
  assert_shape (npy, shape->n_dims, shape->shape);
  g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, n);
  g_assert_cmpmem (cep_npy_get_raw_data (npy), n * dtype->itemsize, data, n * dtype->itemsize);
  check_values (npy, dtype);
}

/* Through memory: every combination. */
static void
round_trip_in_memory (const DType *dtype,
                      const Shape *shape,
                      gboolean     big_endian,
                      gboolean     fortran)
{
  g_autofree guint8 *data = make_array (dtype, shape, big_endian, fortran);
  CepNpyLayout layout = { dtype->kind, dtype->itemsize, big_endian, fortran,
                          shape->n_dims, shape->shape };
  g_autoptr (GBytes) image = NULL;
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  const guint8 *bytes;

  image = cep_npy_serialize (&layout, data, "round-trip.npy", &error);
  g_assert_no_error (error);
  bytes = g_bytes_get_data (image, &length);
  npy = cep_npy_new_from_data (bytes, length, "round-trip.npy", &error);
  g_assert_no_error (error);
  check_round_trip (npy, dtype, shape, big_endian, fortran, data);
}

/* Through a file: what cep_npy_write puts on disk is what cep_npy_serialize makes. */
static void
round_trip_file (const char  *dir,
                 const DType *dtype,
                 const Shape *shape,
                 gboolean     big_endian,
                 gboolean     fortran)
{
  g_autofree char *path = g_build_filename (dir, "round-trip.npy", NULL);
  g_autofree guint8 *data = make_array (dtype, shape, big_endian, fortran);
  CepNpyLayout layout = { dtype->kind, dtype->itemsize, big_endian, fortran,
                          shape->n_dims, shape->shape };
  g_autoptr (GBytes) image = cep_npy_serialize (&layout, data, "x.npy", NULL);
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (cep_npy_write (path, &layout, data, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  npy = cep_npy_open (path, &error);
  g_assert_no_error (error);
  check_round_trip (npy, dtype, shape, big_endian, fortran, data);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "round-trip.npy", NULL);

  for (gsize d = 0; d < G_N_ELEMENTS (dtypes); d++)
    for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
      for (int big_endian = 0; big_endian < 2; big_endian++)
        for (int fortran = 0; fortran < 2; fortran++)
          round_trip_in_memory (&dtypes[d], &shapes[s], big_endian, fortran);
  /* Each write is an fsync: one file per dtype and byte order is enough on disk. */
  for (gsize d = 0; d < G_N_ELEMENTS (dtypes); d++)
    for (int big_endian = 0; big_endian < 2; big_endian++)
      round_trip_file (dir, &dtypes[d], &shapes[3], big_endian, d % 2 == 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* What NumPy writes: version 1.0, header padded to 64 bytes with spaces, ending in '\n'. */
static void
test_header_layout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "grid.npy", NULL);
  g_autofree char *ours = NULL;
  g_autofree char *path_numpy = fixture_path ("f4-le.npy");
  g_autofree char *theirs = NULL;
  const float data[12] = { 0 };
  const gsize shape[] = { 3, 4 };
  g_autoptr (GError) error = NULL;
  gsize length, length_numpy;
  guint header_length;

  g_assert_true (cep_npy_write_float32 (path, data, 2, shape, &error));
  g_assert_true (g_file_get_contents (path, &ours, &length, NULL));
  g_assert_true (g_file_get_contents (path_numpy, &theirs, &length_numpy, NULL));
  g_assert_cmpmem (ours, 8, "\x93NUMPY\x01\x00", 8);
  header_length = (guchar) ours[8] | (guint) (guchar) ours[9] << 8;
  g_assert_cmpuint ((10 + header_length) % 64, ==, 0);
  g_assert_cmpint (ours[10 + header_length - 1], ==, '\n');
  /* Byte for byte the header NumPy wrote for the same dtype and shape. */
  g_assert_cmpmem (ours, 10 + header_length, theirs, 10 + header_length);
  g_assert_cmpuint (length, ==, 10 + header_length + sizeof data);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_write_convenience (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *strings_path = g_build_filename (dir, "strings.npy", NULL);
  g_autofree char *empty_path = g_build_filename (dir, "empty.npy", NULL);
  g_autofree char *ints_path = g_build_filename (dir, "ints.npy", NULL);
  const char * const strings[] = { "AA", "\xc5\x8b", "\xf0\x9d\x84\x9ex", "", NULL };
  const gint64 ints[] = { G_MININT64, -1, 0, G_MAXINT64 };
  g_autoptr (CepNpy) npy = NULL;
  g_autoptr (CepNpy) empty = NULL;
  g_autoptr (CepNpy) int_npy = NULL;
  g_autofree gint64 *read_back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_npy_write_strings (strings_path, strings, 4, &error));
  npy = cep_npy_open (strings_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "<U2");
  assert_strings (npy, strings);

  g_assert_true (cep_npy_write_strings (empty_path, NULL, 0, &error));
  empty = cep_npy_open (empty_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (empty), ==, "<U1");
  g_assert_cmpuint (cep_npy_get_n_elements (empty), ==, 0);

  g_assert_true (cep_npy_write_int64 (ints_path, ints, 4, &error));
  int_npy = cep_npy_open (ints_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (int_npy), ==, "<i8");
  read_back = read_all_int64 (int_npy);
  g_assert_cmpmem (read_back, sizeof ints, ints, sizeof ints);

  g_assert_cmpint (g_unlink (strings_path), ==, 0);
  g_assert_cmpint (g_unlink (empty_path), ==, 0);
  g_assert_cmpint (g_unlink (ints_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_write_invalid_utf8 (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.npy", NULL);
  const char * const strings[] = { "ok", "\xff\xfe" };
  g_autoptr (GError) error = NULL;

  g_assert_false (cep_npy_write_strings (path, strings, 2, &error));
  g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_CONVERSION);
  assert_error_prefix (error, path, "string 1 is not valid UTF-8");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
run_python (const char  *script,
            char       **out)
{
  const char *argv[] = { "/usr/bin/python3", "-c", script, NULL };
  int status = 1;

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                       out, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

/* NumPy itself loads what we write (skipped where Debian's python3-numpy is missing). */
static void
test_numpy_reads_ours (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *strings_path = NULL;
  g_autofree char *quoted_path = NULL;
  g_autofree char *quoted_strings_path = NULL;
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  const DType dtype = { CEP_NPY_KIND_INT, 2 };
  const Shape shape = { 3, { 2, 3, 4 } };
  g_autofree guint8 *data = make_array (&dtype, &shape, TRUE, TRUE);
  const char * const strings[] = { "AA", "\xc5\x8b", NULL };
  CepNpyLayout layout = { CEP_NPY_KIND_INT, 2, TRUE, TRUE, 3, shape.shape };

  if (!run_python ("import numpy", NULL))
    {
      g_test_skip ("/usr/bin/python3 with numpy is not available");
      return;
    }
  dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  path = g_build_filename (dir, "cube.npy", NULL);
  strings_path = g_build_filename (dir, "strings.npy", NULL);
  g_assert_true (cep_npy_write (path, &layout, data, NULL));
  g_assert_true (cep_npy_write_strings (strings_path, strings, 2, NULL));
  /* Shell quoting of a temp path ('/tmp/...') is also a Python string literal. */
  quoted_path = g_shell_quote (path);
  quoted_strings_path = g_shell_quote (strings_path);
  script = g_strdup_printf ("import numpy as np\n"
                            "a = np.load(%s)\n"
                            "assert a.dtype == np.dtype('>i2') and a.flags.f_contiguous\n"
                            "expected = (np.arange(24) * 37 %% 200 - 100).reshape(2, 3, 4)\n"
                            "assert (a == expected).all()\n"
                            "s = np.load(%s)\n"
                            "assert s.tolist() == ['AA', '\\u014b'], s\n"
                            "print('ok')\n", quoted_path, quoted_strings_path);
  g_assert_true (run_python (script, &out));
  g_assert_cmpstr (out, ==, "ok\n");
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_unlink (strings_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- failed writes ---------------------------------------------------------------------- */

static const float old_data[3] = { 1, 2, 3 };

static char *
write_old_file (const char *dir)
{
  char *path = g_build_filename (dir, "keep.npy", NULL);
  gsize n = 3;

  g_assert_true (cep_npy_write_float32 (path, old_data, 1, &n, NULL));
  return path;
}

static void
assert_old_file_intact (const char *path)
{
  g_autoptr (CepNpy) npy = cep_npy_open (path, NULL);
  g_autofree float *values = NULL;

  g_assert_nonnull (npy);
  g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, 3);
  values = read_all_float32 (npy);
  g_assert_cmpmem (values, sizeof old_data, old_data, sizeof old_data);
}

/* Nothing but @expected is left in @dir (no temporary files). */
static void
assert_dir_holds_only (const char *dir,
                       const char *expected)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (handle)) != NULL)
    g_assert_cmpstr (name, ==, expected);
}

static void
test_write_missing_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "no", "such", "dir", "x.npy", NULL);
  gsize n = 3;
  g_autoptr (GError) error = NULL;

  g_assert_false (cep_npy_write_float32 (path, old_data, 1, &n, &error));
  g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (error, path, "could not create a temporary file next to it: ");
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The target is a directory: refused before anything is written. */
static void
test_write_over_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "target.npy", NULL);
  g_autofree char *inside = g_build_filename (path, "keep", NULL);
  gsize n = 3;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", 1, NULL));
  g_assert_false (cep_npy_write_float32 (path, old_data, 1, &n, &error));
  g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
  assert_error_prefix (error, path, "is a folder, not a regular file: nothing was written");
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  assert_dir_holds_only (dir, "target.npy");
  g_assert_cmpint (g_unlink (inside), ==, 0);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_write_read_only_directory (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  g_autofree char *old_path = write_old_file (dir);
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  float new_data[5] = { 0 };
  gsize n = 5;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  if (g_file_set_contents (probe, "", 0, NULL))
    {
      /* Root (or a capability) writes anyway: nothing to test here. */
      g_assert_cmpint (g_unlink (probe), ==, 0);
      g_test_skip ("read-only directories are writable for this user");
    }
  else
    {
      g_assert_false (cep_npy_write_float32 (old_path, new_data, 1, &n, &error));
      g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
      assert_error_prefix (error, old_path, "could not create a temporary file next to it: ");
      assert_old_file_intact (old_path);
    }
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_unlink (old_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A full disk, honestly: a file size limit makes write() fail part-way (EFBIG rather than
 * ENOSPC, through the same path). Runs in a subprocess so the limit stays there. */
static void
test_write_file_too_large (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *old_path = NULL;

  if (g_test_subprocess ())
    {
      const char *sub_dir = g_getenv ("CEP_NPY_TEST_DIR");
      g_autofree char *path = g_build_filename (sub_dir, "keep.npy", NULL);
      struct rlimit limit = { 4096, 4096 };
      gsize n = 100000;
      g_autofree float *big = g_new0 (float, n);
      g_autoptr (GError) error = NULL;

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (cep_npy_write_float32 (path, big, 1, &n, &error));
      g_assert_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
      assert_error_prefix (error, path, "could not write: ");
      g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
      return;
    }
  dir = g_dir_make_tmp ("cep-npy-XXXXXX", NULL);
  old_path = write_old_file (dir);
  g_setenv ("CEP_NPY_TEST_DIR", dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  assert_old_file_intact (old_path);
  assert_dir_holds_only (dir, "keep.npy");
  g_assert_cmpint (g_unlink (old_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/npy/numpy/float16", test_numpy_float16);
  g_test_add_func ("/npy/numpy/float32", test_numpy_float32);
  g_test_add_func ("/npy/numpy/float64", test_numpy_float64);
  g_test_add_func ("/npy/numpy/integers", test_numpy_integers);
  g_test_add_func ("/npy/numpy/bool", test_numpy_bool);
  g_test_add_func ("/npy/numpy/unicode", test_numpy_unicode);
  g_test_add_func ("/npy/numpy/bytes", test_numpy_bytes);
  g_test_add_func ("/npy/numpy/fortran", test_numpy_fortran);
  g_test_add_func ("/npy/numpy/versions", test_numpy_versions);
  g_test_add_func ("/npy/read-info", test_read_info);
  g_test_add_func ("/npy/from-data", test_from_data);
  g_test_add_func ("/npy/open/large-mapped", test_large_mapped);
  g_test_add_func ("/npy/open/fifo", test_open_fifo);
  g_test_add_func ("/npy/open/not-a-file", test_open_not_a_file);
  g_test_add_func ("/npy/open/file-shrinks", test_file_shrinks);
  g_test_add_func ("/npy/float16-exhaustive", test_float16_exhaustive);
  g_test_add_func ("/npy/round-trip", test_round_trip);
  g_test_add_func ("/npy/write/header-layout", test_header_layout);
  g_test_add_func ("/npy/write/convenience", test_write_convenience);
  g_test_add_func ("/npy/write/invalid-utf8", test_write_invalid_utf8);
  g_test_add_func ("/npy/write/numpy-reads-ours", test_numpy_reads_ours);
  g_test_add_func ("/npy/write/missing-directory", test_write_missing_directory);
  g_test_add_func ("/npy/write/over-directory", test_write_over_directory);
  g_test_add_func ("/npy/write/read-only-directory", test_write_read_only_directory);
  g_test_add_func ("/npy/write/file-too-large", test_write_file_too_large);

  return g_test_run ();
}
