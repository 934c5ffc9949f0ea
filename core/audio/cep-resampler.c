/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-resampler.c: polyphase windowed-sinc resampling, numerically the reference's.
 *
 * With the rates reduced by their gcd to `from` and `to`, output j = b to + p (block b, phase
 * p) is the dot product of phase p's kernel with the input starting at b from - width, where
 * the signal is zero outside [0, n). Kernel tap k of phase p sits at time
 * t = ((k - width) / from - p / to) base, base = min (from, to) rolloff, and weighs
 * sinc (pi t) cos^2 (pi t / 2 w) base / from with w the lowpass width (t clamped to +-w).
 * Taps with |t| >= w carry (numerically) nothing, so each phase keeps only its span of
 * |t| < w: its first tap and weights. The kernel is evaluated in double; the output length is
 * ceil (n to / from), exactly as the reference truncates its convolution.
 *
 * It must not know about files or channels: mono float in, mono float out.
 */
#define G_LOG_DOMAIN "cepstra-resampler"

#include "cep-resampler.h"

#include <math.h>
#include <string.h>

#define CEP_RESAMPLER_LOWPASS_WIDTH 6
#define CEP_RESAMPLER_ROLLOFF 0.99

struct _CepResampler
{
  guint   from;          /* reduced input rate */
  guint   to;            /* reduced output rate */
  gint64  width;         /* padding of the reference kernel, in input samples */
  gint64 *first_tap;     /* per phase: offset of the first kept tap from b from - width */
  guint  *n_taps;        /* per phase */
  guint   max_taps;
  float  *weights;       /* per phase, max_taps floats */
};

static guint
greatest_common_divisor (guint a,
                         guint b)
{
  while (b != 0)
    {
      guint r = a % b;

      a = b;
      b = r;
    }
  return a;
}

static double
kernel_time (const CepResampler *self,
             guint               phase,
             gint64              tap,
             double              base)
{
  return ((double) (tap - self->width) / self->from - (double) phase / self->to) * base;
}

static double
kernel_weight (double t,
               double base,
               double from)
{
  double w = CEP_RESAMPLER_LOWPASS_WIDTH;
  double window = cos (t * G_PI / w / 2.0);
  double sinc = t == 0.0 ? 1.0 : sin (t * G_PI) / (t * G_PI);

  return sinc * window * window * base / from;
}

/* Fills the taps of one phase: the contiguous span where |t| < lowpass width. Only a window
 * around the span is scanned (the full kernel row has 2 width + from taps, which for nearly
 * coprime rates would make building quadratic in the rate). */
static void
resampler_build_phase (CepResampler *self,
                       guint         phase,
                       double        base)
{
  double centre = self->width + (double) self->from * phase / self->to;
  double reach = (double) self->from * CEP_RESAMPLER_LOWPASS_WIDTH / base;
  gint64 n_kernel = 2 * self->width + self->from;
  gint64 lo = MAX ((gint64) floor (centre - reach) - 1, 0);
  gint64 hi = MIN ((gint64) ceil (centre + reach) + 1, n_kernel - 1);
  gint64 first = -1;
  guint count = 0;

  for (gint64 tap = lo; tap <= hi; tap++)
    {
      double t = kernel_time (self, phase, tap, base);

      if (fabs (t) >= CEP_RESAMPLER_LOWPASS_WIDTH)
        continue;
      if (first < 0)
        first = tap;
      g_assert (count < self->max_taps);
      self->weights[(gsize) phase * self->max_taps + count++] = (float) kernel_weight (t, base,
                                                                                       self->from);
    }
  self->first_tap[phase] = MAX (first, 0);
  self->n_taps[phase] = count;
}

CepResampler *
cep_resampler_new (guint from_rate,
                   guint to_rate)
{
  CepResampler *self;
  guint gcd;
  double base;

  g_return_val_if_fail (from_rate > 0 && to_rate > 0, NULL);

  gcd = greatest_common_divisor (from_rate, to_rate);
  self = g_new0 (CepResampler, 1);
  self->from = from_rate / gcd;
  self->to = to_rate / gcd;
  if (self->from == self->to)
    return self;

  base = MIN (self->from, self->to) * CEP_RESAMPLER_ROLLOFF;
  self->width = (gint64) ceil (CEP_RESAMPLER_LOWPASS_WIDTH * self->from / base);
  /* |t| < w spans fewer than 2 w from / base + 1 consecutive taps. */
  self->max_taps = (guint) ceil (2.0 * CEP_RESAMPLER_LOWPASS_WIDTH * self->from / base) + 2;
  self->first_tap = g_new (gint64, self->to);
  self->n_taps = g_new (guint, self->to);
  self->weights = g_new0 (float, (gsize) self->to * self->max_taps);
  for (guint phase = 0; phase < self->to; phase++)
    resampler_build_phase (self, phase, base);
  return self;
}

void
cep_resampler_free (CepResampler *self)
{
  if (self == NULL)
    return;
  g_free (self->first_tap);
  g_free (self->n_taps);
  g_free (self->weights);
  g_free (self);
}

gsize
cep_resampler_get_n_output (CepResampler *self,
                            gsize         n_in)
{
  g_return_val_if_fail (self != NULL, 0);

  /* ceil (n_in to / from) without overflowing n_in * to. */
  return (n_in / self->from) * self->to + ((n_in % self->from) * self->to + self->from - 1)
         / self->from;
}

static float
resample_one (const CepResampler *self,
              const float        *in,
              gsize               n_in,
              gsize               j)
{
  guint phase = (guint) (j % self->to);
  gint64 start = (gint64) (j / self->to) * self->from - self->width + self->first_tap[phase];
  const float *weights = self->weights + (gsize) phase * self->max_taps;
  guint count = self->n_taps[phase];
  double sum = 0.0;

  if (start >= 0 && start + count <= (gint64) n_in)
    {
      for (guint i = 0; i < count; i++)
        sum += (double) weights[i] * in[start + i];
      return (float) sum;
    }
  /* Near the edges the reference pads with zeros. */
  for (guint i = 0; i < count; i++)
    {
      gint64 s = start + i;

      if (s >= 0 && s < (gint64) n_in)
        sum += (double) weights[i] * in[s];
    }
  return (float) sum;
}

void
cep_resampler_process (CepResampler *self,
                       const float  *in,
                       gsize         n_in,
                       float        *out)
{
  gsize n_out;

  g_return_if_fail (self != NULL);
  g_return_if_fail (in != NULL || n_in == 0);

  n_out = cep_resampler_get_n_output (self, n_in);
  if (self->from == self->to)
    {
      if (n_in > 0)
        memcpy (out, in, n_in * sizeof (float));
      return;
    }
  for (gsize j = 0; j < n_out; j++)
    out[j] = resample_one (self, in, n_in, j);
}
