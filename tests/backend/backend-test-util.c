/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-test-util.c: guarded tensors, random data and error measures for the backend tests.
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"

/* A quiet NaN with a recognizable payload: an operation that reads it produces NaN, one that
 * writes over it changes the pattern. */
#define GUARD_PATTERN 0x7fc0beefu

static void
fill_guard (guint32 *words,
            gsize    n)
{
  for (gsize i = 0; i < n; i++)
    words[i] = GUARD_PATTERN;
}

TestTensor *
test_tensor_new (CepBackend *backend,
                 gsize       n)
{
  g_autoptr (GError) error = NULL;
  TestTensor *tensor = g_new0 (TestTensor, 1);
  guint32 guard[TEST_GUARD_WORDS];

  tensor->backend = backend;
  tensor->n = n;
  tensor->buffer = cep_buffer_new (backend, n + 2 * TEST_GUARD_WORDS, &error);
  g_assert_no_error (error);
  tensor->view = cep_view (tensor->buffer, TEST_GUARD_WORDS);
  fill_guard (guard, TEST_GUARD_WORDS);
  cep_buffer_upload (tensor->buffer, 0, guard, TEST_GUARD_WORDS);
  cep_buffer_upload (tensor->buffer, TEST_GUARD_WORDS + n, guard, TEST_GUARD_WORDS);
  return tensor;
}

TestTensor *
test_tensor_new_from (CepBackend *backend,
                      const void *data,
                      gsize       n)
{
  TestTensor *tensor = test_tensor_new (backend, n);
  test_tensor_upload (tensor, data);
  return tensor;
}

void
test_tensor_free (TestTensor *tensor)
{
  if (tensor == NULL)
    return;
  cep_buffer_free (tensor->buffer);
  g_free (tensor);
}

void
test_tensor_upload (TestTensor *tensor,
                    const void *data)
{
  cep_buffer_upload (tensor->buffer, TEST_GUARD_WORDS, data, tensor->n);
}

void
test_tensor_download (TestTensor *tensor,
                      void       *data)
{
  gsize total = tensor->n + 2 * TEST_GUARD_WORDS;
  g_autofree guint32 *words = g_new (guint32, total);

  cep_buffer_download (tensor->buffer, 0, words, total);
  for (gsize i = 0; i < TEST_GUARD_WORDS; i++)
    {
      if (words[i] != GUARD_PATTERN || words[TEST_GUARD_WORDS + tensor->n + i] != GUARD_PATTERN)
        g_error ("%s: guard word %" G_GSIZE_FORMAT " around a %" G_GSIZE_FORMAT
                 "-word tensor was overwritten", cep_backend_get_name (tensor->backend), i,
                 tensor->n);
    }
  memcpy (data, words + TEST_GUARD_WORDS, tensor->n * sizeof (guint32));
}

float *
test_tensor_floats (TestTensor *tensor)
{
  float *data = g_new (float, MAX (tensor->n, 1));
  test_tensor_download (tensor, data);
  return data;
}

float *
test_random_floats (GRand *rand,
                    gsize  n,
                    float  lo,
                    float  hi)
{
  float *data = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, lo, hi);
  return data;
}

float *
test_random_normal (GRand *rand,
                    gsize  n,
                    float  mean,
                    float  stddev)
{
  float *data = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      /* Box–Muller on (0, 1] × [0, 1). */
      double u = 1.0 - g_rand_double (rand);
      double v = g_rand_double (rand);
      data[i] = (float) (mean + stddev * sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v));
    }
  return data;
}

double
test_normalized_error (const float *a,
                       const float *b,
                       gsize        n)
{
  double diff = 0.0, norm = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double d = (double) a[i] - b[i];
      diff += d * d;
      norm += (double) b[i] * b[i];
    }
  return norm > 0.0 ? sqrt (diff / norm) : sqrt (diff);
}

double
test_normalized_error_d (const float  *a,
                         const double *b,
                         gsize         n)
{
  double diff = 0.0, norm = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double d = (double) a[i] - b[i];
      diff += d * d;
      norm += b[i] * b[i];
    }
  return norm > 0.0 ? sqrt (diff / norm) : sqrt (diff);
}

gboolean
test_all_finite (const float *a,
                 gsize        n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (a[i]))
      return FALSE;
  return TRUE;
}

void
test_assert_close (const char  *what,
                   const float *a,
                   const float *b,
                   gsize        n,
                   double       tolerance)
{
  double error = test_normalized_error (a, b, n);

  if (!test_all_finite (a, n))
    g_error ("%s: non-finite output", what);
  if (!(error <= tolerance))
    g_error ("%s: normalized error %.3g > %.3g", what, error, tolerance);
}

double
test_norm (const float *a,
           gsize        n)
{
  double sum = 0.0;
  for (gsize i = 0; i < n; i++)
    sum += (double) a[i] * a[i];
  return sqrt (sum);
}

void
test_assert_close_scaled (const char  *what,
                          const float *a,
                          const float *b,
                          gsize        n,
                          double       scale,
                          double       tolerance)
{
  double diff = 0.0;

  for (gsize i = 0; i < n; i++)
    diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
  diff = sqrt (diff);
  if (!test_all_finite (a, n))
    g_error ("%s: non-finite output", what);
  if (!(diff <= tolerance * MAX (test_norm (b, n), scale)))
    g_error ("%s: error %.3g > %.3g · max(%.3g, %.3g)", what, diff, tolerance,
             test_norm (b, n), scale);
}

CepBackend *
test_backend_try_new (const char *name,
                      guint       threads)
{
  g_autoptr (GError) error = NULL;
  CepBackendOptions options = { .threads = threads };
  CepBackend *backend = cep_backend_new (name, &options, &error);

  if (backend == NULL)
    {
      /* Only a device backend may be missing here (a Vulkan build without a device). */
      g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
      g_assert_cmpstr (name, !=, "blas");
      g_assert_cmpstr (name, !=, "ref");
      g_test_message ("backend %s left out: %s", name, error->message);
    }
  return backend;
}

CepBackend *
test_backend_new (const char *name,
                  guint       threads)
{
  CepBackend *backend = test_backend_try_new (name, threads);

  /* A test that needs a device backend fails where it cannot open (the message says why). */
  g_assert_nonnull (backend);
  return backend;
}

double *
test_numeric_gradient (TestLossFunc  loss,
                       gpointer      data,
                       double       *params,
                       gsize         n,
                       double        step)
{
  double *grad = g_new (double, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    {
      double saved = params[i];
      double h = step * MAX (1.0, fabs (saved));
      double up, down;

      params[i] = saved + h;
      up = loss (data, params);
      params[i] = saved - h;
      down = loss (data, params);
      params[i] = saved;
      grad[i] = (up - down) / (2.0 * h);
    }
  return grad;
}

double *
test_to_doubles (const float *values,
                 gsize        n)
{
  double *out = g_new (double, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    out[i] = values[i];
  return out;
}
