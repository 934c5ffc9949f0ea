/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend.c: the backend registry, buffers, and the public dispatchers.
 *
 * Owns argument checking: every dispatcher verifies shapes, that views lie inside their
 * buffers and belong to the backend, and that outputs do not overlap inputs (except the exact
 * in-place cases the header allows), then calls the backend's slot or the ref fallback. It
 * must not compute anything itself beyond deriving an operation's scalars.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>
#include <string.h>

#include "cep-config.h"
#include "cep-backend-private.h"
#if CEP_HAVE_VULKAN
#include "vulkan/cep-backend-vulkan.h"
#endif

G_DEFINE_QUARK (cep-backend-error-quark, cep_backend_error)

typedef struct
{
  const char *name;
  gboolean  (*setup) (CepBackend *backend, const CepBackendOptions *options, GError **error);
} BackendEntry;

/* The default first. "vulkan" is listed whenever it is built; whether this machine has a
 * device shows only when it is opened (cep_backend_new_or_fallback()). */
static const BackendEntry backend_entries[] = {
  { "blas", _cep_backend_blas_setup },
  { "ref", _cep_backend_ref_setup },
#if CEP_HAVE_VULKAN
  { "vulkan", _cep_backend_vulkan_setup },
#endif
};

static const char *const backend_names[] = {
  "blas", "ref",
#if CEP_HAVE_VULKAN
  "vulkan",
#endif
  NULL
};

const char *const *
cep_backend_list_available (void)
{
  return backend_names;
}

static const BackendEntry *
find_entry (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (backend_entries); i++)
    if (g_strcmp0 (backend_entries[i].name, name) == 0)
      return &backend_entries[i];
  return NULL;
}

GStrv
cep_backend_list_devices (const char *name,
                          GStrv      *device_names)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (device_names != NULL)
    *device_names = NULL;
#if CEP_HAVE_VULKAN
  if (g_str_equal (name, "vulkan"))
    {
      g_autoptr (GPtrArray) devices = cep_backend_vulkan_list_devices (NULL);
      g_autoptr (GStrvBuilder) indices = g_strv_builder_new ();
      g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
      guint n_usable = 0;

      for (guint i = 0; devices != NULL && i < devices->len; i++)
        {
          const CepVulkanDevice *device = devices->pdata[i];
          g_autofree char *index = g_strdup_printf ("%u", device->index);

          if (!device->usable)
            continue;
          g_strv_builder_add (indices, index);
          g_strv_builder_add (names, device->name);
          n_usable++;
        }
      if (n_usable == 0)
        return NULL;
      if (device_names != NULL)
        *device_names = g_strv_builder_end (names);
      return g_strv_builder_end (indices);
    }
#endif
  return NULL;
}

CepBackend *
cep_backend_new (const char              *name,
                 const CepBackendOptions *options,
                 GError                 **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  const BackendEntry *entry = find_entry (name);
  if (entry == NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) backend_names);
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_UNKNOWN,
                   "unknown backend “%s”; available backends: %s", name, list);
      return NULL;
    }

  if (options != NULL && options->threads > CEP_BACKEND_MAX_THREADS)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_INVALID,
                   "%u threads is more than the limit of %u", options->threads,
                   CEP_BACKEND_MAX_THREADS);
      return NULL;
    }

  CepBackend *backend = g_new0 (CepBackend, 1);
  backend->name = g_strdup (entry->name);
  backend->threads = options != NULL ? options->threads : 0;
  backend->gemm = options != NULL ? options->gemm : CEP_GEMM_AUTO;
  if (backend->threads == 0)
    backend->threads = MAX (1, g_get_num_processors ());
  if (!entry->setup (backend, options, error))
    {
      g_free (backend->name);
      g_free (backend->description);
      g_free (backend);
      return NULL;
    }
  g_assert (backend->ops != NULL && backend->description != NULL);
  return backend;
}

CepBackend *
cep_backend_new_or_fallback (const char              *name,
                             const CepBackendOptions *options,
                             char                   **notice,
                             GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  CepBackend *backend;

  g_return_val_if_fail (notice != NULL && *notice == NULL, NULL);

  backend = cep_backend_new (name, options, &local_error);
  if (backend != NULL)
    return backend;
  if (!g_error_matches (local_error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED) ||
      g_str_equal (name, backend_names[0]))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  backend = cep_backend_new (backend_names[0], options, error);
  if (backend != NULL)
    *notice = g_strdup_printf ("the %s backend is not available here (%s); using %s instead",
                               name, local_error->message, backend_names[0]);
  return backend;
}

void
cep_backend_free (CepBackend *backend)
{
  if (backend == NULL)
    return;
  if (backend->n_buffers != 0)
    g_critical ("backend %s freed with %u live buffers", backend->name, backend->n_buffers);
  if (backend->ops->destroy != NULL)
    backend->ops->destroy (backend);
  g_free (backend->name);
  g_free (backend->description);
  g_free (backend->device_name);
  g_free (backend);
}

const char *
cep_backend_get_name (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, NULL);
  return backend->name;
}

const char *
cep_backend_get_description (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, NULL);
  return backend->description;
}

const char *
cep_backend_get_device_name (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, NULL);
  return backend->device_name;
}

guint
cep_backend_get_threads (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, 0);
  return backend->threads;
}

gboolean
cep_backend_is_host_memory (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, FALSE);
  return backend->host_memory;
}

void
cep_backend_synchronize (CepBackend *backend)
{
  g_return_if_fail (backend != NULL);
  if (backend->ops->synchronize != NULL)
    backend->ops->synchronize (backend);
}

gsize
cep_backend_get_max_tensor_words (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, 0);
  return backend->ops->max_tensor_words != NULL ? backend->ops->max_tensor_words (backend)
                                                : G_MAXSIZE;
}

guint64
cep_backend_get_memory_available (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, 0);
  return backend->ops->memory_available != NULL ? backend->ops->memory_available (backend)
                                                : G_MAXUINT64;
}

/* Buffers */

CepBuffer *
cep_buffer_new (CepBackend *backend,
                gsize       n_words,
                GError    **error)
{
  g_return_val_if_fail (backend != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  CepBuffer *buffer = g_new0 (CepBuffer, 1);
  buffer->backend = backend;
  buffer->n_words = n_words;
  if (!backend->ops->buffer_init (backend, buffer, error))
    {
      g_free (buffer);
      return NULL;
    }
  backend->n_buffers++;
  return buffer;
}

void
cep_buffer_free (CepBuffer *buffer)
{
  if (buffer == NULL)
    return;
  buffer->backend->ops->buffer_clear (buffer->backend, buffer);
  buffer->backend->n_buffers--;
  g_free (buffer);
}

gsize
cep_buffer_get_size (CepBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, 0);
  return buffer->n_words;
}

CepBackend *
cep_buffer_get_backend (CepBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, NULL);
  return buffer->backend;
}

static gboolean
range_inside (CepBuffer *buffer,
              gsize      offset,
              gsize      n_words)
{
  return offset <= buffer->n_words && n_words <= buffer->n_words - offset;
}

void
cep_buffer_upload (CepBuffer  *buffer,
                   gsize       offset,
                   const void *data,
                   gsize       n_words)
{
  g_return_if_fail (buffer != NULL);
  g_return_if_fail (data != NULL || n_words == 0);
  g_return_if_fail (range_inside (buffer, offset, n_words));
  if (n_words > 0)
    buffer->backend->ops->upload (buffer->backend, buffer, offset, data, n_words);
}

void
cep_buffer_download (CepBuffer *buffer,
                     gsize      offset,
                     void      *data,
                     gsize      n_words)
{
  g_return_if_fail (buffer != NULL);
  g_return_if_fail (data != NULL || n_words == 0);
  g_return_if_fail (range_inside (buffer, offset, n_words));
  if (n_words > 0)
    buffer->backend->ops->download (buffer->backend, buffer, offset, data, n_words);
}

gpointer
cep_buffer_get_host_data (CepBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, NULL);
  return buffer->host;
}

/* Host memory of the CPU backends */

gboolean
_cep_host_buffer_init (CepBackend *backend,
                       CepBuffer  *buffer,
                       GError    **error)
{
  gsize bytes = MAX (buffer->n_words, 1) * sizeof (float);
  if (buffer->n_words > G_MAXSIZE / sizeof (float) - 64 ||
      posix_memalign (&buffer->host, 64, bytes) != 0)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY,
                   "%s: cannot allocate a buffer of %" G_GSIZE_FORMAT " words",
                   backend->name, buffer->n_words);
      return FALSE;
    }
  memset (buffer->host, 0, bytes);
  return TRUE;
}

void
_cep_host_buffer_clear (CepBackend *backend,
                        CepBuffer  *buffer)
{
  free (buffer->host);
  buffer->host = NULL;
}

void
_cep_host_buffer_upload (CepBackend *backend,
                         CepBuffer  *buffer,
                         gsize       offset,
                         const void *data,
                         gsize       n_words)
{
  memcpy ((float *) buffer->host + offset, data, n_words * sizeof (float));
}

void
_cep_host_buffer_download (CepBackend *backend,
                           CepBuffer  *buffer,
                           gsize       offset,
                           void       *data,
                           gsize       n_words)
{
  memcpy (data, (const float *) buffer->host + offset, n_words * sizeof (float));
}

/* Argument checks */

/* @view is set, belongs to @backend and holds @extent words. */
static gboolean
view_holds (CepBackend *backend,
            CepView     view,
            gsize       extent)
{
  return view.buffer != NULL && view.buffer->backend == backend &&
         range_inside (view.buffer, view.offset, extent);
}

/* Unset, or as view_holds(). */
static gboolean
optional_view_holds (CepBackend *backend,
                     CepView     view,
                     gsize       extent)
{
  return view.buffer == NULL || view_holds (backend, view, extent);
}

/* Words spanned by a [rows × cols] matrix with row stride @ld. */
static gsize
matrix_extent (guint rows,
               guint cols,
               guint ld)
{
  if (rows == 0 || cols == 0)
    return 0;
  return (gsize) (rows - 1) * ld + cols;
}

/* Whether two word ranges share a word (unset views share nothing). */
static gboolean
views_overlap (CepView a,
               gsize   a_extent,
               CepView b,
               gsize   b_extent)
{
  if (a.buffer == NULL || b.buffer == NULL || a.buffer != b.buffer)
    return FALSE;
  if (a_extent == 0 || b_extent == 0)
    return FALSE;
  return a.offset < b.offset + b_extent && b.offset < a.offset + a_extent;
}

/* Disjoint, or exactly the same range (an allowed in-place operation). */
static gboolean
disjoint_or_same (CepView a,
                  CepView b,
                  gsize   extent)
{
  return !views_overlap (a, extent, b, extent) || a.offset == b.offset;
}

static const CepBackendOps *
ops_for (CepBackend *backend,
         gboolean    has_slot,
         const char *slot)
{
  if (has_slot)
    return backend->ops;
  if (backend->host_memory)
    return &cep_backend_ref_ops;
  g_critical ("backend %s lacks operation %s", backend->name, slot);
  return NULL;
}

/* Calls @slot of @backend, or of the ref fallback. */
#define DISPATCH(backend, slot, ...)                                                        \
  G_STMT_START                                                                              \
  {                                                                                         \
    const CepBackendOps *ops_ = ops_for ((backend), (backend)->ops->slot != NULL, #slot);   \
    if (ops_ != NULL)                                                                       \
      ops_->slot ((backend), __VA_ARGS__);                                                  \
  }                                                                                         \
  G_STMT_END

/* Utilities */

void
cep_backend_fill (CepBackend *backend,
                  gsize       n,
                  float       value,
                  CepView     dst)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, dst, n));
  if (n > 0)
    DISPATCH (backend, fill, n, value, dst);
}

void
cep_backend_copy (CepBackend *backend,
                  gsize       n,
                  CepView     src,
                  CepView     dst)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, src, n) && view_holds (backend, dst, n));
  g_return_if_fail (!views_overlap (src, n, dst, n));
  if (n > 0)
    DISPATCH (backend, copy, n, src, dst);
}

void
cep_backend_scale (CepBackend *backend,
                   gsize       n,
                   float       alpha,
                   CepView     x)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, x, n));
  if (n > 0)
    DISPATCH (backend, scale, n, alpha, x);
}

void
cep_backend_axpy (CepBackend *backend,
                  gsize       n,
                  float       alpha,
                  CepView     x,
                  CepView     y)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, x, n) && view_holds (backend, y, n));
  g_return_if_fail (!views_overlap (x, n, y, n));
  if (n > 0)
    DISPATCH (backend, axpy, n, alpha, x, y);
}

/* GEMM */

void
cep_backend_gemm (CepBackend  *backend,
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
                  guint        ldc)
{
  g_return_if_fail (backend != NULL);
  /* op(A) is [m × k]: stored [m × k] or, transposed, [k × m]. Likewise B. */
  guint a_rows = trans_a == CEP_TRANS ? k : m;
  guint a_cols = trans_a == CEP_TRANS ? m : k;
  guint b_rows = trans_b == CEP_TRANS ? n : k;
  guint b_cols = trans_b == CEP_TRANS ? k : n;
  g_return_if_fail (lda >= MAX (a_cols, 1) && ldb >= MAX (b_cols, 1) && ldc >= MAX (n, 1));

  gsize c_extent = matrix_extent (m, n, ldc);
  gsize a_extent = matrix_extent (a_rows, a_cols, lda);
  gsize b_extent = matrix_extent (b_rows, b_cols, ldb);
  g_return_if_fail (view_holds (backend, c, c_extent));
  g_return_if_fail (view_holds (backend, a, a_extent) && view_holds (backend, b, b_extent));
  g_return_if_fail (!views_overlap (c, c_extent, a, a_extent));
  g_return_if_fail (!views_overlap (c, c_extent, b, b_extent));
  if (m == 0 || n == 0)
    return;
  DISPATCH (backend, gemm, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* Bias and activation */

void
cep_backend_bias_act_forward (CepBackend   *backend,
                              guint         rows,
                              guint         cols,
                              CepActivation act,
                              float         slope,
                              CepView       bias,
                              CepView       pre,
                              CepView       out)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail ((guint) act < CEP_ACTIVATION_COUNT);
  g_return_if_fail (view_holds (backend, pre, size) && view_holds (backend, out, size));
  g_return_if_fail (optional_view_holds (backend, bias, cols));
  g_return_if_fail (disjoint_or_same (pre, out, size));
  g_return_if_fail (!views_overlap (bias, cols, pre, size));
  g_return_if_fail (!views_overlap (bias, cols, out, size));
  if (size > 0)
    DISPATCH (backend, bias_act_forward, rows, cols, act, slope, bias, pre, out);
}

void
cep_backend_bias_act_backward (CepBackend   *backend,
                               guint         rows,
                               guint         cols,
                               CepActivation act,
                               float         slope,
                               CepView       pre,
                               CepView       dy,
                               CepView       dpre,
                               CepView       dbias)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail ((guint) act < CEP_ACTIVATION_COUNT);
  g_return_if_fail (view_holds (backend, pre, size) && view_holds (backend, dy, size));
  g_return_if_fail (view_holds (backend, dpre, size));
  g_return_if_fail (optional_view_holds (backend, dbias, cols));
  g_return_if_fail (disjoint_or_same (dy, dpre, size) && !views_overlap (pre, size, dpre, size));
  g_return_if_fail (!views_overlap (dbias, cols, pre, size));
  g_return_if_fail (!views_overlap (dbias, cols, dy, size));
  g_return_if_fail (!views_overlap (dbias, cols, dpre, size));
  if (cols == 0)
    return;
  DISPATCH (backend, bias_act_backward, rows, cols, act, slope, pre, dy, dpre, dbias);
}

void
cep_backend_column_sums (CepBackend *backend,
                         guint       rows,
                         guint       cols,
                         CepView     x,
                         float       beta,
                         CepView     out)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, out, cols));
  g_return_if_fail (!views_overlap (x, size, out, cols));
  if (cols > 0)
    DISPATCH (backend, column_sums, rows, cols, x, beta, out);
}

/* Batch normalization */

static gboolean
batchnorm_views_hold (CepBackend  *backend,
                      guint        cols,
                      CepBatchNorm bn,
                      gboolean     train)
{
  if (!optional_view_holds (backend, bn.gamma, cols) ||
      !optional_view_holds (backend, bn.beta, cols))
    return FALSE;
  if (!view_holds (backend, bn.running_mean, cols) ||
      !view_holds (backend, bn.running_var, cols))
    return FALSE;
  return !train || (view_holds (backend, bn.saved_mean, cols) &&
                    view_holds (backend, bn.saved_invstd, cols));
}

/* No per-feature vector of @bn overlaps the [rows × cols] tensor @t. */
static gboolean
batchnorm_apart_from (CepBatchNorm bn,
                      guint        cols,
                      CepView      t,
                      gsize        size)
{
  const CepView vectors[] = { bn.gamma, bn.beta, bn.running_mean, bn.running_var,
                              bn.saved_mean, bn.saved_invstd };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    if (views_overlap (vectors[i], cols, t, size))
      return FALSE;
  return TRUE;
}

void
cep_backend_batchnorm_forward_train (CepBackend  *backend,
                                     guint        rows,
                                     guint        cols,
                                     CepBatchNorm bn,
                                     CepView      x,
                                     CepView      y)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (rows >= 2);
  g_return_if_fail (batchnorm_views_hold (backend, cols, bn, TRUE));
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, y, size));
  g_return_if_fail (!views_overlap (x, size, y, size));
  g_return_if_fail (batchnorm_apart_from (bn, cols, x, size));
  g_return_if_fail (batchnorm_apart_from (bn, cols, y, size));
  if (cols > 0)
    DISPATCH (backend, batchnorm_forward_train, rows, cols, bn, x, y);
}

void
cep_backend_batchnorm_forward_eval (CepBackend  *backend,
                                    guint        rows,
                                    guint        cols,
                                    CepBatchNorm bn,
                                    CepView      x,
                                    CepView      y)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (batchnorm_views_hold (backend, cols, bn, FALSE));
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, y, size));
  g_return_if_fail (disjoint_or_same (x, y, size));
  g_return_if_fail (batchnorm_apart_from (bn, cols, y, size));
  if (size > 0)
    DISPATCH (backend, batchnorm_forward_eval, rows, cols, bn, x, y);
}

void
cep_backend_batchnorm_backward (CepBackend  *backend,
                                guint        rows,
                                guint        cols,
                                CepBatchNorm bn,
                                CepView      x,
                                CepView      dy,
                                CepView      dx,
                                CepView      dgamma,
                                CepView      dbeta)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (rows >= 1);
  g_return_if_fail (batchnorm_views_hold (backend, cols, bn, TRUE));
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, dy, size));
  g_return_if_fail (view_holds (backend, dx, size));
  g_return_if_fail (optional_view_holds (backend, dgamma, cols));
  g_return_if_fail (optional_view_holds (backend, dbeta, cols));
  g_return_if_fail (disjoint_or_same (dy, dx, size) && !views_overlap (x, size, dx, size));
  g_return_if_fail (batchnorm_apart_from (bn, cols, dx, size));
  g_return_if_fail (!views_overlap (dgamma, cols, dbeta, cols));
  for (guint i = 0; i < 2; i++)
    {
      CepView grad = i == 0 ? dgamma : dbeta;
      g_return_if_fail (!views_overlap (grad, cols, x, size));
      g_return_if_fail (!views_overlap (grad, cols, dy, size));
      g_return_if_fail (!views_overlap (grad, cols, dx, size));
    }
  if (cols > 0)
    DISPATCH (backend, batchnorm_backward, rows, cols, bn, x, dy, dx, dgamma, dbeta);
}

void
cep_backend_batchnorm_backward_eval (CepBackend  *backend,
                                     guint        rows,
                                     guint        cols,
                                     CepBatchNorm bn,
                                     CepView      dy,
                                     CepView      dx)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (batchnorm_views_hold (backend, cols, bn, FALSE));
  g_return_if_fail (view_holds (backend, dy, size) && view_holds (backend, dx, size));
  g_return_if_fail (disjoint_or_same (dy, dx, size));
  g_return_if_fail (batchnorm_apart_from (bn, cols, dx, size));
  if (size > 0)
    DISPATCH (backend, batchnorm_backward_eval, rows, cols, bn, dy, dx);
}

/* Layer normalization */

/* The per-feature vectors hold @cols, the per-row statistics @rows (when set), and none of
 * them overlaps the [rows × cols] tensor @t. */
static gboolean
layernorm_views_hold (CepBackend  *backend,
                      guint        rows,
                      guint        cols,
                      CepLayerNorm ln,
                      gboolean     need_saved)
{
  if (!optional_view_holds (backend, ln.gamma, cols) ||
      !optional_view_holds (backend, ln.beta, cols))
    return FALSE;
  if (cep_view_is_set (ln.saved_mean) != cep_view_is_set (ln.saved_invstd))
    return FALSE;
  if (need_saved && !cep_view_is_set (ln.saved_mean))
    return FALSE;
  return optional_view_holds (backend, ln.saved_mean, rows) &&
         optional_view_holds (backend, ln.saved_invstd, rows) &&
         !views_overlap (ln.saved_mean, rows, ln.saved_invstd, rows);
}

static gboolean
layernorm_apart_from (CepLayerNorm ln,
                      guint        rows,
                      guint        cols,
                      CepView      t,
                      gsize        size)
{
  return !views_overlap (ln.gamma, cols, t, size) && !views_overlap (ln.beta, cols, t, size) &&
         !views_overlap (ln.saved_mean, rows, t, size) &&
         !views_overlap (ln.saved_invstd, rows, t, size);
}

void
cep_backend_layernorm_forward (CepBackend  *backend,
                               guint        rows,
                               guint        cols,
                               CepLayerNorm ln,
                               CepView      x,
                               CepView      y)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (isfinite (ln.eps) && ln.eps > 0);
  g_return_if_fail (layernorm_views_hold (backend, rows, cols, ln, FALSE));
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, y, size));
  g_return_if_fail (disjoint_or_same (x, y, size));
  g_return_if_fail (layernorm_apart_from (ln, rows, cols, x, size));
  g_return_if_fail (layernorm_apart_from (ln, rows, cols, y, size));
  if (size > 0)
    DISPATCH (backend, layernorm_forward, rows, cols, ln, x, y);
}

void
cep_backend_layernorm_backward (CepBackend  *backend,
                                guint        rows,
                                guint        cols,
                                CepLayerNorm ln,
                                CepView      x,
                                CepView      dy,
                                CepView      dx,
                                CepView      dgamma,
                                CepView      dbeta)
{
  gsize size = (gsize) rows * cols;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (layernorm_views_hold (backend, rows, cols, ln, TRUE));
  g_return_if_fail (view_holds (backend, x, size) && view_holds (backend, dy, size));
  g_return_if_fail (view_holds (backend, dx, size));
  g_return_if_fail (optional_view_holds (backend, dgamma, cols));
  g_return_if_fail (optional_view_holds (backend, dbeta, cols));
  g_return_if_fail (disjoint_or_same (dy, dx, size) && !views_overlap (x, size, dx, size));
  g_return_if_fail (layernorm_apart_from (ln, rows, cols, dx, size));
  g_return_if_fail (!views_overlap (dgamma, cols, dbeta, cols));
  for (guint i = 0; i < 2; i++)
    {
      CepView grad = i == 0 ? dgamma : dbeta;
      g_return_if_fail (!views_overlap (grad, cols, x, size));
      g_return_if_fail (!views_overlap (grad, cols, dy, size));
      g_return_if_fail (!views_overlap (grad, cols, dx, size));
    }
  if (cols > 0)
    DISPATCH (backend, layernorm_backward, rows, cols, ln, x, dy, dx, dgamma, dbeta);
}

/* Dropout */

/* torch computes the kept value's factor as 1 / (1 - p) in float, 1 - p coming from a double. */
static float
dropout_scale (float p)
{
  return 1.0f / (float) (1.0 - (double) p);
}

void
cep_backend_dropout_forward (CepBackend   *backend,
                             gsize         n,
                             float         p,
                             CepDropoutKey key,
                             CepView       x,
                             CepView       y,
                             CepView       mask)
{
  gsize mask_words = CEP_DROPOUT_MASK_WORDS (n);

  g_return_if_fail (backend != NULL);
  g_return_if_fail (p >= 0.0f && p <= 1.0f);
  g_return_if_fail (view_holds (backend, x, n) && view_holds (backend, y, n));
  g_return_if_fail (view_holds (backend, mask, mask_words));
  g_return_if_fail (disjoint_or_same (x, y, n));
  g_return_if_fail (!views_overlap (mask, mask_words, x, n));
  g_return_if_fail (!views_overlap (mask, mask_words, y, n));
  if (n == 0)
    return;
  guint32 threshold = (guint32) lrint ((double) p * 65536.0);
  DISPATCH (backend, dropout_forward, n, threshold, dropout_scale (p), key, x, y, mask);
}

void
cep_backend_dropout_backward (CepBackend *backend,
                              gsize       n,
                              float       p,
                              CepView     mask,
                              CepView     dy,
                              CepView     dx)
{
  gsize mask_words = CEP_DROPOUT_MASK_WORDS (n);

  g_return_if_fail (backend != NULL);
  g_return_if_fail (p >= 0.0f && p <= 1.0f);
  g_return_if_fail (view_holds (backend, dy, n) && view_holds (backend, dx, n));
  g_return_if_fail (view_holds (backend, mask, mask_words));
  g_return_if_fail (disjoint_or_same (dy, dx, n) && !views_overlap (mask, mask_words, dx, n));
  if (n > 0)
    DISPATCH (backend, dropout_backward, n, dropout_scale (p), mask, dy, dx);
}

/* Classification */

void
cep_backend_softmax_ce_forward (CepBackend *backend,
                                guint       rows,
                                guint       classes,
                                float       smoothing,
                                CepView     logits,
                                CepView     labels,
                                CepView     loss_sum)
{
  gsize size = (gsize) rows * classes;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (classes >= 1 && smoothing >= 0.0f && smoothing <= 1.0f);
  g_return_if_fail (view_holds (backend, logits, size) && view_holds (backend, labels, rows));
  g_return_if_fail (view_holds (backend, loss_sum, 1));
  g_return_if_fail (!views_overlap (loss_sum, 1, logits, size));
  g_return_if_fail (!views_overlap (loss_sum, 1, labels, rows));
  if (rows > 0)
    DISPATCH (backend, softmax_ce_forward, rows, classes, smoothing, logits, labels, loss_sum);
}

void
cep_backend_softmax_ce_backward (CepBackend *backend,
                                 guint       rows,
                                 guint       classes,
                                 float       smoothing,
                                 float       grad_scale,
                                 CepView     logits,
                                 CepView     labels,
                                 CepView     dlogits)
{
  gsize size = (gsize) rows * classes;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (classes >= 1 && smoothing >= 0.0f && smoothing <= 1.0f);
  g_return_if_fail (view_holds (backend, logits, size) && view_holds (backend, labels, rows));
  g_return_if_fail (view_holds (backend, dlogits, size));
  g_return_if_fail (disjoint_or_same (logits, dlogits, size));
  g_return_if_fail (!views_overlap (dlogits, size, labels, rows));
  if (rows > 0)
    DISPATCH (backend, softmax_ce_backward, rows, classes, smoothing, grad_scale, logits,
              labels, dlogits);
}

void
cep_backend_softmax (CepBackend *backend,
                     guint       rows,
                     guint       classes,
                     CepView     logits,
                     CepView     probabilities)
{
  gsize size = (gsize) rows * classes;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (classes >= 1);
  g_return_if_fail (view_holds (backend, logits, size));
  g_return_if_fail (view_holds (backend, probabilities, size));
  g_return_if_fail (disjoint_or_same (logits, probabilities, size));
  if (rows > 0)
    DISPATCH (backend, softmax, rows, classes, logits, probabilities);
}

void
cep_backend_argmax (CepBackend *backend,
                    guint       rows,
                    guint       classes,
                    CepView     logits,
                    CepView     labels,
                    CepView     predictions,
                    CepView     correct)
{
  gsize size = (gsize) rows * classes;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (classes >= 1);
  g_return_if_fail (view_holds (backend, logits, size));
  g_return_if_fail (optional_view_holds (backend, predictions, rows));
  g_return_if_fail (optional_view_holds (backend, correct, 1));
  g_return_if_fail (!cep_view_is_set (correct) || view_holds (backend, labels, rows));
  g_return_if_fail (!views_overlap (predictions, rows, logits, size));
  g_return_if_fail (!views_overlap (predictions, rows, labels, rows));
  g_return_if_fail (!views_overlap (correct, 1, logits, size));
  g_return_if_fail (!views_overlap (correct, 1, labels, rows));
  g_return_if_fail (!views_overlap (correct, 1, predictions, rows));
  if (rows > 0)
    DISPATCH (backend, argmax, rows, classes, logits, labels, predictions, correct);
}

/* Optimizers */

static gboolean
distinct_vectors (const CepView *views,
                  guint          n_views,
                  gsize          n)
{
  for (guint i = 0; i < n_views; i++)
    for (guint j = i + 1; j < n_views; j++)
      if (views_overlap (views[i], n, views[j], n))
        return FALSE;
  return TRUE;
}

/* The scalars torch's _single_tensor_adam(w) computes in Python doubles. */
static CepAdamScalars
adam_scalars (const CepAdamParams *p)
{
  double step = (double) p->step;
  double bias_correction1 = 1.0 - pow (p->beta1, step);
  double bias_correction2 = 1.0 - pow (p->beta2, step);
  CepAdamScalars s = {
    .lr_decay = p->decoupled ? (float) (1.0 - p->lr * p->weight_decay) : 1.0f,
    .weight_decay = p->decoupled ? 0.0f : (float) p->weight_decay,
    .beta1 = (float) p->beta1,
    .one_minus_beta1 = (float) (1.0 - p->beta1),
    .beta2 = (float) p->beta2,
    .one_minus_beta2 = (float) (1.0 - p->beta2),
    .bias_correction2_sqrt = (float) sqrt (bias_correction2),
    .eps = (float) p->eps,
    .neg_step_size = (float) -(p->lr / bias_correction1),
  };
  return s;
}

void
cep_backend_adam_step (CepBackend   *backend,
                       gsize         n,
                       CepAdamParams params,
                       CepView       param,
                       CepView       grad,
                       CepView       m,
                       CepView       v)
{
  const CepView views[] = { param, grad, m, v };

  g_return_if_fail (backend != NULL);
  g_return_if_fail (params.step >= 1);
  g_return_if_fail (params.beta1 >= 0.0 && params.beta1 < 1.0);
  g_return_if_fail (params.beta2 >= 0.0 && params.beta2 < 1.0);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_return_if_fail (view_holds (backend, views[i], n));
  g_return_if_fail (distinct_vectors (views, G_N_ELEMENTS (views), n));
  if (n > 0)
    DISPATCH (backend, adam_step, n, adam_scalars (&params), param, grad, m, v);
}

void
cep_backend_sgd_step (CepBackend  *backend,
                      gsize        n,
                      CepSgdParams params,
                      CepView      param,
                      CepView      grad,
                      CepView      momentum_buffer)
{
  const CepView views[] = { param, grad, momentum_buffer };
  gboolean with_momentum = params.momentum != 0.0;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (params.step >= 1);
  g_return_if_fail (!params.nesterov || (with_momentum && params.dampening == 0.0));
  g_return_if_fail (view_holds (backend, param, n) && view_holds (backend, grad, n));
  g_return_if_fail (!with_momentum || view_holds (backend, momentum_buffer, n));
  g_return_if_fail (distinct_vectors (views, with_momentum ? 3 : 2, n));
  CepSgdScalars s = {
    .weight_decay = (float) params.weight_decay,
    .momentum = (float) params.momentum,
    .one_minus_dampening = (float) (1.0 - params.dampening),
    .neg_lr = (float) -params.lr,
    .nesterov = params.nesterov,
    .first_step = params.step == 1,
  };
  if (!with_momentum)
    momentum_buffer = CEP_VIEW_NONE;
  if (n > 0)
    DISPATCH (backend, sgd_step, n, s, param, grad, momentum_buffer);
}

void
cep_backend_sum_squares (CepBackend *backend,
                         gsize       n,
                         CepView     x,
                         CepView     sum)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (view_holds (backend, x, n) && view_holds (backend, sum, 1));
  g_return_if_fail (!views_overlap (x, n, sum, 1));
  if (n > 0)
    DISPATCH (backend, sum_squares, n, x, sum);
}

void
cep_backend_clip_scale (CepBackend *backend,
                        gsize       n,
                        CepView     sum_squares,
                        float       max_norm,
                        CepView     x)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (max_norm > 0.0f);
  g_return_if_fail (view_holds (backend, x, n) && view_holds (backend, sum_squares, 1));
  g_return_if_fail (!views_overlap (x, n, sum_squares, 1));
  if (n > 0)
    DISPATCH (backend, clip_scale, n, sum_squares, max_norm, x);
}

/* Context windows */

static gboolean
gather_shape_valid (CepGatherShape shape)
{
  return shape.dim > 0 && shape.window_frames > 0 &&
         (shape.sample_words == 2 ||
          (shape.sample_words >= 3 && shape.sample_words <= 3 + 2 * CEP_GATHER_MAX_BANDS)) &&
         (gsize) shape.window_frames * shape.dim <= G_MAXUINT32;
}

void
cep_backend_gather_windows (CepBackend    *backend,
                            guint          n,
                            CepGatherShape shape,
                            CepView        store,
                            gsize          store_rows,
                            CepView        samples,
                            CepView        out,
                            guint          out_rows)
{
  gsize window_floats = (gsize) shape.window_frames * shape.dim;
  gsize sample_words = (gsize) n * shape.sample_words;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (gather_shape_valid (shape));
  g_return_if_fail (store_rows <= G_MAXUINT32 && store_rows * shape.dim <= G_MAXUINT32);
  g_return_if_fail (view_holds (backend, store, store_rows * shape.dim));
  g_return_if_fail (view_holds (backend, samples, sample_words));
  g_return_if_fail (view_holds (backend, out, (gsize) out_rows * window_floats));
  g_return_if_fail (!views_overlap (out, (gsize) out_rows * window_floats, store,
                                    store_rows * shape.dim));
  g_return_if_fail (!views_overlap (out, (gsize) out_rows * window_floats, samples,
                                    sample_words));
  if (n > 0)
    DISPATCH (backend, gather_windows, n, shape, store, store_rows, samples, out, out_rows);
}

/* Convolution and pooling over time */

static gboolean
conv1d_shape_is_valid (CepConv1dShape s)
{
  guint64 span;

  if (s.kernel == 0 || s.stride == 0 || s.dilation == 0 || s.frames_out == 0)
    return FALSE;
  span = (guint64) (s.frames_out - 1) * s.stride + (guint64) (s.kernel - 1) * s.dilation + 1;
  /* Every output reads at least one real frame; no more padding than a kernel's reach. */
  return s.pad_left <= (guint64) (s.kernel - 1) * s.dilation
         && span <= (guint64) s.frames + 2 * (guint64) (s.kernel - 1) * s.dilation;
}

void
cep_backend_conv1d_unfold (CepBackend    *backend,
                           guint          rows,
                           CepConv1dShape shape,
                           CepView        x,
                           CepView        cols)
{
  gsize x_size = (gsize) rows * shape.frames * shape.channels;
  gsize cols_size = (gsize) rows * shape.frames_out * shape.channels * shape.kernel;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (conv1d_shape_is_valid (shape));
  g_return_if_fail (view_holds (backend, x, x_size) && view_holds (backend, cols, cols_size));
  g_return_if_fail (!views_overlap (x, x_size, cols, cols_size));
  if (cols_size > 0)
    DISPATCH (backend, conv1d_unfold, rows, shape, x, cols);
}

void
cep_backend_conv1d_fold (CepBackend    *backend,
                         guint          rows,
                         CepConv1dShape shape,
                         CepView        cols,
                         CepView        dx)
{
  gsize dx_size = (gsize) rows * shape.frames * shape.channels;
  gsize cols_size = (gsize) rows * shape.frames_out * shape.channels * shape.kernel;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (conv1d_shape_is_valid (shape));
  g_return_if_fail (view_holds (backend, cols, cols_size) && view_holds (backend, dx, dx_size));
  g_return_if_fail (!views_overlap (cols, cols_size, dx, dx_size));
  if (dx_size > 0)
    DISPATCH (backend, conv1d_fold, rows, shape, cols, dx);
}

static gboolean
pool1d_shape_is_valid (CepPool1dShape s)
{
  return s.kernel > 0 && s.stride > 0 && s.kernel <= s.frames
         && s.frames_out == (s.frames - s.kernel) / s.stride + 1;
}

/* The views of a pooling operation: @in of the input's size, @out of the output's, apart. */
static gboolean
pool1d_views_hold (CepBackend    *backend,
                   guint          rows,
                   CepPool1dShape shape,
                   CepView        in,
                   CepView        out)
{
  gsize in_size = (gsize) rows * shape.frames * shape.channels;
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;

  return pool1d_shape_is_valid (shape) && view_holds (backend, in, in_size)
         && view_holds (backend, out, out_size) && !views_overlap (in, in_size, out, out_size);
}

void
cep_backend_max_pool1d_forward (CepBackend    *backend,
                                guint          rows,
                                CepPool1dShape shape,
                                CepView        x,
                                CepView        y,
                                CepView        indices)
{
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, x, y));
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, x, indices));
  g_return_if_fail (!views_overlap (y, out_size, indices, out_size));
  if (out_size > 0)
    DISPATCH (backend, max_pool1d_forward, rows, shape, x, y, indices);
}

void
cep_backend_max_pool1d_backward (CepBackend    *backend,
                                 guint          rows,
                                 CepPool1dShape shape,
                                 CepView        indices,
                                 CepView        dy,
                                 CepView        dx)
{
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;

  g_return_if_fail (backend != NULL);
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, dx, dy));
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, dx, indices));
  if (out_size > 0)
    DISPATCH (backend, max_pool1d_backward, rows, shape, indices, dy, dx);
}

void
cep_backend_avg_pool1d_forward (CepBackend    *backend,
                                guint          rows,
                                CepPool1dShape shape,
                                CepView        x,
                                CepView        y)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, x, y));
  if (rows > 0 && shape.channels > 0)
    DISPATCH (backend, avg_pool1d_forward, rows, shape, x, y);
}

void
cep_backend_avg_pool1d_backward (CepBackend    *backend,
                                 guint          rows,
                                 CepPool1dShape shape,
                                 CepView        dy,
                                 CepView        dx)
{
  g_return_if_fail (backend != NULL);
  g_return_if_fail (pool1d_views_hold (backend, rows, shape, dx, dy));
  if (rows > 0 && shape.channels > 0)
    DISPATCH (backend, avg_pool1d_backward, rows, shape, dy, dx);
}
