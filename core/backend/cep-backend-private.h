/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-private.h: what a backend implementation fills in — the operation table and
 * the structs behind CepBackend and CepBuffer.
 *
 * The public dispatchers (cep-backend.c) validate every argument (shapes, view bounds,
 * overlaps) before calling a slot, so slots trust their arguments. Memory slots are required;
 * an operation slot left NULL on a host-memory backend falls back to the ref backend's slot,
 * which works on any host buffer. A device backend must fill every operation slot.
 */
#pragma once

#include "cep-backend.h"

G_BEGIN_DECLS

/* Adam's per-step scalars, derived in double from CepAdamParams exactly as torch derives them
 * from Python floats, then rounded to float as torch's kernels see them. */
typedef struct
{
  float lr_decay;                /* AdamW: 1 - lr·weight_decay; Adam: 1 */
  float weight_decay;            /* Adam: L2 coefficient added to the gradient; AdamW: 0 */
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float bias_correction2_sqrt;   /* sqrt(1 - beta2^step) */
  float eps;
  float neg_step_size;           /* -lr / (1 - beta1^step) */
} CepAdamScalars;

typedef struct
{
  float    weight_decay;
  float    momentum;
  float    one_minus_dampening;
  float    neg_lr;
  gboolean nesterov;
  gboolean first_step;           /* the momentum buffer starts as the gradient */
} CepSgdScalars;

typedef struct
{
  /* Memory (required). buffer_init allocates buffer->n_words zeroed words. */
  gboolean (*buffer_init)   (CepBackend *backend, CepBuffer *buffer, GError **error);
  void     (*buffer_clear)  (CepBackend *backend, CepBuffer *buffer);
  void     (*upload)        (CepBackend *backend, CepBuffer *buffer, gsize offset,
                             const void *data, gsize n_words);
  void     (*download)      (CepBackend *backend, CepBuffer *buffer, gsize offset,
                             void *data, gsize n_words);
  /* Optional. */
  void     (*synchronize)   (CepBackend *backend);
  void     (*destroy)       (CepBackend *backend);

  /* Operations (optional on host-memory backends). Arguments as the public dispatchers. */
  void (*fill)  (CepBackend *backend, gsize n, float value, CepView dst);
  void (*copy)  (CepBackend *backend, gsize n, CepView src, CepView dst);
  void (*scale) (CepBackend *backend, gsize n, float alpha, CepView x);
  void (*axpy)  (CepBackend *backend, gsize n, float alpha, CepView x, CepView y);
  void (*gemm)  (CepBackend *backend, CepTranspose trans_a, CepTranspose trans_b,
                 guint m, guint n, guint k, float alpha, CepView a, guint lda,
                 CepView b, guint ldb, float beta, CepView c, guint ldc);
  void (*bias_act_forward)  (CepBackend *backend, guint rows, guint cols, CepActivation act,
                             float slope, CepView bias, CepView pre, CepView out);
  void (*bias_act_backward) (CepBackend *backend, guint rows, guint cols, CepActivation act,
                             float slope, CepView pre, CepView dy, CepView dpre,
                             CepView dbias);
  void (*column_sums)       (CepBackend *backend, guint rows, guint cols, CepView x,
                             float beta, CepView out);
  void (*batchnorm_forward_train) (CepBackend *backend, guint rows, guint cols,
                                   CepBatchNorm bn, CepView x, CepView y);
  void (*batchnorm_forward_eval)  (CepBackend *backend, guint rows, guint cols,
                                   CepBatchNorm bn, CepView x, CepView y);
  void (*batchnorm_backward)      (CepBackend *backend, guint rows, guint cols,
                                   CepBatchNorm bn, CepView x, CepView dy, CepView dx,
                                   CepView dgamma, CepView dbeta);
  void (*batchnorm_backward_eval) (CepBackend *backend, guint rows, guint cols,
                                   CepBatchNorm bn, CepView dy, CepView dx);
  void (*layernorm_forward)  (CepBackend *backend, guint rows, guint cols, CepLayerNorm ln,
                              CepView x, CepView y);
  void (*layernorm_backward) (CepBackend *backend, guint rows, guint cols, CepLayerNorm ln,
                              CepView x, CepView dy, CepView dx, CepView dgamma,
                              CepView dbeta);
  /* @threshold = round(p · 65536) (65536: drop all), @scale = 1/(1-p) as torch rounds it. */
  void (*dropout_forward)   (CepBackend *backend, gsize n, guint32 threshold, float scale,
                             CepDropoutKey key, CepView x, CepView y, CepView mask);
  void (*dropout_backward)  (CepBackend *backend, gsize n, float scale, CepView mask,
                             CepView dy, CepView dx);
  void (*softmax_ce_forward)  (CepBackend *backend, guint rows, guint classes,
                               float smoothing, CepView logits, CepView labels,
                               CepView loss_sum);
  void (*softmax_ce_backward) (CepBackend *backend, guint rows, guint classes,
                               float smoothing, float grad_scale, CepView logits,
                               CepView labels, CepView dlogits);
  void (*softmax)             (CepBackend *backend, guint rows, guint classes,
                               CepView logits, CepView probabilities);
  void (*argmax)              (CepBackend *backend, guint rows, guint classes, CepView logits,
                               CepView labels, CepView predictions, CepView correct);
  void (*adam_step)   (CepBackend *backend, gsize n, CepAdamScalars s, CepView param,
                       CepView grad, CepView m, CepView v);
  void (*sgd_step)    (CepBackend *backend, gsize n, CepSgdScalars s, CepView param,
                       CepView grad, CepView momentum_buffer);
  void (*sum_squares) (CepBackend *backend, gsize n, CepView x, CepView sum);
  void (*clip_scale)  (CepBackend *backend, gsize n, CepView sum_squares, float max_norm,
                       CepView x);
  void (*gather_windows) (CepBackend *backend, guint n, CepGatherShape shape, CepView store,
                          gsize store_rows, CepView samples, CepView out, guint out_rows);

  void (*conv1d_unfold) (CepBackend *backend, guint rows, CepConv1dShape shape, CepView x,
                         CepView cols);
  void (*conv1d_fold)   (CepBackend *backend, guint rows, CepConv1dShape shape, CepView cols,
                         CepView dx);
  void (*max_pool1d_forward)  (CepBackend *backend, guint rows, CepPool1dShape shape,
                               CepView x, CepView y, CepView indices);
  void (*max_pool1d_backward) (CepBackend *backend, guint rows, CepPool1dShape shape,
                               CepView indices, CepView dy, CepView dx);
  void (*avg_pool1d_forward)  (CepBackend *backend, guint rows, CepPool1dShape shape,
                               CepView x, CepView y);
  void (*avg_pool1d_backward) (CepBackend *backend, guint rows, CepPool1dShape shape,
                               CepView dy, CepView dx);

  /* Device limits (optional; host backends have none). */
  gsize   (*max_tensor_words) (CepBackend *backend);
  guint64 (*memory_available) (CepBackend *backend);
} CepBackendOps;

struct _CepBackend
{
  const CepBackendOps *ops;
  gpointer             context;       /* the implementation's state */
  char                *name;
  char                *description;
  char                *device_name;   /* device backends: the device, as its driver names it */
  guint                threads;
  CepGemmChoice        gemm;
  gboolean             host_memory;
  guint                n_buffers;     /* live buffers, to catch a backend freed too early */
};

struct _CepBuffer
{
  CepBackend *backend;
  gsize       n_words;
  gpointer    host;                   /* host-memory backends: the words */
  gpointer    device;                 /* device backends: their handle */
};

/* Host pointers of a view (host-memory backends only). */
static inline float *
cep_view_floats (CepView view)
{
  return (float *) view.buffer->host + view.offset;
}

static inline gint32 *
cep_view_ints (CepView view)
{
  return (gint32 *) view.buffer->host + view.offset;
}

/* NULL for an unset view. */
static inline float *
cep_view_floats_or_null (CepView view)
{
  return view.buffer != NULL ? cep_view_floats (view) : NULL;
}

/* Samples [s0, s1) of cep_backend_gather_windows() on host memory (the ref slot, and the
 * blas slot per thread). */
void _cep_gather_windows_range (const float    *store,
                                gsize           store_rows,
                                const gint32   *samples,
                                float          *out,
                                guint           out_rows,
                                CepGatherShape  shape,
                                guint           s0,
                                guint           s1);

/* Rows [r0, r1) of the convolution and pooling operations on host memory (cep-conv-kernels.c:
 * the ref slots, and the blas slots per thread). */
void _cep_conv1d_unfold_range       (const float *x, float *cols, CepConv1dShape shape,
                                     guint r0, guint r1);
void _cep_conv1d_fold_range         (const float *cols, float *dx, CepConv1dShape shape,
                                     guint r0, guint r1);
void _cep_max_pool1d_forward_range  (const float *x, float *y, gint32 *indices,
                                     CepPool1dShape shape, guint r0, guint r1);
void _cep_max_pool1d_backward_range (const gint32 *indices, const float *dy, float *dx,
                                     CepPool1dShape shape, guint r0, guint r1);
void _cep_avg_pool1d_forward_range  (const float *x, float *y, CepPool1dShape shape,
                                     guint r0, guint r1);
void _cep_avg_pool1d_backward_range (const float *dy, float *dx, CepPool1dShape shape,
                                     guint r0, guint r1);

/* The ref backend's table: the fallback of every host-memory backend. */
extern const CepBackendOps cep_backend_ref_ops;

/* Host memory shared by the CPU backends: 64-byte aligned, zeroed. */
gboolean _cep_host_buffer_init     (CepBackend *backend,
                                    CepBuffer  *buffer,
                                    GError    **error);
void     _cep_host_buffer_clear    (CepBackend *backend,
                                    CepBuffer  *buffer);
void     _cep_host_buffer_upload   (CepBackend *backend,
                                    CepBuffer  *buffer,
                                    gsize       offset,
                                    const void *data,
                                    gsize       n_words);
void     _cep_host_buffer_download (CepBackend *backend,
                                    CepBuffer  *buffer,
                                    gsize       offset,
                                    void       *data,
                                    gsize       n_words);

/* Constructors, called by cep_backend_new() with the name, description and threads set
 * (@options may be NULL); each sets ops, context, host_memory (and may extend the
 * description). */
gboolean _cep_backend_ref_setup  (CepBackend              *backend,
                                  const CepBackendOptions *options,
                                  GError                 **error);
gboolean _cep_backend_blas_setup (CepBackend              *backend,
                                  const CepBackendOptions *options,
                                  GError                 **error);

G_END_DECLS
