/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-npy-malformed.c: the .npy reader on hostile and broken files.
 *
 * Every case is generated here: an image is built byte by byte, then parsed from memory,
 * opened from a file in a temporary folder and peeked with cep_npy_read_info; each path must
 * fail with the exact error code and a message that starts with the file name and says what
 * is wrong. Also checks that the header parser accepts the Python literal spellings NumPy
 * (and people) write, and that bad element data fails at conversion.
 */
#include "cep-npy.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define BASE_DICT "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"

/* Magic, version @major.0, header length, @dict padded like NumPy, then @data_size bytes of
 * @data (zeros when NULL). */
static GByteArray *
make_image_len (guint        major,
                const char  *dict,
                gsize        dict_length,
                const void  *data,
                gsize        data_size)
{
  gsize preamble = major == 1 ? 10 : 12;
  gsize total = (preamble + dict_length + 1 + 63) / 64 * 64;
  GByteArray *image = g_byte_array_new ();
  guint8 byte;

  g_byte_array_append (image, (const guint8 *) "\x93NUMPY", 6);
  byte = (guint8) major;
  g_byte_array_append (image, &byte, 1);
  byte = 0;
  g_byte_array_append (image, &byte, 1);
  for (gsize i = 0; i < preamble - 8; i++)
    {
      byte = (guint8) ((total - preamble) >> (8 * i));
      g_byte_array_append (image, &byte, 1);
    }
  g_byte_array_append (image, (const guint8 *) dict, (guint) dict_length);
  byte = ' ';
  while (image->len < total - 1)
    g_byte_array_append (image, &byte, 1);
  byte = '\n';
  g_byte_array_append (image, &byte, 1);
  g_byte_array_set_size (image, (guint) (total + data_size));
  memset (image->data + total, 0, data_size);
  if (data != NULL)
    memcpy (image->data + total, data, data_size);
  return image;
}

static GByteArray *
make_image (guint       major,
            const char *dict,
            gsize       data_size)
{
  return make_image_len (major, dict, strlen (dict), NULL, data_size);
}

static GByteArray *
bytes_image (const char *bytes,
             gsize       length)
{
  GByteArray *image = g_byte_array_new ();

  g_byte_array_append (image, (const guint8 *) bytes, (guint) length);
  return image;
}

static void
assert_error (const GError *error,
              CepNpyError   code,
              const char   *name,
              const char   *phrase)
{
  g_autofree char *prefix = g_strconcat (name, ": ", NULL);

  g_assert_error (error, CEP_NPY_ERROR, (int) code);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, phrase) == NULL)
    g_error ("message '%s' should start with '%s' and contain '%s'",
             error->message, prefix, phrase);
}

/* The same failure from memory, from a file, and from the header peek. */
static void
assert_refused (const char       *dir,
                const char       *name,
                const GByteArray *image,
                CepNpyError       code,
                const char       *phrase)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) memory_error = NULL;
  g_autoptr (GError) file_error = NULL;
  g_autoptr (GError) info_error = NULL;
  CepNpyInfo info;

  g_test_message ("case %s", name);
  g_assert_null (cep_npy_new_from_data (image->data, image->len, name, &memory_error));
  assert_error (memory_error, code, name, phrase);

  g_assert_true (g_file_set_contents (path, (const char *) image->data, image->len, NULL));
  g_assert_null (cep_npy_open (path, &file_error));
  assert_error (file_error, code, path, phrase);
  g_assert_false (cep_npy_read_info (path, &info, &info_error));
  assert_error (info_error, code, path, phrase);
  g_assert_cmpint (g_unlink (path), ==, 0);
}

typedef struct
{
  const char  *name;
  guint        major;
  const char  *dict;
  gsize        data_size;
  CepNpyError  code;
  const char  *phrase;
} DictCase;

static const DictCase dict_cases[] = {
  { "object.npy", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", 24,
    CEP_NPY_ERROR_OBJECT, "object arrays (pickled Python data) are not supported" },
  { "object-o8.npy", 1, "{'descr': '<O8', 'fortran_order': False, 'shape': (3,), }", 7,
    CEP_NPY_ERROR_OBJECT, "object arrays (pickled Python data) are not supported" },
  { "object-name.npy", 1, "{'descr': 'object', 'fortran_order': False, 'shape': (), }", 0,
    CEP_NPY_ERROR_OBJECT, "object arrays" },
  { "object-field.npy", 1,
    "{'descr': [('a', '<f4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }", 12,
    CEP_NPY_ERROR_OBJECT, "object arrays" },
  { "structured.npy", 1,
    "{'descr': [('a', '<f4'), ('b', '<i4', (2,))], 'fortran_order': False, 'shape': (1,), }",
    12, CEP_NPY_ERROR_DTYPE, "structured dtypes" },
  { "complex.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", 24,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<c8'" },
  { "float128.npy", 1, "{'descr': '<f16', 'fortran_order': False, 'shape': (1,), }", 16,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<f16'" },
  { "int3.npy", 1, "{'descr': '<i3', 'fortran_order': False, 'shape': (1,), }", 3,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<i3'" },
  { "unicode0.npy", 1, "{'descr': '<U0', 'fortran_order': False, 'shape': (9,), }", 0,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<U0'" },
  { "datetime.npy", 1, "{'descr': '<M8[ns]', 'fortran_order': False, 'shape': (1,), }", 8,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<M8[ns]'" },
  { "no-size.npy", 1, "{'descr': '<f', 'fortran_order': False, 'shape': (1,), }", 4,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<f'" },
  { "descr-int.npy", 1, "{'descr': 4, 'fortran_order': False, 'shape': (1,), }", 4,
    CEP_NPY_ERROR_DTYPE, "'descr' is an integer, not a dtype string" },
  { "huge-string.npy", 1, "{'descr': '|S999999999', 'fortran_order': False, 'shape': (), }",
    0, CEP_NPY_ERROR_DTYPE, "unsupported dtype" },
  { "shape-too-large.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 28), }", 12,
    CEP_NPY_ERROR_SIZE, "shape (1000, 28) of dtype '<f4' declares 112000 bytes of data, "
                        "but the file holds 12" },
  { "trailing-bytes.npy", 1, BASE_DICT, 16,
    CEP_NPY_ERROR_SIZE, "4 trailing bytes after the 12 bytes that shape (3,)" },
  { "negative-dim.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }", 12,
    CEP_NPY_ERROR_HEADER, "dimension 0 of 'shape' is negative" },
  { "huge-dim.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 99999999999999999999999), }", 12,
    CEP_NPY_ERROR_SIZE, "dimension 1 of 'shape' is too large" },
  { "overflow-product.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 12,
    CEP_NPY_ERROR_SIZE, "overflows" },
  { "overflow-itemsize.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", 12,
    CEP_NPY_ERROR_SIZE, "overflows" },
  { "overflow-with-zero.npy", 1,
    "{'descr': '<U9', 'fortran_order': False, 'shape': (4294967296, 0, 4294967296), }", 0,
    CEP_NPY_ERROR_SIZE, "overflows" },
  { "missing-shape.npy", 1, "{'descr': '<f4', 'fortran_order': False, }", 4,
    CEP_NPY_ERROR_HEADER, "header has no 'shape' key" },
  { "missing-descr.npy", 1, "{'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "header has no 'descr' key" },
  { "extra-key.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1, }", 12,
    CEP_NPY_ERROR_HEADER, "unexpected key 'extra'" },
  { "duplicate-key.npy", 1,
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "duplicate key 'shape'" },
  { "misspelled-false.npy", 1, "{'descr': '<f4', 'fortran_order': Flase, 'shape': (3,), }",
    12, CEP_NPY_ERROR_HEADER, "unknown name 'Flase'" },
  { "missing-colon.npy", 1, "{'descr' '<f4', 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "unexpected ''', expected ':' at offset 9" },
  { "missing-comma.npy", 1, "{'descr': '<f4' 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "expected ',' or '}'" },
  { "garbage.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }; rm -rf /",
    12, CEP_NPY_ERROR_HEADER, "expected the end of the header" },
  { "call.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': eval('(3,)'), }", 12,
    CEP_NPY_ERROR_HEADER, "unknown name 'eval'" },
  { "unterminated-string.npy", 1,
    "{'descr': \"<f4', 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "unterminated string at offset 10" },
  { "unterminated-dict.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)", 12,
    CEP_NPY_ERROR_HEADER, "unexpected end of header" },
  { "bad-escape.npy", 1, "{'descr': '<f\\x34', 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "supported escape" },
  { "not-a-dict.npy", 1, "[('descr', '<f4')]", 12,
    CEP_NPY_ERROR_HEADER, "header is a list, not a dictionary" },
  { "int-key.npy", 1, "{1: '<f4'}", 12,
    CEP_NPY_ERROR_HEADER, "dictionary key is an integer, not a string" },
  { "shape-list.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }", 12,
    CEP_NPY_ERROR_HEADER, "'shape' is a list, not a tuple" },
  { "shape-parenthesized.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }",
    12, CEP_NPY_ERROR_HEADER, "'shape' is an integer, not a tuple" },
  { "shape-string.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': ('3',), }", 12,
    CEP_NPY_ERROR_HEADER, "dimension 0 of 'shape' is a string, not an integer" },
  { "fortran-int.npy", 1, "{'descr': '<f4', 'fortran_order': 1, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "'fortran_order' is an integer, not True or False" },
  { "fortran-none.npy", 1, "{'descr': '<f4', 'fortran_order': None, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "'fortran_order' is None" },
  { "deep.npy", 1,
    "{'descr': [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]], 'fortran_order': False, 'shape': (), }",
    4, CEP_NPY_ERROR_HEADER, "nesting deeper than 16 levels" },
  { "utf8-v3.npy", 3, "{'descr': '<f4\xff', 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_HEADER, "version 3.0 header is not valid UTF-8" },
  { "latin1-v1.npy", 1, "{'descr': '<f4\xff', 'fortran_order': False, 'shape': (3,), }", 12,
    CEP_NPY_ERROR_DTYPE, "unsupported dtype '<f4\\377'" },
};

static void
test_dict_cases (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (dict_cases); i++)
    {
      const DictCase *c = &dict_cases[i];
      g_autoptr (GByteArray) image = make_image (c->major, c->dict, c->data_size);
      assert_refused (dir, c->name, image, c->code, c->phrase);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_too_many_dims (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);
  g_autoptr (GString) dict = g_string_new ("{'descr': '<f4', 'fortran_order': False, 'shape': (");
  g_autoptr (GByteArray) image = NULL;

  for (int i = 0; i < 33; i++)
    g_string_append (dict, "1, ");
  g_string_append (dict, "), }");
  image = make_image (1, dict->str, 4);
  assert_refused (dir, "33-dims.npy", image, CEP_NPY_ERROR_HEADER,
                  "'shape' has 33 dimensions; at most 32 are supported");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Broken preambles: nothing of the dictionary is read. */
static void
test_preamble_cases (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);
  g_autoptr (GByteArray) good = make_image (1, BASE_DICT, 12);
  g_autoptr (GByteArray) image = NULL;

  image = bytes_image ("", 0);
  assert_refused (dir, "empty.npy", image, CEP_NPY_ERROR_MAGIC, "not an .npy file");
  g_clear_pointer (&image, g_byte_array_unref);
  image = bytes_image ("col1,col2\n1,2\n", 14);
  assert_refused (dir, "text.npy", image, CEP_NPY_ERROR_MAGIC, "not an .npy file");
  g_clear_pointer (&image, g_byte_array_unref);
  image = bytes_image ((const char *) good->data, good->len);
  image->data[5] = 'X';
  assert_refused (dir, "wrong-magic.npy", image, CEP_NPY_ERROR_MAGIC, "\\x93NUMPY");
  g_clear_pointer (&image, g_byte_array_unref);
  image = bytes_image ("\x93NUMPY\x01\x00\x76", 9);
  assert_refused (dir, "cut-preamble.npy", image, CEP_NPY_ERROR_HEADER,
                  "truncated header (the file ends after 9 bytes)");
  g_clear_pointer (&image, g_byte_array_unref);
  image = bytes_image ((const char *) good->data, 40);
  assert_refused (dir, "cut-header.npy", image, CEP_NPY_ERROR_HEADER,
                  "header length 118 goes beyond the end of the file (40 bytes)");
  g_clear_pointer (&image, g_byte_array_unref);
  image = bytes_image ((const char *) good->data, good->len);
  image->data[8] = 0xff;
  image->data[9] = 0xff;
  assert_refused (dir, "header-length.npy", image, CEP_NPY_ERROR_HEADER,
                  "header length 65535 goes beyond the end of the file (140 bytes)");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_version_cases (void)
{
  const struct { guint8 major, minor; const char *phrase; } versions[] = {
    { 4, 0, "unsupported .npy format version 4.0" },
    { 1, 1, "unsupported .npy format version 1.1" },
    { 0, 0, "unsupported .npy format version 0.0" },
    { 255, 255, "unsupported .npy format version 255.255" },
  };
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr (GByteArray) image = make_image (1, BASE_DICT, 12);
      g_autofree char *name = g_strdup_printf ("version-%u.%u.npy",
                                               versions[i].major, versions[i].minor);
      image->data[6] = versions[i].major;
      image->data[7] = versions[i].minor;
      assert_refused (dir, name, image, CEP_NPY_ERROR_VERSION, versions[i].phrase);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_nul_in_header (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);
  const char dict[] = "{'descr': '<f4',\0'fortran_order': False, 'shape': (3,), }";
  const char in_string[] = "{'descr': '<f4\0', 'fortran_order': False, 'shape': (3,), }";
  g_autoptr (GByteArray) image = make_image_len (1, dict, sizeof dict - 1, NULL, 12);
  g_autoptr (GByteArray) image2 = make_image_len (1, in_string, sizeof in_string - 1, NULL, 12);

  assert_refused (dir, "nul.npy", image, CEP_NPY_ERROR_HEADER,
                  "unexpected byte 0x00, expected a value at offset 16");
  assert_refused (dir, "nul-in-string.npy", image2, CEP_NPY_ERROR_HEADER, "NUL byte in string");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A header far beyond anything NumPy writes is refused before it is parsed. */
static void
test_huge_header (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-npy-bad-XXXXXX", NULL);
  g_autoptr (GString) dict = g_string_new (BASE_DICT);
  g_autoptr (GByteArray) image = NULL;

  while (dict->len < 1100 * 1024)
    g_string_append_c (dict, ' ');
  image = make_image (2, dict->str, 12);
  assert_refused (dir, "huge-header.npy", image, CEP_NPY_ERROR_HEADER,
                  "bytes is larger than the 1048576 byte limit");
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* ---- spellings that must be accepted ---------------------------------------------------- */

typedef struct
{
  guint       major;
  const char *dict;
  gsize       data_size;
  CepNpyKind  kind;
  gsize       n_elements;
} GoodCase;

static const GoodCase good_cases[] = {
  { 1, "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (3,)}", 12,
    CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{'shape':(3,),'descr':'<f4','fortran_order':False}", 12, CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{\n\t'descr' : '<f4' ,\n 'fortran_order' : True ,\r\n 'shape' : ( 3 , ) ,\n}", 12,
    CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3L, 2L), }", 24,
    CEP_NPY_KIND_FLOAT, 6 },
  { 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1_2,), }", 48,
    CEP_NPY_KIND_FLOAT, 12 },
  { 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (+3, 1,), }", 12,
    CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{'descr': ('<f4'), 'fortran_order': (False), 'shape': ((3),), }", 12,
    CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{'descr': 'f4', 'fortran_order': False, 'shape': (3,), }", 12, CEP_NPY_KIND_FLOAT, 3 },
  { 1, "{'descr': '=f8', 'fortran_order': False, 'shape': (), }", 8, CEP_NPY_KIND_FLOAT, 1 },
  { 1, "{'descr': '|f2', 'fortran_order': False, 'shape': (2,), }", 4, CEP_NPY_KIND_FLOAT, 2 },
  { 1, "{'descr': '<b1', 'fortran_order': False, 'shape': (5,), }", 5, CEP_NPY_KIND_BOOL, 5 },
  { 1, "{'descr': '>u1', 'fortran_order': False, 'shape': (5,), }", 5, CEP_NPY_KIND_UINT, 5 },
  { 1, "{'descr': '<S3', 'fortran_order': False, 'shape': (2,), }", 6, CEP_NPY_KIND_BYTES, 2 },
  { 1, "{'descr': '>S3', 'fortran_order': False, 'shape': (2,), }", 6, CEP_NPY_KIND_BYTES, 2 },
  { 1, "{'descr': 'a3', 'fortran_order': False, 'shape': (2,), }", 6, CEP_NPY_KIND_BYTES, 2 },
  { 1, "{'descr': '=U2', 'fortran_order': False, 'shape': (2,), }", 16,
    CEP_NPY_KIND_UNICODE, 2 },
  { 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (0, 99999999999), }", 0,
    CEP_NPY_KIND_INT, 0 },
  { 2, BASE_DICT, 12, CEP_NPY_KIND_FLOAT, 3 },
  { 3, "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", 4,
    CEP_NPY_KIND_UNICODE, 1 },
};

static void
test_accepted_spellings (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      const GoodCase *c = &good_cases[i];
      g_autoptr (GByteArray) image = make_image (c->major, c->dict, c->data_size);
      g_autoptr (GError) error = NULL;
      g_autoptr (CepNpy) npy = NULL;

      g_test_message ("good case %" G_GSIZE_FORMAT ": %s", i, c->dict);
      npy = cep_npy_new_from_data (image->data, image->len, "good.npy", &error);
      g_assert_no_error (error);
      g_assert_cmpint (cep_npy_get_kind (npy), ==, c->kind);
      g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, c->n_elements);
    }
}

/* No padding, no newline: the header is just the dictionary. */
static void
test_unpadded_header (void)
{
  const char dict[] = "{'descr':'<i2','fortran_order':False,'shape':(2,)}";
  g_autoptr (GByteArray) image = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CepNpy) npy = NULL;
  const guint8 data[] = { 0xfe, 0xff, 0x07, 0x00 };
  guint8 length[2] = { sizeof dict - 1, 0 };
  gint64 values[2];

  g_byte_array_append (image, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (image, length, 2);
  g_byte_array_append (image, (const guint8 *) dict, sizeof dict - 1);
  g_byte_array_append (image, data, sizeof data);
  npy = cep_npy_new_from_data (image->data, image->len, "unpadded.npy", &error);
  g_assert_no_error (error);
  g_assert_true (cep_npy_read_int64 (npy, values, &error));
  g_assert_cmpint (values[0], ==, -2);
  g_assert_cmpint (values[1], ==, 7);
}

/* ---- good headers, bad elements --------------------------------------------------------- */

static CepNpy *
parse_good (const char *dict,
            const void *data,
            gsize       data_size)
{
  g_autoptr (GByteArray) image = make_image_len (1, dict, strlen (dict), data, data_size);
  g_autoptr (GError) error = NULL;
  CepNpy *npy = cep_npy_new_from_data (image->data, image->len, "elements.npy", &error);

  g_assert_no_error (error);
  return npy;
}

static void
assert_strings_refused (const char *dict,
                        const void *data,
                        gsize       data_size,
                        const char *phrase)
{
  g_autoptr (CepNpy) npy = parse_good (dict, data, data_size);
  g_autoptr (GError) error = NULL;

  g_assert_null (cep_npy_read_strings (npy, &error));
  assert_error (error, CEP_NPY_ERROR_CONVERSION, "elements.npy", phrase);
}

static void
assert_int64_refused (const char *dict,
                      const void *data,
                      gsize       data_size,
                      const char *phrase)
{
  g_autoptr (CepNpy) npy = parse_good (dict, data, data_size);
  g_autoptr (GError) error = NULL;
  gint64 values[4];

  g_assert_false (cep_npy_read_int64 (npy, values, &error));
  assert_error (error, CEP_NPY_ERROR_CONVERSION, "elements.npy", phrase);
}

static void
test_bad_elements (void)
{
  const guint32 beyond_unicode[] = { 'a', 0x110000 };
  const guint32 surrogate[] = { 0xd800, 0 };
  const guint32 embedded_nul[] = { 'a', 0, 'b', 0 };
  const float fractional[] = { 1.0f, 1.5f };
  const double nan_value[] = { NAN };
  const double too_big[] = { 1e19 };
  const float floats[] = { 1.0f };

  assert_strings_refused ("{'descr': '<U2', 'fortran_order': False, 'shape': (1,), }",
                          beyond_unicode, 8, "element 0 holds an invalid code point U+110000");
  assert_strings_refused ("{'descr': '<U2', 'fortran_order': False, 'shape': (1,), }",
                          surrogate, 8, "invalid code point U+D800");
  assert_strings_refused ("{'descr': '<U4', 'fortran_order': False, 'shape': (1,), }",
                          embedded_nul, 16, "embedded NUL character");
  assert_strings_refused ("{'descr': '|S3', 'fortran_order': False, 'shape': (2,), }",
                          "ab\0\xff\xfe\0", 6, "element 1 is not valid UTF-8");
  assert_strings_refused ("{'descr': '|S3', 'fortran_order': False, 'shape': (1,), }",
                          "a\0b", 3, "element 0 holds an embedded NUL byte");
  assert_strings_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                          floats, 4, "cannot read dtype '<f4' as strings");
  assert_int64_refused ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                        fractional, 8, "element 1 (1.5) is not an integer");
  assert_int64_refused ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                        nan_value, 8, "is not an integer");
  assert_int64_refused ("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                        too_big, 8, "(1e+19) is not an integer");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/npy-malformed/dict", test_dict_cases);
  g_test_add_func ("/npy-malformed/too-many-dims", test_too_many_dims);
  g_test_add_func ("/npy-malformed/preamble", test_preamble_cases);
  g_test_add_func ("/npy-malformed/version", test_version_cases);
  g_test_add_func ("/npy-malformed/nul-in-header", test_nul_in_header);
  g_test_add_func ("/npy-malformed/huge-header", test_huge_header);
  g_test_add_func ("/npy-malformed/accepted-spellings", test_accepted_spellings);
  g_test_add_func ("/npy-malformed/unpadded-header", test_unpadded_header);
  g_test_add_func ("/npy-malformed/bad-elements", test_bad_elements);

  return g_test_run ();
}
