/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network-resident.c: a partition's frame store kept in backend memory, and steps that
 * gather their windows there from frame indices.
 *
 * Owns the resident stores (one per partition, cut into pieces no larger than one backend
 * tensor, each piece a run of whole utterances with their padding, so every window lies in
 * one piece), the packing of a batch's store rows and mask bands into the descriptors of
 * cep_backend_gather_windows(), and the resident training step. The host path stays the
 * oracle: a gathered batch equals CepBatchProducer's host batch bit for bit.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-network-private.h"

#include <string.h>

/* Free device memory kept for everything else (activations of later passes, staging,
 * drivers): this fraction of what is free when the store is placed. */
#define RESERVE_FRACTION 8

typedef struct
{
  CepBuffer *buffer;
  gsize      first_row;   /* the partition's store row held by row 0 */
  gsize      n_rows;
} CepStorePiece;

typedef struct
{
  CepPartition *partition;
  GArray       *pieces;      /* CepStorePiece, in row order */
} CepResidentStore;

static void
resident_store_free (CepResidentStore *store)
{
  for (guint i = 0; i < store->pieces->len; i++)
    cep_buffer_free (g_array_index (store->pieces, CepStorePiece, i).buffer);
  g_array_unref (store->pieces);
  g_object_unref (store->partition);
  g_free (store);
}

static CepResidentStore *
find_store (CepNetwork   *self,
            CepPartition *partition)
{
  for (guint i = 0; self->resident != NULL && i < self->resident->len; i++)
    {
      CepResidentStore *store = self->resident->pdata[i];
      if (store->partition == partition)
        return store;
    }
  return NULL;
}

void
_cep_network_resident_clear (CepNetwork *self)
{
  g_clear_pointer (&self->resident, g_ptr_array_unref);
  g_clear_pointer (&self->samples, cep_buffer_free);
  g_clear_pointer (&self->host_samples, g_free);
  g_clear_pointer (&self->sample_piece, g_free);
}

void
cep_network_drop_resident (CepNetwork *self)
{
  g_return_if_fail (self != NULL);
  _cep_network_resident_clear (self);
}

gboolean
cep_network_is_resident (CepNetwork   *self,
                         CepPartition *partition)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return find_store (self, partition) != NULL;
}

/* ---- placing a store ---------------------------------------------------------------- */

/* Rows of utterance @u with its padding on both sides: [first, end). */
static void
utterance_rows (CepPartition *partition,
                guint         u,
                gsize        *first,
                gsize        *end)
{
  gsize pad = cep_partition_get_context_max (partition);

  *first = pad * u + cep_partition_get_utterance_start (partition, u);
  *end = *first + 2 * pad + cep_partition_get_utterance_length (partition, u);
}

/* Cuts the store into runs of whole utterances of at most @max_rows rows; FALSE when one
 * utterance alone is longer. Neighbouring pieces share (copy) the padding between them. */
static gboolean
plan_pieces (CepPartition *partition,
             gsize         max_rows,
             GArray       *pieces)
{
  guint n = cep_partition_get_n_utterances (partition);
  CepStorePiece piece = { NULL, 0, 0 };
  gsize first, end;

  for (guint u = 0; u < n; u++)
    {
      utterance_rows (partition, u, &first, &end);
      if (end - first > max_rows)
        return FALSE;
      if (piece.n_rows > 0 && end - piece.first_row > max_rows)
        {
          g_array_append_val (pieces, piece);
          piece.n_rows = 0;
        }
      if (piece.n_rows == 0)
        piece.first_row = first;
      piece.n_rows = end - piece.first_row;
    }
  if (piece.n_rows > 0)
    g_array_append_val (pieces, piece);
  return TRUE;
}

static gboolean
check_store_partition (CepNetwork   *self,
                       CepPartition *partition,
                       GError      **error)
{
  if (cep_partition_get_feature_dim (partition) != self->spec->feature_dim ||
      cep_partition_get_context_max (partition) < cep_model_spec_get_context_reach (self->spec))
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "%s: %u features and context_max %u do not fit the model (%u features, "
                   "context %u)", cep_partition_get_name (partition),
                   cep_partition_get_feature_dim (partition),
                   cep_partition_get_context_max (partition), self->spec->feature_dim,
                   cep_model_spec_get_context_reach (self->spec));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_fits (CepNetwork   *self,
            CepPartition *partition,
            GError      **error)
{
  guint64 bytes = cep_partition_get_store_size (partition);
  guint64 available = cep_backend_get_memory_available (self->backend);

  if (available == G_MAXUINT64 || bytes <= available - available / RESERVE_FRACTION)
    return TRUE;
  g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY,
               "%s: the frame store (%" G_GUINT64_FORMAT " MiB) does not fit in the %"
               G_GUINT64_FORMAT " MiB of %s memory still free (keeping an eighth of it)",
               cep_partition_get_name (partition), bytes >> 20, available >> 20,
               cep_backend_get_name (self->backend));
  return FALSE;
}

static gboolean
upload_pieces (CepNetwork   *self,
               CepPartition *partition,
               GArray       *pieces,
               GError      **error)
{
  guint dim = cep_partition_get_feature_dim (partition);
  const float *store = cep_partition_get_store (partition, NULL);

  for (guint i = 0; i < pieces->len; i++)
    {
      CepStorePiece *piece = &g_array_index (pieces, CepStorePiece, i);
      piece->buffer = cep_buffer_new (self->backend, piece->n_rows * dim, error);
      if (piece->buffer == NULL)
        return FALSE;
      cep_buffer_upload (piece->buffer, 0, store + piece->first_row * dim, piece->n_rows * dim);
    }
  return TRUE;
}

static gboolean
ensure_sample_buffers (CepNetwork *self,
                       GError    **error)
{
  gsize words = (gsize) self->max_batch * CEP_GATHER_SAMPLE_WORDS (CEP_GATHER_MAX_BANDS,
                                                                   CEP_GATHER_MAX_BANDS);

  if (self->samples != NULL)
    return TRUE;
  self->samples = cep_buffer_new (self->backend, words, error);
  if (self->samples == NULL)
    return FALSE;
  self->host_samples = g_new0 (guint32, words);
  self->sample_piece = g_new0 (guint, self->max_batch);
  return TRUE;
}

gboolean
cep_network_make_resident (CepNetwork   *self,
                           CepPartition *partition,
                           GError      **error)
{
  g_return_val_if_fail (self != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (find_store (self, partition) != NULL)
    return TRUE;
  if (!check_store_partition (self, partition, error) || !check_fits (self, partition, error) ||
      !ensure_sample_buffers (self, error))
    return FALSE;

  gsize max_rows = cep_backend_get_max_tensor_words (self->backend) /
                   cep_partition_get_feature_dim (partition);
  CepResidentStore *store = g_new0 (CepResidentStore, 1);
  store->partition = g_object_ref (partition);
  store->pieces = g_array_new (FALSE, TRUE, sizeof (CepStorePiece));
  if (!plan_pieces (partition, MIN (max_rows, (gsize) G_MAXUINT32), store->pieces))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY,
                   "%s: an utterance is longer than the largest tensor %s can bind",
                   cep_partition_get_name (partition), cep_backend_get_name (self->backend));
      resident_store_free (store);
      return FALSE;
    }
  if (!upload_pieces (self, partition, store->pieces, error))
    {
      resident_store_free (store);
      return FALSE;
    }
  if (self->resident == NULL)
    self->resident = g_ptr_array_new_with_free_func ((GDestroyNotify) resident_store_free);
  g_ptr_array_add (self->resident, store);
  g_debug ("%s resident on %s in %u piece(s)", cep_partition_get_name (partition),
           cep_backend_get_name (self->backend), store->pieces->len);
  return TRUE;
}

/* ---- gathering a batch -------------------------------------------------------------- */

/* The piece holding store row @row (a frame's row lies in exactly one piece). */
static guint
find_piece (GArray *pieces,
            gsize   row)
{
  guint lo = 0, hi = pieces->len;

  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (pieces, CepStorePiece, mid).first_row <= row)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* The band slots a batch needs: the most bands any of its samples has. */
static void
count_slots (const CepBatch *batch,
             guint          *freq_slots,
             guint          *time_slots)
{
  *freq_slots = *time_slots = 0;
  for (guint i = 0; batch->masks != NULL && i < batch->n_samples; i++)
    {
      *freq_slots = MAX (*freq_slots, batch->masks[i].n_freq);
      *time_slots = MAX (*time_slots, batch->masks[i].n_time);
    }
}

static guint32
pack_band (const CepMaskBand *band)
{
  return MIN (band->start, 0xffffu) | MIN (band->width, 0xffffu) << 16;
}

static void
pack_sample (guint32          *words,
             gsize             row,
             guint             out_row,
             const CepMaskSet *masks,
             guint             sample_words)
{
  words[0] = (guint32) row;
  words[1] = out_row;
  if (sample_words == 2)
    return;
  memset (words + 2, 0, (sample_words - 2) * sizeof (guint32));
  words[2] = masks->n_freq | masks->n_time << 16;
  for (guint b = 0; b < masks->n_freq; b++)
    words[3 + b] = pack_band (&masks->freq[b]);
  for (guint b = 0; b < masks->n_time; b++)
    words[3 + masks->n_freq + b] = pack_band (&masks->time[b]);
}

/* Descriptors grouped by piece (counting sort, stable); @starts[p] is the first sample of
 * piece p, @starts[n_pieces] the total. */
static void
pack_batch (CepNetwork             *self,
            const CepResidentStore *store,
            const CepBatch         *batch,
            guint                   sample_words,
            guint                  *starts)
{
  guint n_pieces = store->pieces->len;

  memset (starts, 0, (n_pieces + 1) * sizeof (guint));
  for (guint i = 0; i < batch->n_samples; i++)
    {
      self->sample_piece[i] = n_pieces == 1 ? 0 : find_piece (store->pieces, batch->rows[i]);
      starts[self->sample_piece[i] + 1]++;
    }
  for (guint p = 0; p < n_pieces; p++)
    starts[p + 1] += starts[p];
  g_autofree guint *next = g_memdup2 (starts, n_pieces * sizeof (guint));
  for (guint i = 0; i < batch->n_samples; i++)
    {
      guint p = self->sample_piece[i];
      const CepStorePiece *piece = &g_array_index (store->pieces, CepStorePiece, p);
      pack_sample (self->host_samples + (gsize) next[p]++ * sample_words,
                   batch->rows[i] - piece->first_row, i,
                   batch->masks != NULL ? &batch->masks[i] : NULL, sample_words);
    }
}

static gboolean
check_batch (CepNetwork     *self,
             CepPartition   *partition,
             const CepBatch *batch,
             GError        **error)
{
  if (batch->rows == NULL || batch->n_samples > self->max_batch ||
      batch->window_floats != self->input_dim)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "%s: the batch is not a frames-only batch of at most %u windows of %u "
                   "floats", cep_partition_get_name (partition), self->max_batch,
                   self->input_dim);
      return FALSE;
    }
  return TRUE;
}

gboolean
_cep_network_gather_batch (CepNetwork     *self,
                           CepPartition   *partition,
                           const CepBatch *batch,
                           GError        **error)
{
  CepResidentStore *store = find_store (self, partition);
  guint freq_slots, time_slots;

  if (store == NULL)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "%s is not resident on the network's backend",
                   cep_partition_get_name (partition));
      return FALSE;
    }
  if (!check_batch (self, partition, batch, error))
    return FALSE;
  count_slots (batch, &freq_slots, &time_slots);
  CepGatherShape shape = {
    .dim = self->spec->feature_dim,
    .window_start = -(gint) cep_model_spec_get_context_past (self->spec),
    .window_frames = cep_model_spec_get_window_frames (self->spec),
    .sample_words = CEP_GATHER_SAMPLE_WORDS (freq_slots, time_slots),
  };
  g_autofree guint *starts = g_new (guint, store->pieces->len + 1);
  pack_batch (self, store, batch, shape.sample_words, starts);
  cep_buffer_upload (self->samples, 0, self->host_samples,
                     (gsize) batch->n_samples * shape.sample_words);
  for (guint p = 0; p < store->pieces->len; p++)
    {
      const CepStorePiece *piece = &g_array_index (store->pieces, CepStorePiece, p);
      if (starts[p + 1] > starts[p])
        cep_backend_gather_windows (self->backend, starts[p + 1] - starts[p], shape,
                                    cep_view (piece->buffer, 0), piece->n_rows,
                                    cep_view (self->samples, (gsize) starts[p] *
                                                             shape.sample_words),
                                    cep_network_act (self, 0), batch->n_samples);
    }
  return TRUE;
}

gboolean
cep_network_train_step_batch (CepNetwork     *self,
                              CepPartition   *partition,
                              const CepBatch *batch,
                              guint64         step,
                              double          lr,
                              CepStepStats   *stats,
                              GError        **error)
{
  g_return_val_if_fail (self != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (batch != NULL && batch->labels != NULL && batch->n_samples > 0, FALSE);

  return _cep_network_check_rows (self, batch->n_samples, error) &&
         _cep_network_gather_batch (self, partition, batch, error) &&
         _cep_network_train_on_inputs (self, batch->labels, batch->n_samples, step, lr, stats,
                                       error);
}

gboolean
cep_network_gather_inputs (CepNetwork     *self,
                           CepPartition   *partition,
                           const CepBatch *batch,
                           float          *inputs,
                           GError        **error)
{
  g_return_val_if_fail (self != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (batch != NULL && inputs != NULL, FALSE);

  if (!_cep_network_gather_batch (self, partition, batch, error))
    return FALSE;
  cep_buffer_download (self->acts, 0, inputs, (gsize) batch->n_samples * self->input_dim);
  return TRUE;
}
