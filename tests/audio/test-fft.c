/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-fft.c: the real FFT against a direct DFT in long double, for powers of two and for
 * lengths that need the radix-3/5/generic passes.
 */
#include <glib.h>
#include <math.h>

#include "cep-fft.h"

#define PI_LONG 3.141592653589793238462643383279502884L

static void
direct_dft (const double *x,
            gsize         n,
            gsize         k,
            long double  *re,
            long double  *im)
{
  long double sum_re = 0.0L, sum_im = 0.0L;

  for (gsize j = 0; j < n; j++)
    {
      long double angle = -2.0L * PI_LONG * (long double) ((j * k) % n) / (long double) n;

      sum_re += x[j] * cosl (angle);
      sum_im += x[j] * sinl (angle);
    }
  *re = sum_re;
  *im = sum_im;
}

static double *
random_signal (gsize    n,
               guint32  seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  double *x = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    x[i] = g_rand_double_range (rand, -1000.0, 1000.0);
  g_rand_free (rand);
  return x;
}

/* Largest |X_fft - X_direct| over all bins, relative to the largest |X_direct|. */
static double
forward_error (CepFft       *fft,
               const double *x,
               gsize         n)
{
  double *spectrum = g_new (double, n + 2);
  double worst = 0.0, scale = 0.0;

  cep_fft_forward (fft, x, spectrum);
  for (gsize k = 0; k <= n / 2; k++)
    {
      long double re, im;

      direct_dft (x, n, k, &re, &im);
      scale = MAX (scale, (double) hypotl (re, im));
      worst = MAX (worst, (double) hypotl (spectrum[2 * k] - re, spectrum[2 * k + 1] - im));
    }
  g_free (spectrum);
  return worst / scale;
}

static void
test_fft_matches_direct_dft (void)
{
  static const gsize sizes[] = {
    2, 4, 6, 8, 10, 12, 14, 16, 18, 22, 30, 32, 50, 64, 100, 128, 194, 250, 256, 320, 400,
    512, 882, 1000, 1024, 2048,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (CepFft) fft = cep_fft_new (sizes[i]);
      g_autofree double *x = random_signal (sizes[i], 17 + (guint32) i);
      double error = forward_error (fft, x, sizes[i]);

      g_test_message ("n = %zu: relative error %.3g", sizes[i], error);
      g_assert_cmpuint (cep_fft_get_size (fft), ==, sizes[i]);
      g_assert_cmpfloat (error, <, 1e-13);
    }
}

static void
test_fft_power_is_squared_magnitude (void)
{
  gsize n = 400;
  g_autoptr (CepFft) fft = cep_fft_new (n);
  g_autofree double *x = random_signal (n, 5);
  g_autofree double *spectrum = g_new (double, n + 2);
  g_autofree double *power = g_new (double, n / 2 + 1);

  cep_fft_forward (fft, x, spectrum);
  cep_fft_power_spectrum (fft, x, power);
  for (gsize k = 0; k <= n / 2; k++)
    {
      double re = spectrum[2 * k], im = spectrum[2 * k + 1];
      double expected = re * re + im * im;

      g_assert_cmpfloat_with_epsilon (power[k], expected, 1e-9 * expected + 1e-9);
    }
}

/* An impulse at sample d has |X[k]| = 1 everywhere and phase -2 pi k d / n; a constant has
 * all its energy in bin 0; the Nyquist bin of an alternating signal is n. */
static void
test_fft_known_signals (void)
{
  gsize n = 512, d = 3;
  g_autoptr (CepFft) fft = cep_fft_new (n);
  g_autofree double *x = g_new0 (double, n);
  g_autofree double *spectrum = g_new (double, n + 2);

  x[d] = 1.0;
  cep_fft_forward (fft, x, spectrum);
  for (gsize k = 0; k <= n / 2; k++)
    {
      double angle = -2.0 * G_PI * (double) (k * d) / n;

      g_assert_cmpfloat_with_epsilon (spectrum[2 * k], cos (angle), 1e-13);
      g_assert_cmpfloat_with_epsilon (spectrum[2 * k + 1], sin (angle), 1e-13);
    }

  for (gsize i = 0; i < n; i++)
    x[i] = i % 2 == 0 ? 1.0 : -1.0;
  cep_fft_forward (fft, x, spectrum);
  g_assert_cmpfloat_with_epsilon (spectrum[n], (double) n, 1e-10);
  g_assert_cmpfloat_with_epsilon (spectrum[0], 0.0, 1e-10);
  g_assert_cmpfloat_with_epsilon (spectrum[n / 2], 0.0, 1e-10);
}

/* A plan holds scratch buffers; reusing it must not leak one transform into the next. */
static void
test_fft_plan_reuse (void)
{
  gsize n = 320;
  g_autoptr (CepFft) fft = cep_fft_new (n);
  g_autofree double *a = random_signal (n, 1);
  g_autofree double *b = random_signal (n, 2);
  g_autofree double *first = g_new (double, n / 2 + 1);
  g_autofree double *again = g_new (double, n / 2 + 1);
  g_autofree double *other = g_new (double, n / 2 + 1);

  cep_fft_power_spectrum (fft, a, first);
  cep_fft_power_spectrum (fft, b, other);
  cep_fft_power_spectrum (fft, a, again);
  for (gsize k = 0; k <= n / 2; k++)
    g_assert_cmpfloat (first[k], ==, again[k]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fft/matches-direct-dft", test_fft_matches_direct_dft);
  g_test_add_func ("/fft/power-is-squared-magnitude", test_fft_power_is_squared_magnitude);
  g_test_add_func ("/fft/known-signals", test_fft_known_signals);
  g_test_add_func ("/fft/plan-reuse", test_fft_plan_reuse);
  return g_test_run ();
}
