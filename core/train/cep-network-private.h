/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network-private.h: the struct behind CepNetwork, shared by the files that implement it
 * (construction and layout, passes, checkpoints, partition evaluation).
 */
#pragma once

#include "cep-network.h"
#include "cep-block-type.h"

#include "cep-batch-producer.h"

G_BEGIN_DECLS

/* Words of the scalars buffer: the only thing downloaded per step. */
enum
{
  CEP_SCALAR_LOSS_SUM,       /* float */
  CEP_SCALAR_CORRECT,        /* int32 */
  CEP_SCALAR_GRAD_NORM_SQ,   /* float: Σ grad² for clipping */
  CEP_N_SCALARS,
};

struct _CepNetwork
{
  CepModelSpec       *spec;
  CepBackend         *backend;
  guint               max_batch;
  guint               input_dim;
  guint               n_classes;
  guint               max_width;      /* widest tensor, the input included */

  CepLayer           *layers;         /* cep-block-type.h */
  guint               n_layers;       /* hidden blocks + head */
  gboolean            has_batch_norm; /* a block uses batch statistics (BatchNorm) */

  gsize               n_params;
  gsize               n_stats;
  CepBuffer          *params;
  CepBuffer          *grads;
  CepBuffer          *stats;          /* BatchNorm running mean and variance */
  CepBuffer          *opt_m;          /* Adam exp_avg, SGD momentum buffer (or NULL) */
  CepBuffer          *opt_v;          /* Adam exp_avg_sq (or NULL) */
  CepBuffer          *acts;           /* every activation tensor, max_batch rows each */
  CepBuffer          *grad_a;         /* two ping-pong activation-gradient tensors */
  CepBuffer          *grad_b;
  CepBuffer          *work;           /* saved BatchNorm statistics, a zero vector */
  gsize               zeros;          /* offset in work of max_width zeros */
  CepBuffer          *masks;          /* dropout masks (NULL without dropout) */
  CepBuffer          *labels;         /* int32 [max_batch] */
  CepBuffer          *predictions;    /* int32 [max_batch] */
  CepBuffer          *scalars;        /* CEP_N_SCALARS words */

  /* Resident frame stores (cep-network-resident.c): CepResidentStore, one per partition */
  GPtrArray          *resident;
  CepBuffer          *samples;        /* gather descriptors, max_batch × the widest layout */
  guint32            *host_samples;   /* their host copy */
  guint              *sample_piece;   /* per sample of a batch: its store piece */

  CepOptimizerConfig  optimizer;
  guint64             optimizer_steps;
  guint64             bn_batches;     /* BatchNorm's num_batches_tracked */
  guint64             seed;           /* dropout masks */

  /* Host mirrors for checkpoints (allocated on first use) */
  float              *host_params;
  float              *host_stats;
  float              *host_m;
  float              *host_v;
  gint64              host_counters[2];  /* num_batches_tracked, optimizer step */
};

/* The view of @offset words into the activation buffer. */
static inline CepView
cep_network_act (CepNetwork *self,
                 gsize       offset)
{
  return cep_view (self->acts, offset);
}

/* The logits tensor of the last forward. */
static inline gsize
cep_network_logits_offset (CepNetwork *self)
{
  return self->layers[self->n_layers - 1].y;
}

/* Passes (cep-network-passes.c), n <= max_batch rows already uploaded into the input tensor
 * (and labels). */
void     _cep_network_forward        (CepNetwork  *self,
                                      guint        n,
                                      gboolean     training,
                                      guint64      step);
/* Backward from the activation gradient in grad_a holding d(logits); training mode fills the
 * parameter gradients, input mode (eval) propagates to the input and leaves its gradient in
 * the returned buffer. */
CepBuffer *_cep_network_backward     (CepNetwork  *self,
                                      guint        n,
                                      gboolean     training);
void     _cep_network_upload_inputs  (CepNetwork  *self,
                                      const float *inputs,
                                      guint        n);
void     _cep_network_upload_labels  (CepNetwork  *self,
                                      const gint32 *labels,
                                      guint        n);
/* Loss sum and correct count of the last forward's logits against the uploaded labels into
 * the scalars buffer (cleared first), and reading them back (one download). */
void     _cep_network_score          (CepNetwork  *self,
                                      guint        n);
void     _cep_network_read_score     (CepNetwork  *self,
                                      double      *loss_sum,
                                      guint       *correct);
/* Allocates or frees the optimizer state buffers for self->optimizer.kind. */
gboolean _cep_network_alloc_optimizer_state (CepNetwork *self,
                                             GError    **error);

/* A training step on the input tensor as it is (uploaded or gathered): labels uploaded,
 * forward, backward, clipping, optimizer, the score read back. */
gboolean _cep_network_train_on_inputs (CepNetwork   *self,
                                       const gint32 *labels,
                                       guint         n,
                                       guint64       step,
                                       double        lr,
                                       CepStepStats *stats,
                                       GError      **error);
/* n <= max_batch, and >= 2 with BatchNorm. */
gboolean _cep_network_check_rows      (CepNetwork   *self,
                                       guint         n,
                                       GError      **error);

/* Resident stores (cep-network-resident.c) */
void     _cep_network_resident_clear (CepNetwork  *self);
/* Gathers the windows of @batch (frames_only, from @partition's resident store) into the
 * input tensor; FALSE with @error when @partition is not resident. */
gboolean _cep_network_gather_batch   (CepNetwork     *self,
                                      CepPartition   *partition,
                                      const CepBatch *batch,
                                      GError        **error);

/* cep-network.c */
gboolean _cep_network_tensor_place   (CepNetwork     *self,
                                      guint           index,
                                      CepTensorRole   role,
                                      CepBuffer     **buffer,
                                      gsize          *offset,
                                      gsize          *n_words);
float   *_cep_network_ensure_host_params (CepNetwork *self);
float   *_cep_network_ensure_host_stats  (CepNetwork *self);
void     _cep_network_reset_optimizer_state (CepNetwork *self);

G_END_DECLS
