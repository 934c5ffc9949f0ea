/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-mfcc.c: speed of the audio front end on one core, as multiples of real time.
 *
 * Synthesises a deterministic signal (a chirp with harmonics over noise), then times, each
 * over several runs and reporting the median: MFCC (default options: 28 ceps, 40 mels, 16 kHz),
 * log-mel fbank, and resampling 22.05 kHz -> 16 kHz. A benchmark, never a pass/fail test.
 *
 *   bench-mfcc [--seconds 60] [--runs 7]
 */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "cep-mfcc.h"
#include "cep-resampler.h"

static float *
make_signal (gsize n,
             double rate)
{
  GRand *rand = g_rand_new_with_seed (11);
  float *x = g_new (float, n);
  double seconds = n / rate;

  for (gsize i = 0; i < n; i++)
    {
      double t = i / rate;
      double phase = 2.0 * G_PI * (100.0 * t + 0.5 * 3000.0 / seconds * t * t);

      x[i] = (float) (6000.0 * (sin (phase) + 0.4 * sin (2.0 * phase))
                      + g_rand_double_range (rand, -100.0, 100.0));
    }
  g_rand_free (rand);
  return x;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef void (*BenchFunc) (gpointer data);

/* Median and best of @runs timings: the median is the figure to quote, the best shows how much
 * a busy machine inflated it. */
static double
median_seconds (BenchFunc  func,
                gpointer   data,
                guint      runs,
                double    *best)
{
  g_autofree double *times = g_new (double, runs);

  for (guint r = 0; r < runs; r++)
    {
      gint64 start = g_get_monotonic_time ();

      func (data);
      times[r] = (g_get_monotonic_time () - start) / 1e6;
    }
  qsort (times, runs, sizeof (double), compare_doubles);
  *best = times[0];
  return times[runs / 2];
}

typedef struct
{
  CepMfcc      *mfcc;
  CepResampler *resampler;
  const float  *samples;
  gsize         n_samples;
  float        *resampled;
  gsize         n_frames;
} BenchData;

static void
run_mfcc (gpointer data)
{
  BenchData *bench = data;

  g_free (cep_mfcc_compute (bench->mfcc, bench->samples, bench->n_samples, &bench->n_frames,
                            NULL));
}

static void
run_fbank (gpointer data)
{
  BenchData *bench = data;

  g_free (cep_mfcc_compute_fbank (bench->mfcc, bench->samples, bench->n_samples,
                                  &bench->n_frames, NULL));
}

static void
run_resample (gpointer data)
{
  BenchData *bench = data;

  cep_resampler_process (bench->resampler, bench->samples, bench->n_samples,
                         bench->resampled);
}

static void
report (const char *what,
        double      audio_seconds,
        double      seconds,
        double      best,
        guint       runs)
{
  g_print ("%-24s median %7.2f ms = %6.0fx real time (best %7.2f ms = %6.0fx; %u runs, "
           "%.0f s of audio)\n", what, seconds * 1e3, audio_seconds / seconds, best * 1e3,
           audio_seconds / best, runs, audio_seconds);
}

int
main (int   argc,
      char *argv[])
{
  int seconds = 60, runs = 7;
  GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length of the test signal", "S" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs per measurement (median)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- audio front-end speed");
  g_autoptr (GError) error = NULL;
  CepMfccOptions options;
  BenchData bench = { 0 };
  g_autofree float *signal_16k = NULL;
  g_autofree float *signal_22k = NULL;
  double t, best;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || seconds < 1 || runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "seconds and runs must be positive");
      return 2;
    }

  cep_mfcc_options_init (&options);
  bench.mfcc = cep_mfcc_new (&options, &error);
  g_assert_no_error (error);
  signal_16k = make_signal ((gsize) seconds * 16000, 16000.0);
  bench.samples = signal_16k;
  bench.n_samples = (gsize) seconds * 16000;

  t = median_seconds (run_mfcc, &bench, runs, &best);
  report ("MFCC (28 ceps, 40 mels)", seconds, t, best, runs);
  g_print ("  %zu frames, %.2f us per frame\n", bench.n_frames, t / bench.n_frames * 1e6);
  t = median_seconds (run_fbank, &bench, runs, &best);
  report ("fbank (40 mels)", seconds, t, best, runs);

  signal_22k = make_signal ((gsize) seconds * 22050, 22050.0);
  bench.resampler = cep_resampler_new (22050, 16000);
  bench.samples = signal_22k;
  bench.n_samples = (gsize) seconds * 22050;
  bench.resampled = g_new (float, cep_resampler_get_n_output (bench.resampler,
                                                              bench.n_samples));
  t = median_seconds (run_resample, &bench, runs, &best);
  report ("resample 22050 -> 16000", seconds, t, best, runs);

  g_free (bench.resampled);
  cep_resampler_free (bench.resampler);
  cep_mfcc_free (bench.mfcc);
  return 0;
}
