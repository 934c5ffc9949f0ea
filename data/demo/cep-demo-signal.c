/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-signal.c: lead-in silence and the seeded noise floor.
 */
#define G_LOG_DOMAIN "cepstra-demo-signal"

#include "cep-demo-signal.h"

#include <math.h>

#include "cep-demo-labels.h"
#include "cep-rng.h"

/* Counter word c0 of the demo stream: one sequence per purpose, so drawing one more parameter
 * never shifts the noise. */
enum
{
  DRAW_PARAMS = 0,
  DRAW_NOISE = 1,
};

void
cep_demo_signal_options_init (CepDemoSignalOptions *options)
{
  options->lead_in_min_ms = 100.0;
  options->lead_in_max_ms = 250.0;
  options->noise_min_db = 35.0;
  options->noise_max_db = 50.0;
}

void
cep_demo_signal_draw_params (const CepDemoSignalOptions *options,
                             guint64                     seed,
                             guint                       sample_rate,
                             CepDemoSignalParams        *params)
{
  CepRng rng;
  guint32 lo = (guint32) llround (options->lead_in_min_ms * sample_rate / 1000.0);
  guint32 hi = (guint32) llround (options->lead_in_max_ms * sample_rate / 1000.0);

  cep_rng_init (&rng, seed, CEP_RNG_STREAM_DEMO, DRAW_PARAMS, 0);
  params->lead_in = cep_rng_range (&rng, lo, MAX (lo, hi));
  params->noise_db = options->noise_min_db
                     + (options->noise_max_db - options->noise_min_db) * cep_rng_uniform (&rng);
}

double
cep_demo_signal_speech_rms (const gint16 *samples,
                            gsize         n_samples,
                            GArray       *spans)
{
  const char *silence = g_intern_static_string ("[SIL]");
  double sum = 0.0;
  gint64 count = 0;

  for (guint i = 0; i < spans->len; i++)
    {
      const CepDemoSpan *span = &g_array_index (spans, CepDemoSpan, i);
      gint64 end = MIN (span->end, (gint64) n_samples);

      if (span->label == silence)
        continue;
      for (gint64 s = span->start; s < end; s++)
        sum += (double) samples[s] * samples[s];
      count += MAX (0, end - span->start);
    }
  return count > 0 ? sqrt (sum / (double) count) : 0.0;
}

/* A uniform number in (0, 1) from 32 random bits: never 0, so its logarithm is finite. */
static double
open_uniform (CepRng *rng)
{
  return ((double) cep_rng_next_u32 (rng) + 0.5) / 4294967296.0;
}

/* Box-Muller: each pair of uniforms gives two independent normals, used in turn. */
typedef struct
{
  CepRng   rng;
  double   spare;
  gboolean has_spare;
} Gaussian;

static void
gaussian_init (Gaussian *gaussian,
               guint64   seed)
{
  cep_rng_init (&gaussian->rng, seed, CEP_RNG_STREAM_DEMO, DRAW_NOISE, 0);
  gaussian->has_spare = FALSE;
}

static double
gaussian_next (Gaussian *gaussian)
{
  double radius, angle;

  if (gaussian->has_spare)
    {
      gaussian->has_spare = FALSE;
      return gaussian->spare;
    }
  radius = sqrt (-2.0 * log (open_uniform (&gaussian->rng)));
  angle = 2.0 * G_PI * open_uniform (&gaussian->rng);
  gaussian->spare = radius * sin (angle);
  gaussian->has_spare = TRUE;
  return radius * cos (angle);
}

void
cep_demo_signal_gaussian (guint64  seed,
                          double  *out,
                          gsize    n)
{
  Gaussian gaussian;

  gaussian_init (&gaussian, seed);
  for (gsize i = 0; i < n; i++)
    out[i] = gaussian_next (&gaussian);
}

float *
cep_demo_signal_assemble (const gint16              *samples,
                          gsize                      n_samples,
                          const CepDemoSignalParams *params,
                          double                     speech_rms,
                          guint64                    seed)
{
  gsize n = n_samples + (gsize) params->lead_in;
  double scale = speech_rms * pow (10.0, -params->noise_db / 20.0);
  float *signal = g_new (float, n);
  Gaussian gaussian;

  gaussian_init (&gaussian, seed);
  for (gsize i = 0; i < n; i++)
    {
      double clean = i < (gsize) params->lead_in ? 0.0 : samples[i - params->lead_in];

      signal[i] = (float) (clean + scale * gaussian_next (&gaussian));
    }
  return signal;
}
