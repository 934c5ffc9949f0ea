/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-safetensors-write.c: writing .safetensors files.
 *
 * Owns the header a writer produces (compact JSON, "__metadata__" first, tensors in the order
 * added with contiguous offsets, padded with spaces so the byte buffer starts 8-byte aligned)
 * and writing safely (cep-atomic-file.h: a crash or a full disk never leaves a half-written
 * checkpoint where a good one was).
 *
 * It must not convert or copy element data: callers hand in float32/int64 arrays, which are
 * written as they are (safetensors is little-endian, like every host Cepstra targets).
 */
#define G_LOG_DOMAIN "cepstra-safetensors"

#include "cep-safetensors-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cep-json-writer.h"
#include "cep-atomic-file.h"

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

#define HEADER_ALIGN 8
/* write(2) moves at most about 2 GiB per call on Linux. */
#define WRITE_CHUNK (1024 * 1024 * 1024)

typedef struct
{
  char                *name;
  CepSafetensorsDtype  dtype;
  guint                n_dims;
  gsize                shape[CEP_SAFETENSORS_MAX_DIMS];
  gsize                n_bytes;
  const void          *data;
} PendingTensor;

struct _CepSafetensorsWriter
{
  GPtrArray  *tensors;    /* of PendingTensor*, in the order added */
  GHashTable *names;      /* set of tensor names (borrowed from tensors) */
  GHashTable *metadata;   /* key -> value, owned */
};

static void
pending_tensor_free (gpointer data)
{
  PendingTensor *tensor = data;

  g_free (tensor->name);
  g_free (tensor);
}

CepSafetensorsWriter *
cep_safetensors_writer_new (void)
{
  CepSafetensorsWriter *writer = g_new0 (CepSafetensorsWriter, 1);

  writer->tensors = g_ptr_array_new_with_free_func (pending_tensor_free);
  writer->names = g_hash_table_new (g_str_hash, g_str_equal);
  writer->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return writer;
}

void
cep_safetensors_writer_free (CepSafetensorsWriter *writer)
{
  if (writer == NULL)
    return;
  g_hash_table_unref (writer->names);
  g_ptr_array_unref (writer->tensors);
  g_hash_table_unref (writer->metadata);
  g_free (writer);
}

void
cep_safetensors_writer_set_metadata (CepSafetensorsWriter *writer,
                                     const char           *key,
                                     const char           *value)
{
  g_return_if_fail (writer != NULL);
  g_return_if_fail (key != NULL && g_utf8_validate (key, -1, NULL));
  g_return_if_fail (value != NULL && g_utf8_validate (value, -1, NULL));

  g_hash_table_replace (writer->metadata, g_strdup (key), g_strdup (value));
}

static gboolean
check_name (CepSafetensorsWriter  *writer,
            const char            *name,
            guint                  n_dims,
            GError               **error)
{
  const char *problem = NULL;

  if (name[0] == '\0')
    problem = "an empty tensor name";
  else if (!g_utf8_validate (name, -1, NULL))
    problem = "a tensor name that is not UTF-8";
  else if (strcmp (name, "__metadata__") == 0)
    problem = "the reserved name __metadata__";
  else if (g_hash_table_contains (writer->names, name))
    problem = "a tensor name given twice";
  else if (n_dims > CEP_SAFETENSORS_MAX_DIMS)
    problem = "too many dimensions";
  if (problem != NULL)
    g_set_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_INVALID,
                 "cannot add tensor %s: %s", g_utf8_validate (name, -1, NULL) ? name : "?",
                 problem);
  return problem == NULL;
}

static gboolean
add_tensor (CepSafetensorsWriter  *writer,
            const char            *name,
            CepSafetensorsDtype    dtype,
            guint                  n_dims,
            const gsize           *shape,
            const void            *data,
            GError               **error)
{
  PendingTensor *tensor;
  gsize n_bytes = cep_safetensors_dtype_size (dtype);

  g_return_val_if_fail (writer != NULL && name != NULL, FALSE);
  g_return_val_if_fail (shape != NULL || n_dims == 0, FALSE);

  if (!check_name (writer, name, n_dims, error))
    return FALSE;
  for (guint i = 0; i < n_dims; i++)
    if (!g_size_checked_mul (&n_bytes, n_bytes, shape[i]))
      {
        g_set_error (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_INVALID,
                     "cannot add tensor %s: its size overflows", name);
        return FALSE;
      }
  g_return_val_if_fail (data != NULL || n_bytes == 0, FALSE);

  tensor = g_new0 (PendingTensor, 1);
  tensor->name = g_strdup (name);
  tensor->dtype = dtype;
  tensor->n_dims = n_dims;
  if (n_dims > 0)
    memcpy (tensor->shape, shape, n_dims * sizeof (gsize));
  tensor->n_bytes = n_bytes;
  tensor->data = data;
  g_ptr_array_add (writer->tensors, tensor);
  g_hash_table_add (writer->names, tensor->name);
  return TRUE;
}

gboolean
cep_safetensors_writer_add_f32 (CepSafetensorsWriter  *writer,
                                const char            *name,
                                guint                  n_dims,
                                const gsize           *shape,
                                const float           *data,
                                GError               **error)
{
  return add_tensor (writer, name, CEP_SAFETENSORS_DTYPE_F32, n_dims, shape, data, error);
}

gboolean
cep_safetensors_writer_add_i64 (CepSafetensorsWriter  *writer,
                                const char            *name,
                                guint                  n_dims,
                                const gsize           *shape,
                                const gint64          *data,
                                GError               **error)
{
  return add_tensor (writer, name, CEP_SAFETENSORS_DTYPE_I64, n_dims, shape, data, error);
}

static void
write_metadata (CepJsonWriter        *json,
                CepSafetensorsWriter *writer)
{
  g_autoptr(GList) keys = NULL;

  if (g_hash_table_size (writer->metadata) == 0)
    return;
  keys = g_list_sort (g_hash_table_get_keys (writer->metadata), (GCompareFunc) strcmp);
  cep_json_writer_member (json, "__metadata__");
  cep_json_writer_begin_object (json);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      cep_json_writer_member (json, l->data);
      cep_json_writer_string (json, g_hash_table_lookup (writer->metadata, l->data));
    }
  cep_json_writer_end_object (json);
}

static void
write_tensor_entry (CepJsonWriter       *json,
                    const PendingTensor *tensor,
                    gsize                begin)
{
  cep_json_writer_member (json, tensor->name);
  cep_json_writer_begin_object (json);
  cep_json_writer_member (json, "dtype");
  cep_json_writer_string (json, cep_safetensors_dtype_to_string (tensor->dtype));
  cep_json_writer_member (json, "shape");
  cep_json_writer_begin_array (json, TRUE);
  for (guint i = 0; i < tensor->n_dims; i++)
    cep_json_writer_uint (json, tensor->shape[i]);
  cep_json_writer_end_array (json);
  cep_json_writer_member (json, "data_offsets");
  cep_json_writer_begin_array (json, TRUE);
  cep_json_writer_uint (json, begin);
  cep_json_writer_uint (json, begin + tensor->n_bytes);
  cep_json_writer_end_array (json);
  cep_json_writer_end_object (json);
}

/* The 8-byte length and the padded JSON header, ready to be written. */
static GString *
build_header (CepSafetensorsWriter *writer)
{
  g_autoptr(CepJsonWriter) json = cep_json_writer_new (FALSE);
  g_autofree char *text = NULL;
  GString *header = g_string_new (NULL);
  gsize offset = 0;
  guint64 length;

  cep_json_writer_begin_object (json);
  write_metadata (json, writer);
  for (guint i = 0; i < writer->tensors->len; i++)
    {
      const PendingTensor *tensor = g_ptr_array_index (writer->tensors, i);
      write_tensor_entry (json, tensor, offset);
      offset += tensor->n_bytes;
    }
  cep_json_writer_end_object (json);
  text = cep_json_writer_finish (g_steal_pointer (&json));

  g_string_set_size (header, 8);
  g_string_append (header, text);
  while (header->len % HEADER_ALIGN != 0)
    g_string_append_c (header, ' ');
  length = header->len - 8;
  for (int i = 0; i < 8; i++)
    header->str[i] = (char) (length >> (8 * i) & 0xff);
  return header;
}

/* FALSE with errno set when the bytes could not all be written. */
static gboolean
write_all (int         fd,
           const void *data,
           gsize       size)
{
  const guint8 *cursor = data;

  while (size > 0)
    {
      gssize n = write (fd, cursor, MIN (size, (gsize) WRITE_CHUNK));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = ENOSPC;
          return FALSE;
        }
      cursor += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gboolean
set_write_error (GError     **error,
                 const char  *name,
                 const char  *action,
                 int          saved_errno)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_NO_SPACE, name,
                                "could not %s: the disk is full (%s)", action,
                                g_strerror (saved_errno));
  else
    _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_IO, name, "could not %s: %s",
                                action, g_strerror (saved_errno));
  return FALSE;
}

gboolean
_cep_safetensors_writer_write_fd (CepSafetensorsWriter  *writer,
                                  int                    fd,
                                  const char            *name,
                                  GError               **error)
{
  g_autoptr(GString) header = build_header (writer);

  if (!write_all (fd, header->str, header->len))
    return set_write_error (error, name, "write", errno);
  for (guint i = 0; i < writer->tensors->len; i++)
    {
      const PendingTensor *tensor = g_ptr_array_index (writer->tensors, i);
      if (!write_all (fd, tensor->data, tensor->n_bytes))
        return set_write_error (error, name, "write", errno);
    }
  return TRUE;
}

/* The shared writer's error in this module's terms (a full disk stays NO_SPACE). */
static gboolean
set_atomic_error (GError  **error,
                  GError   *local)
{
  g_set_error_literal (error, CEP_SAFETENSORS_ERROR,
                       g_error_matches (local, CEP_ATOMIC_FILE_ERROR,
                                        CEP_ATOMIC_FILE_ERROR_NO_SPACE)
                         ? CEP_SAFETENSORS_ERROR_NO_SPACE : CEP_SAFETENSORS_ERROR_IO,
                       local->message);
  return FALSE;
}

gboolean
cep_safetensors_writer_write (CepSafetensorsWriter  *writer,
                              const char            *path,
                              GError               **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CepAtomicFile) file = NULL;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = cep_atomic_file_begin (path, &local);
  if (file == NULL)
    return set_atomic_error (error, local);
  if (!_cep_safetensors_writer_write_fd (writer, cep_atomic_file_get_fd (file), path, error))
    return FALSE;
  if (!cep_atomic_file_commit (g_steal_pointer (&file), &local))
    return set_atomic_error (error, local);
  return TRUE;
}
