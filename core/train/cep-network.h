/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network.h: a model spec instantiated on a backend — parameters, gradients, optimizer
 * state and activations resident in backend buffers, and the passes that run on them.
 *
 * Layout: ONE parameter buffer holds every tensor of the model in torch.nn.Sequential order
 * (Linear weight [out × in] then bias [out]; BatchNorm weight (gamma) then bias (beta)), as
 * views into it; the gradient buffer and the optimizer's state buffers have exactly the same
 * layout, so an optimizer step or a gradient clip is one fused pass over a flat vector.
 * BatchNorm running statistics live in their own buffer (they are not trained). Activation
 * buffers are sized for @max_batch rows; nothing is allocated per step.
 *
 * Inside a step the host only uploads the batch (inputs, labels) and downloads the step's
 * scalars (loss sum and correct count, three words); every other number stays in backend
 * memory and is touched by backend operations only, so a device backend runs it unchanged.
 *
 * Checkpoints (cep_network_save / _load) use the tensor names and layouts of
 * cep_model_spec_list_tensors(): "layers.N.weight", "layers.N.bias", "layers.N.running_mean",
 * "layers.N.running_var", "layers.N.num_batches_tracked" (I64), N being the block's index in
 * the equivalent torch.nn.Sequential counting activation and dropout modules, so a torch
 * snippet strips "layers." and calls load_state_dict. Optimizer state, when saved, uses the
 * prefix "optimizer." ("optimizer.exp_avg.layers.0.weight", "optimizer.exp_avg_sq...",
 * "optimizer.momentum_buffer...") and is skipped by that same startswith("layers.") filter.
 *
 * A network is used from one thread at a time (as its backend).
 */
#pragma once

#include <gio/gio.h>

#include "cep-backend.h"
#include "cep-batch-producer.h"
#include "cep-model-spec.h"
#include "cep-partition.h"
#include "cep-safetensors.h"

G_BEGIN_DECLS

#define CEP_NETWORK_ERROR (cep_network_error_quark ())
GQuark cep_network_error_quark (void);

typedef enum
{
  CEP_NETWORK_ERROR_INVALID,        /* bad argument: batch too large, spec without layers... */
  CEP_NETWORK_ERROR_NON_FINITE,     /* the loss of a step is NaN or infinite */
  CEP_NETWORK_ERROR_CHECKPOINT,     /* a checkpoint does not fit this model */
  CEP_NETWORK_ERROR_CANCELLED,
  CEP_NETWORK_ERROR_NO_MEMORY,      /* a buffer of the network or its optimizer could not be made */
} CepNetworkError;

typedef struct _CepNetwork CepNetwork;

/* What one training step measured (on the training-mode forward: dropout on). */
typedef struct
{
  double loss;        /* mean loss over the batch's labelled rows */
  guint  correct;     /* rows whose argmax equals the label */
  guint  n;           /* rows in the batch */
} CepStepStats;

typedef enum
{
  CEP_OPTIMIZER_KIND_ADAMW,
  CEP_OPTIMIZER_KIND_ADAM,
  CEP_OPTIMIZER_KIND_SGD,
} CepOptimizerKind;

/* torch.optim hyper-parameters (the learning rate comes with each step). */
typedef struct
{
  CepOptimizerKind kind;
  double           beta1;          /* Adam(W): 0.9 */
  double           beta2;          /* 0.999 */
  double           eps;            /* 1e-8 */
  double           weight_decay;   /* AdamW 0.01, Adam 0, SGD 0 */
  double           momentum;       /* SGD: 0 = plain */
  double           dampening;      /* SGD: 0 */
  gboolean         nesterov;       /* SGD */
  double           clip_norm;      /* > 0: clip the global gradient norm to this first */
} CepOptimizerConfig;

/* AdamW with torch's defaults, no clipping. */
void                cep_optimizer_config_init      (CepOptimizerConfig *config);

/* @backend must outlive the network. @max_batch >= 1 rows per pass. The optimizer starts as
 * cep_optimizer_config_init(); parameters start at zero until cep_network_init_parameters()
 * or cep_network_load(). */
CepNetwork         *cep_network_new                (const CepModelSpec       *spec,
                                                    CepBackend               *backend,
                                                    guint                     max_batch,
                                                    GError                  **error);
void                cep_network_free               (CepNetwork               *self);

/* The network's own copy of the spec. */
const CepModelSpec *cep_network_get_spec           (CepNetwork               *self);
CepBackend         *cep_network_get_backend        (CepNetwork               *self);
guint               cep_network_get_max_batch      (CepNetwork               *self);
guint               cep_network_get_input_dim      (CepNetwork               *self);
guint               cep_network_get_n_classes      (CepNetwork               *self);
/* Trainable parameters (the length of the flat parameter vector). */
gsize               cep_network_get_n_parameters   (CepNetwork               *self);

/* Fresh parameters from @seed (stream CEP_RNG_STREAM_INIT, one counter per Linear module):
 * weights by the layer's init (Glorot uniform, Kaiming normal, normal), zero biases,
 * BatchNorm gamma 1 and beta 0, running mean 0 and variance 1; optimizer state and the
 * BatchNorm batch counter reset. Identical on every backend. */
void                cep_network_init_parameters    (CepNetwork               *self,
                                                    guint64                   seed);

/* Optimizer: the kind, hyper-parameters and clipping. Switching between SGD and Adam(W), or
 * SGD's momentum on or off, resets the optimizer state; Adam and AdamW share theirs. FALSE
 * with the error (and the optimizer unchanged) when the state cannot be allocated. */
gboolean            cep_network_set_optimizer      (CepNetwork               *self,
                                                    const CepOptimizerConfig *config,
                                                    GError                  **error);
const CepOptimizerConfig *cep_network_get_optimizer (CepNetwork              *self);
/* Optimizer steps taken so far (Adam's bias correction counts from it). */
guint64             cep_network_get_optimizer_steps (CepNetwork              *self);

/* One training step on a batch of @n <= max_batch rows: training-mode forward (batch
 * statistics, dropout keyed by (seed of the last init, @step, module index)), mean loss,
 * backward, optional clipping, one optimizer step at learning rate @lr. @labels int32 class
 * ids; @inputs n × input_dim floats. BatchNorm needs n >= 2. Fails with
 * CEP_NETWORK_ERROR_NON_FINITE when the loss is NaN or infinite: the parameters are then
 * already updated with that step (and useless); keep a checkpoint to go back to. */
gboolean            cep_network_train_step         (CepNetwork               *self,
                                                    const float              *inputs,
                                                    const gint32             *labels,
                                                    guint                     n,
                                                    guint64                   step,
                                                    double                    lr,
                                                    CepStepStats             *stats,
                                                    GError                  **error);

/* The first half of a training step: forward, loss and backward, leaving the gradient of the
 * mean loss in the gradient buffer (parameters and optimizer untouched; BatchNorm running
 * statistics are updated as by any training forward). For gradient checks and tools. */
gboolean            cep_network_compute_gradients  (CepNetwork               *self,
                                                    const float              *inputs,
                                                    const gint32             *labels,
                                                    guint                     n,
                                                    guint64                   step,
                                                    CepStepStats             *stats,
                                                    GError                  **error);

/* The dropout seed (set by cep_network_init_parameters, saved in checkpoints). */
guint64             cep_network_get_seed           (CepNetwork               *self);
void                cep_network_set_seed           (CepNetwork               *self,
                                                    guint64                   seed);

/* Evaluation-mode logits (BatchNorm running statistics, no dropout) for any @n: @inputs
 * n × input_dim, @logits n × n_classes, both host memory; chunked by max_batch. */
gboolean            cep_network_forward_eval       (CepNetwork               *self,
                                                    const float              *inputs,
                                                    guint                     n,
                                                    float                    *logits,
                                                    GError                  **error);
/* Evaluation-mode backward to the inputs: @dinputs (n × input_dim) = (∂logits/∂inputs)ᵀ ·
 * @dlogits (n × n_classes) for each row, for any @n (chunked). Parameters untouched. */
gboolean            cep_network_input_gradient     (CepNetwork               *self,
                                                    const float              *inputs,
                                                    guint                     n,
                                                    const float              *dlogits,
                                                    float                    *dinputs,
                                                    GError                  **error);

/* The resident input path: a partition's padded frame store kept in backend memory (on a
 * device: uploaded once), and steps that take frame indices instead of windows — the
 * backend gathers and masks the windows itself (cep_backend_gather_windows()), bit for bit
 * as CepBatchProducer would on the host. For device backends; the CPU ones gain nothing.
 *
 * Uploads @partition's store (cut into pieces at utterance boundaries where it is larger than
 * one backend tensor). Fails with CEP_BACKEND_ERROR_NO_MEMORY, and a message giving the
 * sizes, when it does not fit in the backend's free memory (keeping an eighth of it for
 * the rest), and with CEP_NETWORK_ERROR_INVALID for a feature dimension other than the
 * model's or a context_max below the model's context. A second call for the same partition
 * does nothing. */
gboolean            cep_network_make_resident      (CepNetwork               *self,
                                                    CepPartition             *partition,
                                                    GError                  **error);
gboolean            cep_network_is_resident        (CepNetwork               *self,
                                                    CepPartition             *partition);
/* Frees every resident store. */
void                cep_network_drop_resident      (CepNetwork               *self);
/* cep_network_train_step() on a batch of a frames_only CepBatchProducer over @partition
 * (resident), with the spec's context. */
gboolean            cep_network_train_step_batch   (CepNetwork               *self,
                                                    CepPartition             *partition,
                                                    const CepBatch           *batch,
                                                    guint64                   step,
                                                    double                    lr,
                                                    CepStepStats             *stats,
                                                    GError                  **error);
/* The gathered (and masked) inputs of @batch as the step sees them, into @inputs
 * (n_samples × input_dim): for tests and tools. */
gboolean            cep_network_gather_inputs      (CepNetwork               *self,
                                                    CepPartition             *partition,
                                                    const CepBatch           *batch,
                                                    float                    *inputs,
                                                    GError                  **error);

/* Evaluation over a partition */

typedef struct
{
  double  loss;        /* mean loss (with the spec's label smoothing) over the frames */
  double  accuracy;    /* correct / frames */
  guint64 correct;
  guint64 frames;
} CepEvalResult;

/* Loss and accuracy of the evaluation-mode model over every frame of a labelled @partition
 * (in order, no augmentation), with the spec's context; windows are gathered by the backend
 * when @partition is resident. @cancellable may be NULL. */
gboolean            cep_network_evaluate           (CepNetwork               *self,
                                                    CepPartition             *partition,
                                                    GCancellable             *cancellable,
                                                    CepEvalResult            *result,
                                                    GError                  **error);
/* Argmax class of every frame of @partition (labelled or not): @predictions holds
 * cep_partition_get_n_frames() entries, in frame order. */
gboolean            cep_network_predict            (CepNetwork               *self,
                                                    CepPartition             *partition,
                                                    GCancellable             *cancellable,
                                                    guint8                   *predictions,
                                                    GError                  **error);

/* Checkpoints */

/* Adds the model's tensors (and the optimizer state when @with_optimizer) to @writer; the
 * writer borrows host copies owned by @self until the next call that changes them, so write
 * the file before the next step. Metadata is the caller's. */
gboolean            cep_network_add_to_writer      (CepNetwork               *self,
                                                    CepSafetensorsWriter     *writer,
                                                    gboolean                  with_optimizer,
                                                    GError                  **error);
/* Loads the model's tensors from @file (and the optimizer state if @with_optimizer and the
 * file has it; otherwise the state is reset). Names and shapes must match this spec. */
gboolean            cep_network_load_tensors       (CepNetwork               *self,
                                                    const CepSafetensors     *file,
                                                    gboolean                  with_optimizer,
                                                    GError                  **error);
/* Writes @path atomically with "cepstra.experiment" etc. left to the caller's @metadata
 * (key/value pairs, NULL-terminated; may be NULL). */
gboolean            cep_network_save               (CepNetwork               *self,
                                                    const char               *path,
                                                    gboolean                  with_optimizer,
                                                    const char * const       *metadata,
                                                    GError                  **error);
gboolean            cep_network_load               (CepNetwork               *self,
                                                    const char               *path,
                                                    gboolean                  with_optimizer,
                                                    GError                  **error);

/* Views for tests and tools: the parameter buffer and the gradient buffer (same layout), and
 * where a named tensor ("layers.0.weight") sits; FALSE if there is no such tensor. Running
 * statistics ("layers.1.running_mean") are in the statistics buffer; num_batches_tracked is
 * a host counter, not in any buffer. */
CepBuffer          *cep_network_get_parameters     (CepNetwork               *self);
CepBuffer          *cep_network_get_gradients      (CepNetwork               *self);
CepBuffer          *cep_network_get_statistics     (CepNetwork               *self);
gboolean            cep_network_lookup_tensor      (CepNetwork               *self,
                                                    const char               *name,
                                                    CepBuffer               **buffer,
                                                    gsize                    *offset,
                                                    gsize                    *n_words);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepNetwork, cep_network_free)

G_END_DECLS
