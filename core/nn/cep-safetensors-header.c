/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-safetensors-header.c: parsing and validating a safetensors header.
 *
 * Owns everything between the first byte of a file and the tensor table: the length prefix,
 * the JSON object, each tensor entry, the metadata map, and the layout rule that the tensors
 * tile the byte buffer exactly. Every number comes from an untrusted file, so every product
 * and sum is checked for overflow before it is trusted.
 *
 * It must not touch element data (cep-safetensors.c converts it).
 */
#define G_LOG_DOMAIN "cepstra-safetensors"

#include "cep-safetensors-private.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <string.h>

#include "cep-json-input.h"
#define LENGTH_PREFIX 8

typedef struct
{
  const char          *spelling;
  CepSafetensorsDtype  dtype;
  gsize                size;
} DtypeInfo;

/* Indexed by CepSafetensorsDtype. */
static const DtypeInfo dtype_table[] = {
  { "BOOL", CEP_SAFETENSORS_DTYPE_BOOL, 1 },
  { "U8",   CEP_SAFETENSORS_DTYPE_U8,   1 },
  { "I8",   CEP_SAFETENSORS_DTYPE_I8,   1 },
  { "U16",  CEP_SAFETENSORS_DTYPE_U16,  2 },
  { "I16",  CEP_SAFETENSORS_DTYPE_I16,  2 },
  { "F16",  CEP_SAFETENSORS_DTYPE_F16,  2 },
  { "BF16", CEP_SAFETENSORS_DTYPE_BF16, 2 },
  { "U32",  CEP_SAFETENSORS_DTYPE_U32,  4 },
  { "I32",  CEP_SAFETENSORS_DTYPE_I32,  4 },
  { "F32",  CEP_SAFETENSORS_DTYPE_F32,  4 },
  { "U64",  CEP_SAFETENSORS_DTYPE_U64,  8 },
  { "I64",  CEP_SAFETENSORS_DTYPE_I64,  8 },
  { "F64",  CEP_SAFETENSORS_DTYPE_F64,  8 },
};

const char *
cep_safetensors_dtype_to_string (CepSafetensorsDtype dtype)
{
  g_return_val_if_fail ((guint) dtype < G_N_ELEMENTS (dtype_table), NULL);
  return dtype_table[dtype].spelling;
}

gsize
cep_safetensors_dtype_size (CepSafetensorsDtype dtype)
{
  g_return_val_if_fail ((guint) dtype < G_N_ELEMENTS (dtype_table), 0);
  return dtype_table[dtype].size;
}

gboolean
_cep_safetensors_dtype_from_string (const char          *text,
                                    CepSafetensorsDtype *dtype)
{
  for (guint i = 0; i < G_N_ELEMENTS (dtype_table); i++)
    if (strcmp (text, dtype_table[i].spelling) == 0)
      {
        *dtype = dtype_table[i].dtype;
        return TRUE;
      }
  return FALSE;
}

void
_cep_safetensors_set_error (GError              **error,
                            CepSafetensorsError   code,
                            const char           *name,
                            const char           *format,
                            ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_SAFETENSORS_ERROR, code, "%s: %s", name, message);
}

static void
tensor_free (gpointer data)
{
  CepSafetensor *tensor = data;

  g_free ((char *) tensor->name);
  g_free (tensor);
}

void
_cep_safetensors_header_clear (CepSafetensorsHeader *header)
{
  g_clear_pointer (&header->tensors, g_ptr_array_unref);
  g_clear_pointer (&header->metadata, g_hash_table_unref);
}

/* The JSON text's length, after checking the 8-byte prefix against the file size. */
static gboolean
read_header_length (const guint8  *bytes,
                    gsize          size,
                    const char    *name,
                    gsize         *length,
                    GError       **error)
{
  guint64 value = 0;

  if (size < LENGTH_PREFIX)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "only %" G_GSIZE_FORMAT " bytes: too short for the 8-byte "
                                  "header length of a safetensors file", size);
      return FALSE;
    }
  for (int i = LENGTH_PREFIX - 1; i >= 0; i--)
    value = value << 8 | bytes[i];
  if (value > CEP_SAFETENSORS_MAX_HEADER || value > size - LENGTH_PREFIX)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "header length %" G_GUINT64_FORMAT " is beyond the end of the "
                                  "file (%" G_GSIZE_FORMAT " bytes) or above the 100 MiB limit",
                                  value, size);
      return FALSE;
    }
  *length = (gsize) value;
  return TRUE;
}

static JsonObject *
parse_json_object (JsonParser    *parser,
                   const char    *text,
                   gsize          length,
                   const char    *name,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length == 0 || text[0] != '{' || memchr (text, '\0', length) != NULL
      || !g_utf8_validate (text, (gssize) length, NULL))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "the header is not a UTF-8 JSON object starting with '{'");
      return NULL;
    }
  /* Bounded, and a tensor named twice is refused (json-glib would keep the last). */
  if (!cep_json_input_load (parser, text, (gssize) length, "the header", CEP_JSON_MAX_DOCUMENT,
                            &local_error))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name, "%s",
                                  local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "the header is not a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

static gboolean
node_to_size (JsonNode *node,
              gsize    *value)
{
  gint64 number;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  number = json_node_get_int (node);
  if (number < 0 || (guint64) number > G_MAXSIZE)
    return FALSE;
  *value = (gsize) number;
  return TRUE;
}

static gboolean
parse_metadata (GHashTable   *metadata,
                JsonNode     *node,
                const char   *name,
                GError      **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "__metadata__ is not an object of strings");
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &key, &value))
    {
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                      "__metadata__: %s is not a string", key);
          return FALSE;
        }
      g_hash_table_replace (metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

static gboolean
parse_dtype (CepSafetensor  *tensor,
             JsonObject     *entry,
             const char     *name,
             GError        **error)
{
  JsonNode *node = json_object_get_member (entry, "dtype");
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "%s: dtype is missing or not a string", tensor->name);
      return FALSE;
    }
  text = json_node_get_string (node);
  if (!_cep_safetensors_dtype_from_string (text, &tensor->dtype))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_DTYPE, name,
                                  "%s: unknown dtype %s", tensor->name, text);
      return FALSE;
    }
  return TRUE;
}

/* Fills shape, n_dims, n_elements and n_bytes, refusing any product that overflows. */
static gboolean
parse_shape (CepSafetensor  *tensor,
             JsonObject     *entry,
             const char     *name,
             GError        **error)
{
  JsonNode *node = json_object_get_member (entry, "shape");
  JsonArray *array;
  gsize n_elements = 1;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (array = json_node_get_array (node)) > CEP_SAFETENSORS_MAX_DIMS)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "%s: shape is missing or not an array of at most %d sizes",
                                  tensor->name, CEP_SAFETENSORS_MAX_DIMS);
      return FALSE;
    }
  tensor->n_dims = json_array_get_length (array);
  for (guint i = 0; i < tensor->n_dims; i++)
    if (!node_to_size (json_array_get_element (array, i), &tensor->shape[i])
        || !g_size_checked_mul (&n_elements, n_elements, tensor->shape[i]))
      {
        _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                    "%s: shape holds a negative, non-integer or overflowing "
                                    "size", tensor->name);
        return FALSE;
      }
  tensor->n_elements = n_elements;
  if (!g_size_checked_mul (&tensor->n_bytes, n_elements, dtype_table[tensor->dtype].size))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "%s: the shape's byte count overflows", tensor->name);
      return FALSE;
    }
  return TRUE;
}

/* data_offsets must be [begin, end] inside the buffer, holding exactly n_bytes. */
static gboolean
parse_offsets (CepSafetensor  *tensor,
               JsonObject     *entry,
               gsize           buffer_size,
               gsize          *begin,
               const char     *name,
               GError        **error)
{
  JsonNode *node = json_object_get_member (entry, "data_offsets");
  JsonArray *array = NULL;
  gsize end;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (array = json_node_get_array (node)) != 2
      || !node_to_size (json_array_get_element (array, 0), begin)
      || !node_to_size (json_array_get_element (array, 1), &end) || end < *begin)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "%s: data_offsets is not [begin, end] with 0 <= begin <= end",
                                  tensor->name);
      return FALSE;
    }
  if (end > buffer_size)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_LAYOUT, name,
                                  "%s: data_offsets end at %" G_GSIZE_FORMAT ", beyond the "
                                  "%" G_GSIZE_FORMAT " data bytes of the file",
                                  tensor->name, end, buffer_size);
      return FALSE;
    }
  if (end - *begin != tensor->n_bytes)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_LAYOUT, name,
                                  "%s: data_offsets hold %" G_GSIZE_FORMAT " bytes, but %u "
                                  "dimensions of %s need %" G_GSIZE_FORMAT, tensor->name,
                                  end - *begin, tensor->n_dims,
                                  dtype_table[tensor->dtype].spelling, tensor->n_bytes);
      return FALSE;
    }
  return TRUE;
}

static CepSafetensor *
parse_tensor (const char    *tensor_name,
              JsonNode      *node,
              const guint8  *buffer,
              gsize          buffer_size,
              const char    *name,
              GError       **error)
{
  g_autofree CepSafetensor *tensor = g_new0 (CepSafetensor, 1);
  JsonObject *entry;
  gsize begin = 0;

  tensor->name = tensor_name;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_HEADER, name,
                                  "%s: entry is not an object", tensor_name);
      return NULL;
    }
  entry = json_node_get_object (node);
  if (!parse_dtype (tensor, entry, name, error)
      || !parse_shape (tensor, entry, name, error)
      || !parse_offsets (tensor, entry, buffer_size, &begin, name, error))
    return NULL;
  tensor->data = buffer + begin;
  tensor->name = g_strdup (tensor_name);
  return g_steal_pointer (&tensor);
}

static int
compare_by_offset (gconstpointer a,
                   gconstpointer b)
{
  const CepSafetensor *x = *(CepSafetensor * const *) a;
  const CepSafetensor *y = *(CepSafetensor * const *) b;

  if (x->data != y->data)
    return x->data < y->data ? -1 : 1;
  if (x->n_bytes != y->n_bytes)
    return x->n_bytes < y->n_bytes ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* Sorted by offset, each tensor must start where the previous one ended, and the last must end
 * at the end of the file: no overlap, no hole, nothing appended. */
static gboolean
check_tiling (GPtrArray     *tensors,
              const guint8  *buffer,
              gsize          buffer_size,
              const char    *name,
              GError       **error)
{
  gsize expected = 0;

  g_ptr_array_sort (tensors, compare_by_offset);
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepSafetensor *tensor = g_ptr_array_index (tensors, i);
      gsize begin = (gsize) (tensor->data - buffer);

      if (begin != expected)
        {
          _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_LAYOUT, name,
                                      "%s: data starts at byte %" G_GSIZE_FORMAT " where %"
                                      G_GSIZE_FORMAT " was expected (%s)", tensor->name, begin,
                                      expected, begin < expected ? "overlap" : "hole");
          return FALSE;
        }
      expected = begin + tensor->n_bytes;
    }
  if (expected != buffer_size)
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_LAYOUT, name,
                                  "%" G_GSIZE_FORMAT " bytes after the last tensor's data",
                                  buffer_size - expected);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_entries (CepSafetensorsHeader  *header,
               JsonObject            *root,
               const guint8          *buffer,
               gsize                  buffer_size,
               const char            *name,
               GError               **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init (&iter, root);
  while (json_object_iter_next (&iter, &key, &node))
    {
      CepSafetensor *tensor;

      if (strcmp (key, "__metadata__") == 0)
        {
          if (!parse_metadata (header->metadata, node, name, error))
            return FALSE;
          continue;
        }
      tensor = parse_tensor (key, node, buffer, buffer_size, name, error);
      if (tensor == NULL)
        return FALSE;
      g_ptr_array_add (header->tensors, tensor);
    }
  return check_tiling (header->tensors, buffer, buffer_size, name, error);
}

gboolean
_cep_safetensors_header_parse (CepSafetensorsHeader  *header,
                               const guint8          *bytes,
                               gsize                  size,
                               const char            *name,
                               GError               **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root;
  gsize length = 0;

  memset (header, 0, sizeof *header);
  if (!read_header_length (bytes, size, name, &length, error))
    return FALSE;
  root = parse_json_object (parser, (const char *) bytes + LENGTH_PREFIX, length, name, error);
  if (root == NULL)
    return FALSE;

  header->tensors = g_ptr_array_new_with_free_func (tensor_free);
  header->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  header->data_start = LENGTH_PREFIX + length;
  if (!parse_entries (header, root, bytes + header->data_start, size - header->data_start,
                      name, error))
    {
      _cep_safetensors_header_clear (header);
      return FALSE;
    }
  return TRUE;
}
