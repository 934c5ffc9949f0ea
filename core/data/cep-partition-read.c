/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-partition-read.c: reads one utterance of a partition into its place.
 *
 * Owns the checks on a single feature file and its transcript (shape, dtype, finite values,
 * label count, phoneme symbols, boundary tokens) and the hot path of loading: features go from
 * the file straight into the frame store and are normalized there while still in cache;
 * transcript symbols are mapped to class ids through packed 64-bit keys, with a shortcut for
 * the runs of equal labels that make up most of a transcript. It must not decide about other
 * files (pairing, duplicates, dimension agreement): that is cep-partition-scan.c and
 * cep-partition.c.
 *
 * Positions in transcript messages are indices into the file's array (0 = the [SOS] slot
 * when the file has one).
 */
#define G_LOG_DOMAIN "cepstra-partition"

#include "cep-partition-private.h"

#include <string.h>
#include <sys/stat.h>

#include "cep-cmvn.h"
#include "cep-npy.h"

static char *
format_shape (const CepNpyInfo *info)
{
  GString *text = g_string_new ("(");

  for (guint i = 0; i < info->n_dims; i++)
    g_string_append_printf (text, i > 0 ? ", %" G_GSIZE_FORMAT : "%" G_GSIZE_FORMAT,
                            info->shape[i]);
  g_string_append (text, info->n_dims == 1 ? ",)" : ")");
  return g_string_free (text, FALSE);
}

/* The dtype as NumPy spells it ("<f8", "|S5", ">U3"), for messages. */
static char *
format_dtype (const CepNpyInfo *info)
{
  static const char kinds[] = { 'b', 'i', 'u', 'f', 'U', 'S' };
  gsize size = info->kind == CEP_NPY_KIND_UNICODE ? info->itemsize / 4 : info->itemsize;
  char order = info->itemsize == 1 || info->kind == CEP_NPY_KIND_BYTES ? '|'
               : info->big_endian ? '>' : '<';

  return g_strdup_printf ("%c%c%" G_GSIZE_FORMAT, order, kinds[info->kind], size);
}

static gboolean
is_numeric (CepNpyKind kind)
{
  return kind == CEP_NPY_KIND_INT || kind == CEP_NPY_KIND_UINT || kind == CEP_NPY_KIND_FLOAT;
}

static gboolean
check_feature_info (CepPartitionLoad  *load,
                    CepPartitionEntry *entry,
                    const char        *relative,
                    const CepNpyInfo  *info)
{
  if (info->n_dims != 2)
    {
      g_autofree char *shape = format_shape (info);
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FEATURES, relative,
                                 "expected a 2-D array (frames x coefficients), found shape %s",
                                 shape);
      return FALSE;
    }
  if (!is_numeric (info->kind))
    {
      g_autofree char *dtype = format_dtype (info);
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FEATURES, relative,
                                 "features have dtype %s, expected numbers", dtype);
      return FALSE;
    }
  if (info->shape[0] == 0)
    {
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_EMPTY_UTTERANCE, relative,
                                 "empty utterance (0 frames)");
      return FALSE;
    }
  if (info->shape[1] == 0 || info->shape[1] > G_MAXUINT)
    {
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FEATURES, relative,
                                 "%" G_GSIZE_FORMAT " coefficients per frame", info->shape[1]);
      return FALSE;
    }
  return TRUE;
}

/* A dataset's files must be regular files (links to them too): opening a FIFO would wait
 * for a writer forever, and a device would be read without end. */
static gboolean
require_regular (const char  *path,
                 GError     **error)
{
  struct stat info;

  if (stat (path, &info) != 0 || S_ISREG (info.st_mode))
    return TRUE;   /* a missing file is the npy reader's to report */
  g_set_error (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO, "%s: not a regular file (%s)", path,
               S_ISFIFO (info.st_mode) ? "a FIFO" : S_ISDIR (info.st_mode) ? "a folder"
                                                                           : "a device");
  return FALSE;
}

gboolean
_cep_partition_read_header (CepPartitionLoad  *load,
                            CepPartitionEntry *entry)
{
  g_autofree char *relative = g_build_filename ("mfcc", entry->mfcc_file, NULL);
  g_autofree char *path = g_build_filename (load->folder, relative, NULL);
  g_autoptr(GError) npy_error = NULL;
  CepNpyInfo info;

  if (!require_regular (path, &npy_error) || !cep_npy_read_info (path, &info, &npy_error))
    {
      _cep_partition_entry_fail_npy (load, entry, relative, npy_error);
      return FALSE;
    }
  if (!check_feature_info (load, entry, relative, &info))
    return FALSE;
  entry->n_frames = info.shape[0];
  entry->dim = (guint) info.shape[1];
  return TRUE;
}

static float *
entry_destination (const CepPartitionLoad  *load,
                   const CepPartitionEntry *entry)
{
  gsize frame = (gsize) load->options.context_max * (entry->slot + 1) + entry->first_frame;
  return load->store + frame * load->dim;
}

/* Opens @relative inside the partition; NULL (entry failed) if the npy reader refuses it. */
static CepNpy *
open_npy (CepPartitionLoad  *load,
          CepPartitionEntry *entry,
          const char        *relative)
{
  g_autofree char *path = g_build_filename (load->folder, relative, NULL);
  g_autoptr(GError) npy_error = NULL;
  CepNpy *npy = require_regular (path, &npy_error) ? cep_npy_open (path, &npy_error) : NULL;

  if (npy == NULL)
    _cep_partition_entry_fail_npy (load, entry, relative, npy_error);
  return npy;
}

static gboolean
read_features (CepPartitionLoad  *load,
               CepPartitionEntry *entry,
               float             *dest)
{
  g_autofree char *relative = g_build_filename ("mfcc", entry->mfcc_file, NULL);
  g_autoptr(CepNpy) npy = open_npy (load, entry, relative);
  g_autoptr(GError) npy_error = NULL;

  if (npy == NULL)
    return FALSE;

  const CepNpyInfo *info = cep_npy_get_info (npy);
  if (info->n_dims != 2 || info->shape[0] != entry->n_frames || info->shape[1] != entry->dim
      || !is_numeric (info->kind))
    {
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FILE, relative,
                                 "the file changed while the partition was loading");
      return FALSE;
    }
  if (!cep_npy_read_float32 (npy, dest, &npy_error))
    {
      _cep_partition_entry_fail_npy (load, entry, relative, npy_error);
      return FALSE;
    }
  return TRUE;
}

static void
set_identity_stats (float *mean,
                    float *stddev,
                    guint  dim)
{
  for (guint d = 0; d < dim; d++)
    {
      mean[d] = 0.0f;
      stddev[d] = 1.0f;
    }
}

static gboolean
normalize_features (CepPartitionLoad  *load,
                    CepPartitionEntry *entry,
                    float             *frames)
{
  float *mean = load->means + (gsize) entry->slot * load->dim;
  float *stddev = load->stddevs + (gsize) entry->slot * load->dim;
  gssize bad = -1;

  if (load->options.normalize)
    {
      gsize bad_frame;
      if (!cep_cmvn_normalize (frames, entry->n_frames, load->dim, mean, stddev, &bad_frame))
        bad = (gssize) bad_frame;
    }
  else
    {
      bad = cep_cmvn_find_non_finite (frames, entry->n_frames, load->dim);
      set_identity_stats (mean, stddev, load->dim);
    }
  if (bad < 0)
    return TRUE;

  g_autofree char *relative = g_build_filename ("mfcc", entry->mfcc_file, NULL);
  _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_NON_FINITE, relative,
                             "frame %" G_GSSIZE_FORMAT " holds NaN or Inf", bad);
  return FALSE;
}

/* A string transcript being mapped: element access and the phoneme table. */
typedef struct
{
  CepPartitionLoad *load;
  const guint8     *data;
  gsize             n_elements;
  gsize             itemsize;
  gboolean          unicode;
  gboolean          big_endian;
} StringArray;

static inline guint32
code_point_at (const StringArray *array,
               const guint8      *element,
               gsize              index)
{
  guint32 value;

  memcpy (&value, element + 4 * index, sizeof value);
  return array->big_endian ? GUINT32_FROM_BE (value) : GUINT32_FROM_LE (value);
}

/* Packs an element of at most 8 ASCII characters into a phoneme key; FALSE otherwise. */
static inline gboolean
element_key (const StringArray *array,
             const guint8      *element,
             guint64           *key)
{
  gsize n_chars = array->unicode ? array->itemsize / 4 : array->itemsize;
  guint64 packed = 0;
  gsize length = 0;

  for (; length < n_chars; length++)
    {
      guint32 c = array->unicode ? code_point_at (array, element, length) : element[length];
      if (c == 0)
        break;
      if (c >= 0x80 || length == 8)
        return FALSE;
      packed |= (guint64) c << (8 * length);
    }
  *key = packed;
  return length > 0;
}

/* The element as UTF-8 for lookups of long symbols and for messages; invalid code points and
 * bytes are replaced, so the result is always printable. */
static char *
element_text (const StringArray *array,
              const guint8      *element)
{
  if (!array->unicode)
    {
      gsize length = strnlen ((const char *) element, array->itemsize);
      return g_utf8_make_valid ((const char *) element, (gssize) length);
    }

  GString *text = g_string_new (NULL);
  for (gsize i = 0; i < array->itemsize / 4; i++)
    {
      guint32 c = code_point_at (array, element, i);
      if (c == 0)
        break;
      g_string_append_unichar (text, g_unichar_validate (c) ? c : 0xFFFD);
    }
  return g_string_free (text, FALSE);
}

static int
element_id (const StringArray *array,
            gsize              index)
{
  const guint8 *element = array->data + index * array->itemsize;
  guint64 key;

  if (element_key (array, element, &key))
    return cep_phoneme_table_lookup_key (array->load->table, key);

  g_autofree char *text = element_text (array, element);
  return text[0] != '\0' ? cep_phoneme_table_lookup (array->load->table, text, -1) : -1;
}

/* How many labels to strip at each end: a leading start token and a trailing end token. */
static void
boundary_trim (CepPhonemeTable *table,
               gsize            n,
               int              first_id,
               int              last_id,
               gsize           *front,
               gsize           *back)
{
  int sos = cep_phoneme_table_get_sos (table);
  int eos = cep_phoneme_table_get_eos (table);

  *front = n > 0 && sos >= 0 && first_id == sos ? 1 : 0;
  *back = n > *front && eos >= 0 && last_id == eos ? 1 : 0;
}

static gboolean
check_label_count (CepPartitionLoad  *load,
                   CepPartitionEntry *entry,
                   const char        *relative,
                   gsize              n_labels)
{
  if (n_labels == entry->n_frames)
    return TRUE;
  _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_LABEL_COUNT, relative,
                             "%" G_GSIZE_FORMAT " labels for %" G_GSIZE_FORMAT " frames",
                             n_labels, entry->n_frames);
  return FALSE;
}

/* An id that is not a target class inside the transcript: a boundary token out of place. */
static void
fail_boundary_inside (CepPartitionLoad  *load,
                      CepPartitionEntry *entry,
                      const char        *relative,
                      int                id,
                      gsize              position)
{
  _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_TRANSCRIPT, relative,
                             "boundary token '%s' at position %" G_GSIZE_FORMAT
                             " (allowed only at the ends)",
                             cep_phoneme_table_get_name (load->table, (guint) id), position);
}

static gboolean
map_string_range (const StringArray *array,
                  CepPartitionEntry *entry,
                  const char        *relative,
                  gsize              begin,
                  gsize              end,
                  guint8            *labels)
{
  guint n_classes = cep_phoneme_table_get_n_classes (array->load->table);
  const guint8 *previous = NULL;
  int id = -1;

  for (gsize i = begin; i < end; i++)
    {
      const guint8 *element = array->data + i * array->itemsize;
      /* Phonemes last several frames: most elements repeat the one before. */
      if (previous == NULL || memcmp (element, previous, array->itemsize) != 0)
        id = element_id (array, i);
      previous = element;
      if (id < 0)
        {
          g_autofree char *text = element_text (array, element);
          _cep_partition_entry_fail (array->load, entry, CEP_PARTITION_ERROR_UNKNOWN_PHONEME,
                                     relative, "unknown phoneme '%s' at position %"
                                     G_GSIZE_FORMAT, text, i);
          return FALSE;
        }
      if ((guint) id >= n_classes)
        {
          fail_boundary_inside (array->load, entry, relative, id, i);
          return FALSE;
        }
      labels[i - begin] = (guint8) id;
    }
  return TRUE;
}

static gboolean
map_strings (CepPartitionLoad  *load,
             CepPartitionEntry *entry,
             const char        *relative,
             CepNpy            *npy,
             guint8            *labels)
{
  const CepNpyInfo *info = cep_npy_get_info (npy);
  StringArray array = {
    load, cep_npy_get_raw_data (npy), info->n_elements, info->itemsize,
    info->kind == CEP_NPY_KIND_UNICODE, info->big_endian,
  };
  gsize n = array.n_elements, front, back;

  if (array.data == NULL)
    {
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_FILE, relative,
                                 "could not read the data");
      return FALSE;
    }
  boundary_trim (load->table, n, n > 0 ? element_id (&array, 0) : -1,
                 n > 0 ? element_id (&array, n - 1) : -1, &front, &back);
  return check_label_count (load, entry, relative, n - front - back)
         && map_string_range (&array, entry, relative, front, n - back, labels);
}

static gboolean
map_id_range (CepPartitionLoad  *load,
              CepPartitionEntry *entry,
              const char        *relative,
              const gint64      *ids,
              gsize              begin,
              gsize              end,
              guint8            *labels)
{
  guint n_classes = cep_phoneme_table_get_n_classes (load->table);
  guint n_symbols = cep_phoneme_table_get_n_symbols (load->table);

  for (gsize i = begin; i < end; i++)
    {
      if (ids[i] >= 0 && ids[i] < n_classes)
        {
          labels[i - begin] = (guint8) ids[i];
          continue;
        }
      if (ids[i] >= 0 && ids[i] < n_symbols)
        fail_boundary_inside (load, entry, relative, (int) ids[i], i);
      else
        _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_TRANSCRIPT, relative,
                                   "id %" G_GINT64_FORMAT " at position %" G_GSIZE_FORMAT
                                   " is not a phoneme id (0..%u)", ids[i], i, n_symbols - 1);
      return FALSE;
    }
  return TRUE;
}

static int
id_or_none (const gint64 *ids,
            gsize         index)
{
  return ids[index] >= 0 && ids[index] <= G_MAXINT ? (int) ids[index] : -1;
}

static gboolean
map_ids (CepPartitionLoad  *load,
         CepPartitionEntry *entry,
         const char        *relative,
         CepNpy            *npy,
         guint8            *labels)
{
  gsize n = cep_npy_get_n_elements (npy), front, back;
  g_autofree gint64 *ids = g_new (gint64, MAX (n, 1));
  g_autoptr(GError) npy_error = NULL;

  if (!cep_npy_read_int64 (npy, ids, &npy_error))
    {
      _cep_partition_entry_fail_npy (load, entry, relative, npy_error);
      return FALSE;
    }
  boundary_trim (load->table, n, n > 0 ? id_or_none (ids, 0) : -1,
                 n > 0 ? id_or_none (ids, n - 1) : -1, &front, &back);
  return check_label_count (load, entry, relative, n - front - back)
         && map_id_range (load, entry, relative, ids, front, n - back, labels);
}

static gboolean
read_transcript (CepPartitionLoad  *load,
                 CepPartitionEntry *entry,
                 guint8            *labels)
{
  g_autofree char *relative = g_build_filename ("transcript", entry->transcript_file, NULL);
  g_autoptr(CepNpy) npy = open_npy (load, entry, relative);

  if (npy == NULL)
    return FALSE;

  const CepNpyInfo *info = cep_npy_get_info (npy);
  if (info->n_dims != 1)
    {
      g_autofree char *shape = format_shape (info);
      _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_TRANSCRIPT, relative,
                                 "expected a 1-D array of phonemes, found shape %s", shape);
      return FALSE;
    }
  if (info->kind == CEP_NPY_KIND_UNICODE || info->kind == CEP_NPY_KIND_BYTES)
    return map_strings (load, entry, relative, npy, labels);
  if (is_numeric (info->kind))
    return map_ids (load, entry, relative, npy, labels);

  g_autofree char *dtype = format_dtype (info);
  _cep_partition_entry_fail (load, entry, CEP_PARTITION_ERROR_TRANSCRIPT, relative,
                             "transcript has dtype %s, expected strings or integers", dtype);
  return FALSE;
}

gboolean
_cep_partition_read_utterance (CepPartitionLoad  *load,
                               CepPartitionEntry *entry)
{
  float *frames = entry_destination (load, entry);

  if (!read_features (load, entry, frames) || !normalize_features (load, entry, frames))
    return FALSE;
  return !load->labelled || read_transcript (load, entry, load->labels + entry->first_frame);
}
