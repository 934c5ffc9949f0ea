/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-signal.c: the seeded lead-in and noise floor: ranges, statistics, repeatability.
 */
#include <math.h>

#include "cep-demo-labels.h"
#include "cep-demo-signal.h"

#define RATE 22050

static void
test_params_in_range (void)
{
  CepDemoSignalOptions options;
  gint64 shortest = G_MAXINT64, longest = 0;
  double quietest = 0.0, loudest = 100.0;

  cep_demo_signal_options_init (&options);
  for (guint64 seed = 0; seed < 2000; seed++)
    {
      CepDemoSignalParams params;

      cep_demo_signal_draw_params (&options, seed, RATE, &params);
      shortest = MIN (shortest, params.lead_in);
      longest = MAX (longest, params.lead_in);
      quietest = MAX (quietest, params.noise_db);
      loudest = MIN (loudest, params.noise_db);
    }
  /* 100..250 ms at 22050 Hz, 35..50 dB, and the draws fill the ranges */
  g_assert_cmpint (shortest, >=, 2205);
  g_assert_cmpint (longest, <=, 5513);
  g_assert_cmpint (longest - shortest, >, 3000);
  g_assert_cmpfloat (loudest, >=, 35.0);
  g_assert_cmpfloat (quietest, <=, 50.0);
  g_assert_cmpfloat (quietest - loudest, >, 14.0);
}

static void
test_params_repeat (void)
{
  CepDemoSignalOptions options;
  CepDemoSignalParams a, b, c;

  cep_demo_signal_options_init (&options);
  cep_demo_signal_draw_params (&options, 11785, RATE, &a);
  cep_demo_signal_draw_params (&options, 11785, RATE, &b);
  cep_demo_signal_draw_params (&options, 11786, RATE, &c);
  g_assert_cmpint (a.lead_in, ==, b.lead_in);
  g_assert_cmpfloat (a.noise_db, ==, b.noise_db);
  g_assert_true (a.lead_in != c.lead_in || a.noise_db != c.noise_db);
}

static void
test_gaussian_statistics (void)
{
  const gsize n = 200001;   /* odd: the last number comes from half a pair */
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  double mean = 0.0, variance = 0.0, beyond_two = 0.0;

  cep_demo_signal_gaussian (7, x, n);
  cep_demo_signal_gaussian (7, y, n);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (x[i], ==, y[i]);
      g_assert_true (isfinite (x[i]));
      mean += x[i] / n;
    }
  for (gsize i = 0; i < n; i++)
    {
      variance += (x[i] - mean) * (x[i] - mean) / n;
      beyond_two += fabs (x[i]) > 2.0 ? 1.0 / n : 0.0;
    }
  g_assert_cmpfloat (fabs (mean), <, 0.01);
  g_assert_cmpfloat (fabs (variance - 1.0), <, 0.02);
  g_assert_cmpfloat (fabs (beyond_two - 0.0455), <, 0.003);   /* a normal's tails */
  cep_demo_signal_gaussian (8, y, 16);
  g_assert_cmpfloat (x[0], !=, y[0]);
}

static void
test_speech_rms_ignores_silence (void)
{
  gint16 samples[400];
  CepDemoSpan spans[] = {
    { g_intern_static_string ("[SIL]"), 0, 100 },
    { g_intern_static_string ("AA"), 100, 300 },
    { g_intern_static_string ("[SIL]"), 300, 400 },
  };
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (CepDemoSpan));

  for (guint i = 0; i < 400; i++)
    samples[i] = i >= 100 && i < 300 ? (i % 2 ? 300 : -300) : 30000;
  g_array_append_vals (array, spans, G_N_ELEMENTS (spans));
  g_assert_cmpfloat_with_epsilon (cep_demo_signal_speech_rms (samples, 400, array), 300.0,
                                  1e-9);
  g_array_remove_index (array, 1);
  g_assert_cmpfloat (cep_demo_signal_speech_rms (samples, 400, array), ==, 0.0);
}

static double
standard_deviation (const float *x,
                    gsize        n)
{
  double mean = 0.0, variance = 0.0;

  for (gsize i = 0; i < n; i++)
    mean += x[i] / (double) n;
  for (gsize i = 0; i < n; i++)
    variance += (x[i] - mean) * (x[i] - mean) / (double) n;
  return sqrt (variance);
}

static void
test_assemble (void)
{
  const gsize n = 40000;
  g_autofree gint16 *samples = g_new (gint16, n);
  g_autofree float *residual = g_new (float, n);
  g_autofree float *signal = NULL;
  CepDemoSignalParams params = { 20000, 40.0 };

  for (gsize i = 0; i < n; i++)
    samples[i] = (gint16) (i % 50 < 25 ? 1000 : -1000);
  signal = cep_demo_signal_assemble (samples, n, &params, 1000.0, 3);
  /* 40 dB under an RMS of 1000: a noise floor with a standard deviation of 10 */
  g_assert_cmpfloat (fabs (standard_deviation (signal, 20000) - 10.0), <, 0.3);
  for (gsize i = 0; i < n; i++)
    residual[i] = signal[20000 + i] - samples[i];
  g_assert_cmpfloat (fabs (standard_deviation (residual, n) - 10.0), <, 0.3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/signal/params-range", test_params_in_range);
  g_test_add_func ("/demo/signal/params-repeat", test_params_repeat);
  g_test_add_func ("/demo/signal/gaussian", test_gaussian_statistics);
  g_test_add_func ("/demo/signal/speech-rms", test_speech_rms_ignores_silence);
  g_test_add_func ("/demo/signal/assemble", test_assemble);
  return g_test_run ();
}
