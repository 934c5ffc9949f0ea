/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend.h: where Cepstra's numbers are computed — opaque buffers and the operations of
 * an MLP's training step on them.
 *
 * A CepBackend is created by name ("ref": plain C, the oracle; "blas": the CPU backend for
 * training — AVX-512 or OpenBLAS matrix products and vectorized, fused loops). Its memory is
 * opaque CepBuffers; an operation addresses a tensor as a view (buffer, offset) and takes
 * shapes and scalars by value, never a host pointer, so a device backend can keep parameters,
 * optimizer state and activations resident and record a whole step before running it. Per
 * step the host only downloads small scalars (the loss sum, the correct count). Operations
 * are queued in call order; cep_backend_synchronize() waits for them (downloads do so
 * implicitly).
 *
 * Conventions: float32, row-major. Activations are [rows × cols] (a batch of rows), Linear
 * weights [out × in] as torch.nn.Linear. Buffers hold 4-byte words: floats, or int32 where an
 * operation says so (labels, predictions, counts); offsets and sizes count words. Unless an
 * operation says otherwise, its outputs must not overlap its inputs; "in place" notes say
 * which output may be exactly the same view as which input. A backend is used from one thread
 * at a time.
 */
#pragma once

#include <glib.h>

#include "cep-activation.h"

G_BEGIN_DECLS

#define CEP_BACKEND_ERROR (cep_backend_error_quark ())
GQuark cep_backend_error_quark (void);

typedef enum
{
  CEP_BACKEND_ERROR_UNKNOWN,     /* no backend of that name */
  CEP_BACKEND_ERROR_NO_MEMORY,   /* a buffer could not be allocated */
  CEP_BACKEND_ERROR_FAILED,      /* the backend could not be set up */
  CEP_BACKEND_ERROR_INVALID,     /* an option out of its range (threads) */
} CepBackendError;

typedef struct _CepBackend CepBackend;
typedef struct _CepBuffer  CepBuffer;

/* Which matrix-product code the blas backend uses. */
typedef enum
{
  CEP_GEMM_AUTO,       /* the fastest here: AVX-512 tiles where the CPU has AVX-512, OpenBLAS
                        * elsewhere, and a few-columns kernel for products like {N,784}×{784,10} */
  CEP_GEMM_OPENBLAS,   /* OpenBLAS for every product (for comparisons) */
} CepGemmChoice;

/* More compute threads than any machine Cepstra runs on has cores; a larger request is a
 * mistake (a typo, "1e6" in an experiment), refused before any thread is made. */
#define CEP_BACKEND_MAX_THREADS 256

typedef struct
{
  guint         threads;   /* compute threads in [0, CEP_BACKEND_MAX_THREADS]; 0 = one per
                            * processor */
  CepGemmChoice gemm;      /* blas only */
  const char   *device;    /* vulkan only: an index into its device list or part of a device
                            * name; NULL = CEPSTRA_VULKAN_DEVICE, else the best device */
} CepBackendOptions;

/* A tensor's place: @offset words into @buffer. A view with @buffer NULL means "none" where an
 * operation accepts an optional tensor. */
typedef struct
{
  CepBuffer *buffer;
  gsize      offset;
} CepView;

#define CEP_VIEW_NONE ((CepView) { NULL, 0 })

static inline CepView
cep_view (CepBuffer *buffer,
          gsize      offset)
{
  return (CepView) { buffer, offset };
}

/* The same buffer, @delta words further. */
static inline CepView
cep_view_at (CepView view,
             gsize   delta)
{
  return (CepView) { view.buffer, view.offset + delta };
}

static inline gboolean
cep_view_is_set (CepView view)
{
  return view.buffer != NULL;
}

/* Backends and buffers */

/* The names cep_backend_new() accepts, NULL-terminated, the default first. */
const char *const *cep_backend_list_available (void);
/* The usable devices of backend @name as CepBackendOptions.device accepts them: their indices
 * ("0", "1", ...; NULL-terminated), and in *@device_names (may be NULL) what their drivers
 * call them. NULL for a backend without devices (the CPU ones) or where none works. Probes the
 * driver: call it off the main thread. */
GStrv        cep_backend_list_devices     (const char              *name,
                                           GStrv                   *device_names);
/* @options may be NULL. An unknown name fails with CEP_BACKEND_ERROR_UNKNOWN and a message that
 * lists the available backends. */
CepBackend  *cep_backend_new              (const char              *name,
                                           const CepBackendOptions *options,
                                           GError                 **error);
/* As cep_backend_new(), but when @name exists yet cannot be set up on this machine (a Vulkan
 * build without a loader or device: CEP_BACKEND_ERROR_FAILED) opens the default backend
 * instead and sets @notice (free it) to a sentence saying why; @notice stays NULL otherwise.
 * An unknown name still fails. */
CepBackend  *cep_backend_new_or_fallback  (const char              *name,
                                           const CepBackendOptions *options,
                                           char                   **notice,
                                           GError                 **error);
/* Every buffer of the backend must be freed before it. */
void         cep_backend_free             (CepBackend  *backend);
const char  *cep_backend_get_name         (CepBackend  *backend);
/* One line for logs and benchmarks, e.g. "blas: OpenBLAS 0.3.21 (Zen), 2 threads, AVX-512". */
const char  *cep_backend_get_description  (CepBackend  *backend);
/* The device a device backend runs on ("NVIDIA H100 80GB HBM3"); NULL on CPU backends. As a
 * CepBackendOptions.device it picks the same device again. */
const char  *cep_backend_get_device_name  (CepBackend  *backend);
guint        cep_backend_get_threads      (CepBackend  *backend);
/* TRUE when buffers live in host memory (CPU backends), FALSE for a device. */
gboolean     cep_backend_is_host_memory   (CepBackend  *backend);
/* Waits for every queued operation; a no-op on CPU backends. */
void         cep_backend_synchronize      (CepBackend  *backend);

/* A zero-filled buffer of @n_words 4-byte words. */
CepBuffer   *cep_buffer_new               (CepBackend  *backend,
                                           gsize        n_words,
                                           GError     **error);
void         cep_buffer_free              (CepBuffer   *buffer);
gsize        cep_buffer_get_size          (CepBuffer   *buffer);
CepBackend  *cep_buffer_get_backend       (CepBuffer   *buffer);
/* Copies @n_words words between host memory and words [@offset, @offset + @n_words). */
void         cep_buffer_upload            (CepBuffer   *buffer,
                                           gsize        offset,
                                           const void  *data,
                                           gsize        n_words);
void         cep_buffer_download          (CepBuffer   *buffer,
                                           gsize        offset,
                                           void        *data,
                                           gsize        n_words);
/* The words themselves on host-memory backends (NULL on a device): for code that fills a
 * batch in place. Call cep_backend_synchronize() before reading results through it. */
gpointer     cep_buffer_get_host_data     (CepBuffer   *buffer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepBackend, cep_backend_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepBuffer, cep_buffer_free)

/* Device memory facts for code that places large data on a backend (the resident frame
 * store). The largest tensor one operation can take (in words): G_MAXSIZE on host backends,
 * the device's binding and allocation limits on a device. */
gsize        cep_backend_get_max_tensor_words (CepBackend *backend);
/* Bytes a new buffer may still take on a device (its memory heap less what this backend has
 * allocated); G_MAXUINT64 on host backends, where the operating system decides. */
guint64      cep_backend_get_memory_available (CepBackend *backend);

/* Utilities on @n words */

/* dst = value (float) */
void cep_backend_fill  (CepBackend *backend,
                        gsize       n,
                        float       value,
                        CepView     dst);
/* dst = src; the ranges must not overlap. Copies any 4-byte words. */
void cep_backend_copy  (CepBackend *backend,
                        gsize       n,
                        CepView     src,
                        CepView     dst);
/* x = alpha · x */
void cep_backend_scale (CepBackend *backend,
                        gsize       n,
                        float       alpha,
                        CepView     x);
/* y = alpha · x + y */
void cep_backend_axpy  (CepBackend *backend,
                        gsize       n,
                        float       alpha,
                        CepView     x,
                        CepView     y);

/* Matrix products */

typedef enum
{
  CEP_NO_TRANS,
  CEP_TRANS,
} CepTranspose;

/* C = alpha · op(A) · op(B) + beta · C with C [m × n], op(A) [m × k], op(B) [k × n], row-major
 * with leading dimensions (row strides) lda, ldb, ldc, as cblas_sgemm. BLAS semantics: with
 * beta = 0, C is not read (NaN there does not propagate); with alpha = 0 or k = 0, A and B are
 * not read. The Linear layer: Y = X·Wᵀ is (NO_TRANS, TRANS); dX = dY·W is (NO_TRANS, NO_TRANS);
 * dW = dYᵀ·X is (TRANS, NO_TRANS). */
void cep_backend_gemm (CepBackend  *backend,
                       CepTranspose trans_a,
                       CepTranspose trans_b,
                       guint        m,
                       guint        n,
                       guint        k,
                       float        alpha,
                       CepView      a,
                       guint        lda,
                       CepView      b,
                       guint        ldb,
                       float        beta,
                       CepView      c,
                       guint        ldc);

/* Bias and activation, [rows × cols] contiguous */

/* pre += bias (broadcast over rows; @bias [cols] may be none), then out = act(pre). The
 * updated @pre is what the backward needs. @out may be the same view as @pre when the
 * pre-activation is not needed (e.g. identity on logits). @slope: LeakyReLU's negative
 * slope, ignored by the others. */
void cep_backend_bias_act_forward  (CepBackend   *backend,
                                    guint         rows,
                                    guint         cols,
                                    CepActivation act,
                                    float         slope,
                                    CepView       bias,
                                    CepView       pre,
                                    CepView       out);
/* dpre = dy ⊙ act'(pre), and, when @dbias [cols] is set, dbias = Σ_rows dpre (overwritten).
 * In place: @dpre may be @dy. */
void cep_backend_bias_act_backward (CepBackend   *backend,
                                    guint         rows,
                                    guint         cols,
                                    CepActivation act,
                                    float         slope,
                                    CepView       pre,
                                    CepView       dy,
                                    CepView       dpre,
                                    CepView       dbias);
/* out[j] = beta · out[j] + Σ_i x[i, j] over [rows × cols] (a bias gradient). */
void cep_backend_column_sums       (CepBackend   *backend,
                                    guint         rows,
                                    guint         cols,
                                    CepView       x,
                                    float         beta,
                                    CepView       out);

/* Batch normalization over rows, torch.nn.BatchNorm1d semantics */

typedef struct
{
  CepView gamma;          /* [cols] weight; none = 1 */
  CepView beta;           /* [cols] bias; none = 0 */
  CepView running_mean;   /* [cols], updated by training forward */
  CepView running_var;    /* [cols], updated by training forward (unbiased variance) */
  CepView saved_mean;     /* [cols], written by training forward for backward */
  CepView saved_invstd;   /* [cols], 1/sqrt(biased var + eps), likewise */
  float   momentum;       /* torch's default 0.1: running = (1-m)·running + m·batch */
  float   eps;            /* torch's default 1e-5 */
} CepBatchNorm;

/* Training mode: normalizes @x with the batch's mean and biased variance, updates the running
 * statistics with the unbiased variance, saves mean and invstd. Needs @rows >= 2 (torch
 * refuses one row too). */
void cep_backend_batchnorm_forward_train (CepBackend  *backend,
                                          guint        rows,
                                          guint        cols,
                                          CepBatchNorm bn,
                                          CepView      x,
                                          CepView      y);
/* Evaluation mode: normalizes with the running statistics. In place: @y may be @x. */
void cep_backend_batchnorm_forward_eval  (CepBackend  *backend,
                                          guint        rows,
                                          guint        cols,
                                          CepBatchNorm bn,
                                          CepView      x,
                                          CepView      y);
/* Backward of the training forward (saved statistics): dx, and dgamma/dbeta (overwritten)
 * when set. In place: @dx may be @dy. */
void cep_backend_batchnorm_backward      (CepBackend  *backend,
                                          guint        rows,
                                          guint        cols,
                                          CepBatchNorm bn,
                                          CepView      x,
                                          CepView      dy,
                                          CepView      dx,
                                          CepView      dgamma,
                                          CepView      dbeta);

/* Backward of the evaluation forward, where the running statistics are constants:
 * dx = dy·gamma/sqrt(running_var + eps) (for input sensitivities of a trained model). In
 * place: @dx may be @dy. */
void cep_backend_batchnorm_backward_eval (CepBackend  *backend,
                                          guint        rows,
                                          guint        cols,
                                          CepBatchNorm bn,
                                          CepView      dy,
                                          CepView      dx);

/* Layer normalization over the last dimension, torch.nn.LayerNorm semantics: each of @rows
 * rows of @cols features is normalized with its own mean and biased variance (a network's
 * (frames × channels) activations are rows·frames rows of channels). LayerNorm keeps no
 * running statistics, so training and evaluation compute the same y. */

typedef struct
{
  CepView gamma;          /* [cols] weight; none = 1 (elementwise_affine off) */
  CepView beta;           /* [cols] bias; none = 0 */
  CepView saved_mean;     /* [rows], written by the forward when set, read by the backward */
  CepView saved_invstd;   /* [rows], 1/sqrt(biased var + eps), likewise */
  float   eps;            /* torch's default 1e-5 */
} CepLayerNorm;

/* y = (x − mean)·invstd·gamma + beta per row; saves mean and invstd when their views are
 * set (a backward will follow). Without them it is the evaluation forward, which may work in
 * place (@y may be @x). */
void cep_backend_layernorm_forward  (CepBackend  *backend,
                                     guint        rows,
                                     guint        cols,
                                     CepLayerNorm ln,
                                     CepView      x,
                                     CepView      y);
/* Backward of the forward, from its saved statistics: dx, and dgamma/dbeta (overwritten, sums
 * over the rows) when set. In place: @dx may be @dy. */
void cep_backend_layernorm_backward (CepBackend  *backend,
                                     guint        rows,
                                     guint        cols,
                                     CepLayerNorm ln,
                                     CepView      x,
                                     CepView      dy,
                                     CepView      dx,
                                     CepView      dgamma,
                                     CepView      dbeta);

/* Dropout (inverted: kept elements are scaled by 1/(1-p)) */

/* Which mask: a pure function of these and the element index, identical on every backend and
 * thread count. Stream CEP_RNG_STREAM_DROPOUT of cep-rng.h, counter {step, layer,
 * stream | (step >> 32) << 8, e / 8}; element e uses 16-bit half e % 2 (low first) of word
 * (e / 2) % 4 and is kept when that half >= round(p · 65536). */
typedef struct
{
  guint64 seed;
  guint64 step;
  guint32 layer;
} CepDropoutKey;

/* Words of mask for @n elements: bit e % 32 of word e / 32 is 1 when element e is kept. */
#define CEP_DROPOUT_MASK_WORDS(n) (((gsize) (n) + 31) / 32)

/* y = x ⊙ keep / (1 - p), @mask written. 0 <= @p <= 1. In place: @y may be @x. */
void cep_backend_dropout_forward  (CepBackend   *backend,
                                   gsize         n,
                                   float         p,
                                   CepDropoutKey key,
                                   CepView       x,
                                   CepView       y,
                                   CepView       mask);
/* dx = dy ⊙ keep / (1 - p) with the forward's @mask. In place: @dx may be @dy. */
void cep_backend_dropout_backward (CepBackend   *backend,
                                   gsize         n,
                                   float         p,
                                   CepView       mask,
                                   CepView       dy,
                                   CepView       dx);

/* Classification, logits [rows × classes], labels int32 [rows]. A label outside
 * [0, classes) marks a row to ignore: no loss, zero gradient, never correct. */

/* Adds Σ_rows loss to @loss_sum (one float), where loss = (1-ε)·(−log p_label) + ε·mean_c
 * (−log p_c) and p = softmax(logits): torch.nn.CrossEntropyLoss(label_smoothing=ε) with
 * reduction "sum". */
void cep_backend_softmax_ce_forward  (CepBackend *backend,
                                      guint       rows,
                                      guint       classes,
                                      float       smoothing,
                                      CepView     logits,
                                      CepView     labels,
                                      CepView     loss_sum);
/* dlogits = grad_scale · (softmax − ((1-ε)·onehot(label) + ε/classes)); grad_scale = 1/rows
 * gives the gradient of the mean loss. */
void cep_backend_softmax_ce_backward (CepBackend *backend,
                                      guint       rows,
                                      guint       classes,
                                      float       smoothing,
                                      float       grad_scale,
                                      CepView     logits,
                                      CepView     labels,
                                      CepView     dlogits);
/* probabilities = softmax(logits) per row. In place: @probabilities may be @logits. */
void cep_backend_softmax             (CepBackend *backend,
                                      guint       rows,
                                      guint       classes,
                                      CepView     logits,
                                      CepView     probabilities);
/* Per row the first index of the largest logit (NaN counts as largest), written to
 * @predictions (int32 [rows]) when set; when @correct is set, adds to it (one int32) the
 * number of rows whose prediction equals the label. */
void cep_backend_argmax              (CepBackend *backend,
                                      guint       rows,
                                      guint       classes,
                                      CepView     logits,
                                      CepView     labels,
                                      CepView     predictions,
                                      CepView     correct);

/* Context windows gathered from a frame store (the resident training path)
 *
 * @store holds @store_rows frames of @dim floats (a partition's padded store, or a piece of
 * it). Sample s of the batch is described by @samples: int32 words
 * [s · sample_words, (s + 1) · sample_words): its centre row in the store, the output row it
 * goes to, then (when sample_words > 2) a count word (n_freq | n_time << 16) followed by
 * the mask bands as (start | width << 16): frequency bands first, then time bands, packed
 * without gaps. The sample's window, rows [row + window_start, row + window_start +
 * window_frames) of the store, is written as window_frames · dim floats to output row
 * out_row of @out, with the masked values zeroed exactly as cep_augment_apply() zeroes them
 * (frequency bands cover coefficients [start, start + width) of every frame, time bands
 * window frames [start, start + width), both clipped to the window). A window that leaves
 * the store is written as zeros; an out_row at or above @out_rows is skipped. */

/* Band slots per direction (CEP_AUGMENT_MAX_BANDS of cep-augment.h). */
#define CEP_GATHER_MAX_BANDS 8

#define CEP_GATHER_SAMPLE_WORDS(n_freq_slots, n_time_slots) \
  ((n_freq_slots) + (n_time_slots) > 0 ? 3u + (n_freq_slots) + (n_time_slots) : 2u)

typedef struct
{
  guint dim;            /* floats per frame */
  gint  window_start;   /* first window frame relative to the centre row (-past) */
  guint window_frames;  /* frames per window (past + future + 1) */
  guint sample_words;   /* words per sample descriptor: 2, or 3 + band slots (<= 16) */
} CepGatherShape;

void cep_backend_gather_windows (CepBackend     *backend,
                                 guint           n,
                                 CepGatherShape  shape,
                                 CepView         store,
                                 gsize           store_rows,
                                 CepView         samples,
                                 CepView         out,
                                 guint           out_rows);

/* Optimizers: one step over @n parameters; torch.optim semantics. Hyper-parameters are
 * doubles like Python's floats so the step's scalars are derived exactly as torch does. */

typedef struct
{
  double   lr;
  double   beta1;           /* 0.9 */
  double   beta2;           /* 0.999 */
  double   eps;             /* 1e-8 */
  double   weight_decay;    /* AdamW's default 0.01, Adam's 0 */
  gboolean decoupled;       /* TRUE: AdamW (decay the weights); FALSE: Adam (L2 in the grad) */
  guint64  step;            /* 1 on the first step */
} CepAdamParams;

/* @grad is not modified. @m and @v start at zero. */
void cep_backend_adam_step (CepBackend   *backend,
                            gsize         n,
                            CepAdamParams params,
                            CepView       param,
                            CepView       grad,
                            CepView       m,
                            CepView       v);

typedef struct
{
  double   lr;
  double   momentum;        /* 0 = plain SGD (@momentum_buffer unused) */
  double   dampening;
  double   weight_decay;
  gboolean nesterov;
  guint64  step;            /* 1 on the first step: the buffer is set to the gradient */
} CepSgdParams;

void cep_backend_sgd_step  (CepBackend  *backend,
                            gsize        n,
                            CepSgdParams params,
                            CepView      param,
                            CepView      grad,
                            CepView      momentum_buffer);

/* Gradient clipping without a host round trip: sum_squares adds Σ x² to @sum (one float), so
 * calls over every gradient tensor accumulate the squared norm; clip_scale then multiplies @x
 * by min(1, max_norm / (sqrt(sum_squares) + 1e-6)), as torch.nn.utils.clip_grad_norm_. */
void cep_backend_sum_squares (CepBackend *backend,
                              gsize       n,
                              CepView     x,
                              CepView     sum);
void cep_backend_clip_scale  (CepBackend *backend,
                              gsize       n,
                              CepView     sum_squares,
                              float       max_norm,
                              CepView     x);

/* Convolution and pooling over time (the conv1d, max_pool1d and avg_pool1d blocks)
 *
 * A row of a batch holds @frames time steps of @channels features, frame-major (x[r, f, c]
 * at r · frames · channels + f · channels + c), the layout of the network input's context
 * window. torch.nn.Conv1d's weight [out × in × kernel] multiplies the unfolded input: a
 * convolution is unfold, a GEMM with the weight as [out × (in · kernel)] and the bias
 * operation over rows · frames_out rows; its input gradient is a GEMM and fold. */

typedef struct
{
  guint frames;        /* input frames */
  guint channels;      /* input channels */
  guint kernel;
  guint stride;
  guint dilation;
  guint pad_left;      /* implicit zero frames before frame 0 (torch's padding; "same"'s left
                        * half); those past the last frame are implied by frames_out */
  guint frames_out;
} CepConv1dShape;

/* cols[r · frames_out + t, c · kernel + k] = x[r, t · stride + k · dilation − pad_left, c], 0
 * where that frame is outside [0, frames): [rows · frames_out × channels · kernel]. */
void cep_backend_conv1d_unfold (CepBackend    *backend,
                                guint          rows,
                                CepConv1dShape shape,
                                CepView        x,
                                CepView        cols);
/* The adjoint of unfold: dx[r, f, c] = Σ cols[r · frames_out + t, c · kernel + k] over the
 * (t, k) that unfold reads frame f from; @dx [rows × frames · channels] is overwritten. */
void cep_backend_conv1d_fold   (CepBackend    *backend,
                                guint          rows,
                                CepConv1dShape shape,
                                CepView        cols,
                                CepView        dx);

typedef struct
{
  guint frames;        /* input frames */
  guint channels;
  guint kernel;
  guint stride;
  guint frames_out;    /* (frames − kernel) / stride + 1: torch's, without padding */
} CepPool1dShape;

/* y[r, t, c] = max over k of x[r, t · stride + k, c] (the first largest; NaN wins, as torch),
 * and @indices (int32, as y) the input frame it came from, which the backward reads. */
void cep_backend_max_pool1d_forward  (CepBackend    *backend,
                                      guint          rows,
                                      CepPool1dShape shape,
                                      CepView        x,
                                      CepView        y,
                                      CepView        indices);
/* dx[r, f, c] = Σ dy[r, t, c] over the t whose index is f; @dx is overwritten. */
void cep_backend_max_pool1d_backward (CepBackend    *backend,
                                      guint          rows,
                                      CepPool1dShape shape,
                                      CepView        indices,
                                      CepView        dy,
                                      CepView        dx);
/* y[r, t, c] = mean over k of x[r, t · stride + k, c]. */
void cep_backend_avg_pool1d_forward  (CepBackend    *backend,
                                      guint          rows,
                                      CepPool1dShape shape,
                                      CepView        x,
                                      CepView        y);
/* dx[r, f, c] = Σ dy[r, t, c] / kernel over the windows t holding f; @dx is overwritten. */
void cep_backend_avg_pool1d_backward (CepBackend    *backend,
                                      guint          rows,
                                      CepPool1dShape shape,
                                      CepView        dy,
                                      CepView        dx);

G_END_DECLS
