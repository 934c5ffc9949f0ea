/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-test-util.h: what the backend tests share — guarded device tensors, seeded random
 * data, and error measures.
 *
 * A guarded tensor is a buffer with GUARD_WORDS sentinel words (a NaN bit pattern) before and
 * after the payload; downloading it asserts the sentinels are untouched, so any out-of-bounds
 * write of an operation fails the test that caused it.
 */
#pragma once

#include "cep-backend.h"

G_BEGIN_DECLS

#define TEST_GUARD_WORDS 37

typedef struct
{
  CepBackend *backend;
  CepBuffer  *buffer;
  gsize       n;
  CepView     view;
} TestTensor;

/* A zero payload of @n words between guards. */
TestTensor *test_tensor_new       (CepBackend   *backend,
                                   gsize         n);
/* A payload of @n words uploaded from @data. */
TestTensor *test_tensor_new_from  (CepBackend   *backend,
                                   const void   *data,
                                   gsize         n);
void        test_tensor_free      (TestTensor   *tensor);
void        test_tensor_upload    (TestTensor   *tensor,
                                   const void   *data);
/* Downloads the payload into @data, asserting that the guards are intact. */
void        test_tensor_download  (TestTensor   *tensor,
                                   void         *data);
/* The payload as floats (g_free), guards checked. */
float      *test_tensor_floats    (TestTensor   *tensor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestTensor, test_tensor_free)

/* Seeded uniform values in [lo, hi) (g_free). */
float      *test_random_floats    (GRand        *rand,
                                   gsize         n,
                                   float         lo,
                                   float         hi);
/* Seeded normal values with the given mean and standard deviation (g_free). */
float      *test_random_normal    (GRand        *rand,
                                   gsize         n,
                                   float         mean,
                                   float         stddev);

/* ||a - b|| / ||b|| (or ||a - b|| when b is zero), in double. */
double      test_normalized_error (const float  *a,
                                   const float  *b,
                                   gsize         n);
double      test_normalized_error_d (const float  *a,
                                     const double *b,
                                     gsize         n);
gboolean    test_all_finite       (const float  *a,
                                   gsize         n);
/* Asserts normalized error <= @tolerance and that @a is finite, naming @what on failure. */
void        test_assert_close     (const char   *what,
                                   const float  *a,
                                   const float  *b,
                                   gsize         n,
                                   double        tolerance);

/* The same, but measured against max(||b||, @scale): for outputs that are small differences of
 * larger terms (e.g. batch-norm's dx), whose natural size is that of the terms. */
void        test_assert_close_scaled (const char  *what,
                                      const float *a,
                                      const float *b,
                                      gsize        n,
                                      double       scale,
                                      double       tolerance);
/* ||a||. */
double      test_norm             (const float  *a,
                                   gsize         n);

/* NULL (with a test message) when @name is a device backend this machine cannot open. */
CepBackend *test_backend_try_new  (const char   *name,
                                   guint         threads);
/* A backend by name, failing the test if it cannot be created. */
CepBackend *test_backend_new      (const char   *name,
                                   guint         threads);

/* A loss of double parameters, for gradients by finite differences. */
typedef double (*TestLossFunc) (gpointer data,
                                double  *params);

/* Central differences of @loss at @params (each moved by @step · max(1, |p|)); g_free. */
double     *test_numeric_gradient (TestLossFunc  loss,
                                   gpointer      data,
                                   double       *params,
                                   gsize         n,
                                   double        step);
/* @values as doubles (at least one element); g_free. */
double     *test_to_doubles       (const float  *values,
                                   gsize         n);

G_END_DECLS
