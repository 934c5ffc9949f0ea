/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-safetensors.c: the safetensors reader and writer.
 *
 * The reader is checked against a fixture written by hand in Python (make-fixtures.py), the
 * writer by round trips, and the validation by a table of malformed files built here.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cep-safetensors.h"
#include "cep-safetensors-private.h"

static char *
fixture_path (const char *name)
{
  return g_build_filename (CEP_FIXTURES_DIR, name, NULL);
}

static void
test_fixture_tensors (void)
{
  g_autofree char *path = fixture_path ("mixed.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, &error);
  const char *in_offset_order[] = { "layers.0.weight", "half", "brain", "empty", "double",
                                    "counter", "int32", "bytes", "flags", "scalar" };
  const CepSafetensor *tensor;

  g_assert_no_error (error);
  g_assert_cmpuint (cep_safetensors_get_n_tensors (file), ==, G_N_ELEMENTS (in_offset_order));
  for (guint i = 0; i < G_N_ELEMENTS (in_offset_order); i++)
    g_assert_cmpstr (cep_safetensors_get_tensor (file, i)->name, ==, in_offset_order[i]);

  tensor = cep_safetensors_lookup (file, "double", &error);
  g_assert_no_error (error);
  g_assert_cmpint (tensor->dtype, ==, CEP_SAFETENSORS_DTYPE_F64);
  g_assert_cmpuint (tensor->n_dims, ==, 2);
  g_assert_cmpuint (tensor->shape[0], ==, 2);
  g_assert_cmpuint (tensor->shape[1], ==, 2);
  g_assert_cmpuint (tensor->n_bytes, ==, 32);

  tensor = cep_safetensors_lookup (file, "scalar", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tensor->n_dims, ==, 0);
  g_assert_cmpuint (tensor->n_elements, ==, 1);

  tensor = cep_safetensors_lookup (file, "empty", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tensor->n_elements, ==, 0);
}

static void
test_fixture_metadata (void)
{
  g_autofree char *path = fixture_path ("mixed.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, &error);
  const char * const *keys;

  g_assert_no_error (error);
  keys = cep_safetensors_get_metadata_keys (file);
  g_assert_cmpuint (g_strv_length ((char **) keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "format");
  g_assert_cmpstr (keys[1], ==, "note");
  g_assert_cmpstr (cep_safetensors_get_metadata (file, "format"), ==, "pt");
  g_assert_null (cep_safetensors_get_metadata (file, "missing"));
}

static void
assert_floats (const float *have,
               const float *want,
               gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (isnan (want[i]))
      g_assert_true (isnan (have[i]));
    else
      {
        g_assert_cmpfloat (have[i], ==, want[i]);
        g_assert_cmpint (signbit (have[i]), ==, signbit (want[i]));
      }
}

static void
read_and_compare_f32 (CepSafetensors *file,
                      const char     *name,
                      const float    *want,
                      gsize           n)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *have = g_new0 (float, n + 1);

  g_assert_true (cep_safetensors_read_f32 (file, name, 0, NULL, have, n, &error));
  g_assert_no_error (error);
  assert_floats (have, want, n);
}

static void
test_fixture_float_conversions (void)
{
  g_autofree char *path = fixture_path ("mixed.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, &error);
  const float f32[] = { 1.5f, -2.0f, 0.25f, 3.0f, 1e-3f, -0.0f };
  const float f16[] = { 1.0f, 0x1p-24f, 65504.0f, -INFINITY, 0.5f - 0x1p-11f };
  const float bf16[] = { 1.0f, -3.5f, 0x1p-100f };
  const float f64[] = { 0.1f, -1e30f, (float) 1e-40, 7.0f };
  const gsize shape[] = { 2, 3 };
  float matrix[6];

  g_assert_no_error (error);
  read_and_compare_f32 (file, "layers.0.weight", f32, G_N_ELEMENTS (f32));
  read_and_compare_f32 (file, "half", f16, G_N_ELEMENTS (f16));
  read_and_compare_f32 (file, "brain", bf16, G_N_ELEMENTS (bf16));
  read_and_compare_f32 (file, "double", f64, G_N_ELEMENTS (f64));
  read_and_compare_f32 (file, "empty", NULL, 0);

  g_assert_true (cep_safetensors_read_f32 (file, "layers.0.weight", 2, shape, matrix, 6,
                                           &error));
  g_assert_no_error (error);
  assert_floats (matrix, f32, 6);
}

static void
read_and_compare_i64 (CepSafetensors *file,
                      const char     *name,
                      const gint64   *want,
                      gsize           n)
{
  g_autoptr(GError) error = NULL;
  gint64 have[8];

  g_assert_cmpuint (n, <=, G_N_ELEMENTS (have));
  g_assert_true (cep_safetensors_read_i64 (file, name, 0, NULL, have, n, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint (have[i], ==, want[i]);
}

static void
test_fixture_int_conversions (void)
{
  g_autofree char *path = fixture_path ("mixed.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, &error);
  const gint64 i64[] = { -(G_GINT64_CONSTANT (1) << 40), 7 };
  const gint64 i32[] = { -5, G_MAXINT32, 0 };
  const gint64 u8[] = { 0, 255 };
  const gint64 flags[] = { 1, 0, 1 };

  g_assert_no_error (error);
  read_and_compare_i64 (file, "counter", i64, G_N_ELEMENTS (i64));
  read_and_compare_i64 (file, "int32", i32, G_N_ELEMENTS (i32));
  read_and_compare_i64 (file, "bytes", u8, G_N_ELEMENTS (u8));
  read_and_compare_i64 (file, "flags", flags, G_N_ELEMENTS (flags));
}

static void
test_read_errors (void)
{
  g_autofree char *path = fixture_path ("mixed.safetensors");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, &error);
  const gsize wrong_shape[] = { 3, 2 };
  float values[6];
  gint64 integers[6];

  g_assert_no_error (error);
  g_assert_false (cep_safetensors_read_f32 (file, "nope", 0, NULL, values, 6, &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_clear_error (&error);

  g_assert_false (cep_safetensors_read_f32 (file, "layers.0.weight", 2, wrong_shape, values, 6,
                                            &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_SHAPE);
  g_assert_nonnull (strstr (error->message, "layers.0.weight: shape [2, 3], expected [3, 2]"));
  g_clear_error (&error);

  g_assert_false (cep_safetensors_read_f32 (file, "layers.0.weight", 0, NULL, values, 5,
                                            &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_SHAPE);
  g_clear_error (&error);

  g_assert_false (cep_safetensors_read_f32 (file, "int32", 0, NULL, values, 3, &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_DTYPE);
  g_clear_error (&error);

  g_assert_false (cep_safetensors_read_i64 (file, "half", 0, NULL, integers, 5, &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_DTYPE);
}

static void
test_open_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_open ("/nonexistent/x.safetensors", &error);

  g_assert_null (file);
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.safetensors"));
}

/* A file image: the 8-byte length (@claimed_length when not 0), @json_length bytes of @json,
 * and @data_size bytes of data (0x11 each). */
static GBytes *
make_image (const char *json,
            gsize       json_length,
            gsize       data_size,
            guint64     claimed_length)
{
  guint64 length = claimed_length != 0 ? claimed_length : json_length;
  GByteArray *image = g_byte_array_new ();
  guint8 prefix[8];

  for (int i = 0; i < 8; i++)
    prefix[i] = (guint8) (length >> (8 * i));
  g_byte_array_append (image, prefix, 8);
  g_byte_array_append (image, (const guint8 *) json, (guint) json_length);
  for (gsize i = 0; i < data_size; i++)
    g_byte_array_append (image, (const guint8 *) "\x11", 1);
  return g_byte_array_free_to_bytes (image);
}

typedef struct
{
  const char *what;
  const char *json;
  gsize       data_size;
  guint64     claimed_length;
  int         code;
  const char *message;
  gsize       json_length;  /* 0: strlen (json) */
} MalformedCase;

static const MalformedCase malformed_cases[] = {
  { "length beyond the file", "{}", 0, 1000, CEP_SAFETENSORS_ERROR_HEADER, "beyond the end" },
  { "length above the limit", "{}", 0, G_GUINT64_CONSTANT (1) << 62,
    CEP_SAFETENSORS_ERROR_HEADER, "beyond the end" },
  { "bad JSON", "{\"a\": {\"dtype\": ", 0, 0, CEP_SAFETENSORS_ERROR_HEADER, "not valid JSON" },
  { "not an object", "[1, 2]", 0, 0, CEP_SAFETENSORS_ERROR_HEADER, "JSON object" },
  { "tensor named twice",
    "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, "
    "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "the member “a” appears twice in one object" },
  { "empty header", "", 0, 0, CEP_SAFETENSORS_ERROR_HEADER, "JSON object" },
  { "entry not an object", "{\"a\": 5}", 0, 0, CEP_SAFETENSORS_ERROR_HEADER,
    "a: entry is not an object" },
  { "missing dtype", "{\"a\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", 4, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "a: dtype is missing" },
  { "missing shape", "{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", 4, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "a: shape is missing" },
  { "missing offsets", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "a: data_offsets" },
  { "unknown dtype", "{\"a\": {\"dtype\": \"Q4\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
    4, 0, CEP_SAFETENSORS_ERROR_DTYPE, "unknown dtype Q4" },
  { "dtype not a string", "{\"a\": {\"dtype\": 4, \"shape\": [1], \"data_offsets\": [0, 4]}}",
    4, 0, CEP_SAFETENSORS_ERROR_HEADER, "dtype is missing or not a string" },
  { "negative size", "{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
    4, 0, CEP_SAFETENSORS_ERROR_HEADER, "negative" },
  { "fractional size", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}",
    4, 0, CEP_SAFETENSORS_ERROR_HEADER, "non-integer" },
  { "overflowing shape", "{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296, "
    "4294967296], \"data_offsets\": [0, 4]}}", 4, 0, CEP_SAFETENSORS_ERROR_HEADER, "overflow" },
  { "overflowing bytes", "{\"a\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904], "
    "\"data_offsets\": [0, 4]}}", 4, 0, CEP_SAFETENSORS_ERROR_HEADER, "overflows" },
  { "too many dimensions", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1], "
    "\"data_offsets\": [0, 4]}}", 4, 0, CEP_SAFETENSORS_ERROR_HEADER, "at most 8" },
  { "three offsets", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4, 8]}}",
    8, 0, CEP_SAFETENSORS_ERROR_HEADER, "data_offsets" },
  { "reversed offsets", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 0]}}",
    4, 0, CEP_SAFETENSORS_ERROR_HEADER, "begin <= end" },
  { "huge offset", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
    "\"data_offsets\": [18446744073709551612, 18446744073709551616]}}", 4, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "data_offsets" },
  { "end beyond the file", "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "
    "\"data_offsets\": [996, 1000]}}", 4, 0, CEP_SAFETENSORS_ERROR_LAYOUT, "beyond the 4 data" },
  { "wrong dtype size", "{\"a\": {\"dtype\": \"F32\", \"shape\": [6], \"data_offsets\": [0, 20]}}",
    20, 0, CEP_SAFETENSORS_ERROR_LAYOUT, "hold 20 bytes, but 1 dimensions of F32 need 24" },
  { "overlap", "{\"a\": {\"dtype\": \"F32\", \"shape\": [6], \"data_offsets\": [0, 24]}, "
    "\"b\": {\"dtype\": \"F32\", \"shape\": [6], \"data_offsets\": [20, 44]}}", 44, 0,
    CEP_SAFETENSORS_ERROR_LAYOUT, "b: data starts at byte 20 where 24 was expected (overlap)" },
  { "hole", "{\"a\": {\"dtype\": \"F32\", \"shape\": [6], \"data_offsets\": [0, 24]}, "
    "\"b\": {\"dtype\": \"F32\", \"shape\": [6], \"data_offsets\": [28, 52]}}", 52, 0,
    CEP_SAFETENSORS_ERROR_LAYOUT, "(hole)" },
  { "hole at the start", "{\"a\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [2, 4]}}",
    4, 0, CEP_SAFETENSORS_ERROR_LAYOUT, "(hole)" },
  { "bytes after the data", "{\"a\": {\"dtype\": \"U8\", \"shape\": [2], "
    "\"data_offsets\": [0, 2]}}", 3, 0, CEP_SAFETENSORS_ERROR_LAYOUT, "1 bytes after" },
  { "metadata not strings", "{\"__metadata__\": {\"epoch\": 3}}", 0, 0,
    CEP_SAFETENSORS_ERROR_HEADER, "__metadata__: epoch is not a string" },
  { "metadata not an object", "{\"__metadata__\": [1]}", 0, 0, CEP_SAFETENSORS_ERROR_HEADER,
    "__metadata__ is not an object" },
  { "NUL inside the header", "{\"a\" \0 }", 0, 0, CEP_SAFETENSORS_ERROR_HEADER, "JSON object",
    8 },
  { "not UTF-8", "{\"\xff\": 1}", 0, 0, CEP_SAFETENSORS_ERROR_HEADER, "UTF-8" },
};

static void
test_malformed (gconstpointer data)
{
  const MalformedCase *c = data;
  gsize json_length = c->json_length != 0 ? c->json_length : strlen (c->json);
  g_autoptr(GBytes) image = make_image (c->json, json_length, c->data_size, c->claimed_length);
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = NULL;

  file = cep_safetensors_new_from_data (g_bytes_get_data (image, NULL),
                                        g_bytes_get_size (image), "bad.safetensors", &error);
  g_assert_null (file);
  g_assert_error (error, CEP_SAFETENSORS_ERROR, c->code);
  g_assert_true (g_str_has_prefix (error->message, "bad.safetensors: "));
  if (strstr (error->message, c->message) == NULL)
    g_error ("%s: message “%s” lacks “%s”", c->what, error->message, c->message);
}

static void
test_too_short (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = cep_safetensors_new_from_data ("\x02\0\0\0", 4, "short",
                                                                  &error);

  g_assert_null (file);
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_HEADER);
  g_assert_cmpstr (error->message, ==, "short: only 4 bytes: too short for the 8-byte header "
                                       "length of a safetensors file");
}

static void
test_valid_edge_cases (void)
{
  const char *headers[] = {
    "{}",
    "{}      ",
    "{\"a\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [0, 0]}, "
    "\"b\": {\"dtype\": \"F32\", \"shape\": [0, 5], \"data_offsets\": [0, 0]}}",
    "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"extra\": 1}}",
  };
  const gsize data_sizes[] = { 0, 0, 0, 4 };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autoptr(GBytes) image = make_image (headers[i], strlen (headers[i]), data_sizes[i], 0);
      g_autoptr(GError) error = NULL;
      g_autoptr(CepSafetensors) file = NULL;

      file = cep_safetensors_new_from_data (g_bytes_get_data (image, NULL),
                                            g_bytes_get_size (image), "edge", &error);
      g_assert_no_error (error);
      g_assert_nonnull (file);
    }
}

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cepstra-safetensors-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "ckpt.safetensors", NULL);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unlink (fixture->path);
  g_assert_cmpuint (count_files (fixture->dir), ==, 0);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = NULL;
  const gsize weight_shape[] = { 3, 5 }, bias_shape[] = { 3 }, empty_shape[] = { 0, 4 };
  float weight[15], bias[3] = { -1.0f, 0.0f, INFINITY }, read_back[15];
  gint64 counter = G_GINT64_CONSTANT (123456789012), counter_back = 0;
  g_autofree char *contents = NULL;
  gsize length = 0;

  for (guint i = 0; i < 15; i++)
    weight[i] = (float) i / 7.0f - 1.0f;
  g_assert_true (cep_safetensors_writer_add_f32 (writer, "layers.0.weight", 2, weight_shape,
                                                 weight, &error));
  g_assert_true (cep_safetensors_writer_add_f32 (writer, "layers.0.bias", 1, bias_shape, bias,
                                                 &error));
  g_assert_true (cep_safetensors_writer_add_f32 (writer, "empty", 2, empty_shape, NULL,
                                                 &error));
  g_assert_true (cep_safetensors_writer_add_i64 (writer, "layers.1.num_batches_tracked", 0,
                                                 NULL, &counter, &error));
  g_assert_no_error (error);
  cep_safetensors_writer_set_metadata (writer, "experiment", "{\"seed\": 1, \"é\": \"\\n\"}");
  cep_safetensors_writer_set_metadata (writer, "format", "pt");
  g_assert_true (cep_safetensors_writer_write (writer, fixture->path, &error));
  g_assert_no_error (error);

  /* The buffer starts 8-byte aligned. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (((guint8) contents[0] | (guint) (guint8) contents[1] << 8) % 8, ==, 0);

  file = cep_safetensors_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_safetensors_get_n_tensors (file), ==, 4);
  g_assert_cmpstr (cep_safetensors_get_tensor (file, 0)->name, ==, "layers.0.weight");
  g_assert_true (cep_safetensors_read_f32 (file, "layers.0.weight", 2, weight_shape, read_back,
                                           15, &error));
  assert_floats (read_back, weight, 15);
  g_assert_true (cep_safetensors_read_f32 (file, "layers.0.bias", 1, bias_shape, read_back, 3,
                                           &error));
  assert_floats (read_back, bias, 3);
  g_assert_true (cep_safetensors_read_i64 (file, "layers.1.num_batches_tracked", 0, NULL,
                                           &counter_back, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counter_back, ==, counter);
  g_assert_cmpstr (cep_safetensors_get_metadata (file, "experiment"), ==,
                   "{\"seed\": 1, \"é\": \"\\n\"}");
  g_assert_cmpstr (cep_safetensors_get_metadata (file, "format"), ==, "pt");
}

static void
write_one (const char *path,
           float       value)
{
  g_autoptr(CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  const gsize shape[] = { 1 };

  g_assert_true (cep_safetensors_writer_add_f32 (writer, "x", 1, shape, &value, &error));
  g_assert_true (cep_safetensors_writer_write (writer, path, &error));
  g_assert_no_error (error);
}

static void
test_replace_existing (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepSafetensors) file = NULL;
  float value = 0.0f;

  write_one (fixture->path, 1.0f);
  write_one (fixture->path, 2.0f);
  g_assert_cmpuint (count_files (fixture->dir), ==, 1);
  file = cep_safetensors_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (cep_safetensors_read_f32 (file, "x", 0, NULL, &value, 1, &error));
  g_assert_cmpfloat (value, ==, 2.0f);
}

static void
test_write_into_missing_folder (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "no", "such", "x.safetensors", NULL);

  g_assert_false (cep_safetensors_writer_write (writer, path, &error));
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
}

/* /dev/full answers every write with ENOSPC, as a full disk does. */
static void
test_disk_full (void)
{
  g_autoptr(CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  const gsize shape[] = { 4 };
  const float values[4] = { 1, 2, 3, 4 };
  int fd = open ("/dev/full", O_WRONLY | O_CLOEXEC);

  if (fd < 0)
    {
      g_test_skip ("no /dev/full");
      return;
    }
  g_assert_true (cep_safetensors_writer_add_f32 (writer, "x", 1, shape, values, &error));
  g_assert_false (_cep_safetensors_writer_write_fd (writer, fd, "runs/a/last.safetensors",
                                                    &error));
  close (fd);
  g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_NO_SPACE);
  g_assert_true (g_str_has_prefix (error->message, "runs/a/last.safetensors: could not write: "
                                                   "the disk is full"));
}

static void
test_writer_rejects_bad_names (void)
{
  g_autoptr(CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  const gsize shape[] = { 1 }, many[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  const float value = 1.0f;
  const char *bad[] = { "", "__metadata__", "x", "\xff" };

  g_assert_true (cep_safetensors_writer_add_f32 (writer, "x", 1, shape, &value, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (cep_safetensors_writer_add_f32 (writer, bad[i], 1, shape, &value, &error));
      g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_INVALID);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (cep_safetensors_writer_add_f32 (writer, "deep", 9, many, &value, &error));
    g_assert_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_INVALID);
  }
}

static void
test_dtype_names (void)
{
  g_assert_cmpstr (cep_safetensors_dtype_to_string (CEP_SAFETENSORS_DTYPE_BF16), ==, "BF16");
  g_assert_cmpuint (cep_safetensors_dtype_size (CEP_SAFETENSORS_DTYPE_BF16), ==, 2);
  g_assert_cmpuint (cep_safetensors_dtype_size (CEP_SAFETENSORS_DTYPE_F64), ==, 8);
  g_assert_cmpuint (cep_safetensors_dtype_size (CEP_SAFETENSORS_DTYPE_BOOL), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/safetensors/fixture/tensors", test_fixture_tensors);
  g_test_add_func ("/safetensors/fixture/metadata", test_fixture_metadata);
  g_test_add_func ("/safetensors/fixture/float-conversions", test_fixture_float_conversions);
  g_test_add_func ("/safetensors/fixture/int-conversions", test_fixture_int_conversions);
  g_test_add_func ("/safetensors/read-errors", test_read_errors);
  g_test_add_func ("/safetensors/open-missing-file", test_open_missing_file);
  g_test_add_func ("/safetensors/too-short", test_too_short);
  g_test_add_func ("/safetensors/valid-edge-cases", test_valid_edge_cases);
  for (guint i = 0; i < G_N_ELEMENTS (malformed_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/safetensors/malformed/%u", i);
      g_test_add_data_func (name, &malformed_cases[i], test_malformed);
    }
  g_test_add ("/safetensors/write/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/safetensors/write/replace-existing", Fixture, NULL, fixture_set_up,
              test_replace_existing, fixture_tear_down);
  g_test_add ("/safetensors/write/missing-folder", Fixture, NULL, fixture_set_up,
              test_write_into_missing_folder, fixture_tear_down);
  g_test_add_func ("/safetensors/write/disk-full", test_disk_full);
  g_test_add_func ("/safetensors/write/bad-names", test_writer_rejects_bad_names);
  g_test_add_func ("/safetensors/dtype-names", test_dtype_names);

  return g_test_run ();
}
