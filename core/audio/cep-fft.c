/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-fft.c: mixed-radix Stockham FFT and the real-input split.
 *
 * Layout of the Stockham passes: before a pass, the M complex values hold M/L interleaved
 * DFTs of length L, value (j, k) of sub-DFT j at index j + (M/L) k. A radix-p pass merges p
 * of them into DFTs of length L p, reading and writing unit-stride runs, so no bit reversal
 * is needed and any factorisation works. Everything is double precision: the power of the
 * weakest mel bands can sit 100 dB under the strongest bin, where float32 rounding of the
 * transform would show in the log energies.
 */
#define G_LOG_DOMAIN "cepstra-fft"

#include "cep-fft.h"

#include <math.h>

typedef struct
{
  double re;
  double im;
} CepComplex;

typedef struct
{
  guint       radix;
  gsize       sub_length;     /* L: length of the sub-DFTs this pass merges */
  gsize       run_length;     /* M / (L radix): unit-stride run per twiddle set */
  CepComplex *twiddles;       /* [k (radix - 1) + r - 1] = W_{L radix}^{r k} */
  CepComplex *roots;          /* generic radix only: W_radix^q, q < radix */
} CepFftPass;

#define CEP_FFT_MAX_PASSES 64

struct _CepFft
{
  gsize       n;
  gsize       half;
  guint       n_passes;
  CepFftPass  passes[CEP_FFT_MAX_PASSES];
  CepComplex *split_twiddles; /* W_n^k, k <= n/2 */
  CepComplex *buffer_a;
  CepComplex *buffer_b;
  CepComplex *gather;         /* scratch for generic radices */
};

static inline CepComplex
complex_mul (CepComplex a, CepComplex b)
{
  return (CepComplex) { a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re };
}

static CepComplex
unit_root (gsize numerator, gsize denominator)
{
  double angle = -2.0 * G_PI * (double) numerator / (double) denominator;

  return (CepComplex) { cos (angle), sin (angle) };
}

/* Radix 4 first (fewest passes), then 2, then odd primes in increasing order. */
static guint
next_radix (gsize remaining)
{
  if (remaining % 4 == 0)
    return 4;
  if (remaining % 2 == 0)
    return 2;
  for (guint p = 3; (gsize) p * p <= remaining; p += 2)
    if (remaining % p == 0)
      return p;
  return (guint) remaining;
}

static void
fft_pass_init (CepFftPass *pass,
               guint       radix,
               gsize       sub_length,
               gsize       total)
{
  gsize merged = sub_length * radix;

  pass->radix = radix;
  pass->sub_length = sub_length;
  pass->run_length = total / merged;
  pass->twiddles = g_new (CepComplex, sub_length * (radix - 1));
  for (gsize k = 0; k < sub_length; k++)
    for (guint r = 1; r < radix; r++)
      pass->twiddles[k * (radix - 1) + r - 1] = unit_root ((r * k) % merged, merged);

  pass->roots = NULL;
  if (radix != 2 && radix != 4)
    {
      pass->roots = g_new (CepComplex, radix);
      for (guint q = 0; q < radix; q++)
        pass->roots[q] = unit_root (q, radix);
    }
}

CepFft *
cep_fft_new (gsize n)
{
  CepFft *self;
  gsize sub_length = 1;
  guint largest_radix = 1;

  g_return_val_if_fail (n >= 2 && n % 2 == 0, NULL);

  self = g_new0 (CepFft, 1);
  self->n = n;
  self->half = n / 2;
  while (sub_length < self->half)
    {
      guint radix = next_radix (self->half / sub_length);

      g_assert (self->n_passes < CEP_FFT_MAX_PASSES);
      fft_pass_init (&self->passes[self->n_passes++], radix, sub_length, self->half);
      largest_radix = MAX (largest_radix, radix);
      sub_length *= radix;
    }

  self->split_twiddles = g_new (CepComplex, self->half + 1);
  for (gsize k = 0; k <= self->half; k++)
    self->split_twiddles[k] = unit_root (k, n);
  self->buffer_a = g_new (CepComplex, self->half);
  self->buffer_b = g_new (CepComplex, self->half);
  self->gather = g_new (CepComplex, largest_radix);
  return self;
}

void
cep_fft_free (CepFft *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_passes; i++)
    {
      g_free (self->passes[i].twiddles);
      g_free (self->passes[i].roots);
    }
  g_free (self->split_twiddles);
  g_free (self->buffer_a);
  g_free (self->buffer_b);
  g_free (self->gather);
  g_free (self);
}

gsize
cep_fft_get_size (CepFft *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

static void
fft_pass_radix2 (const CepFftPass *pass,
                 const CepComplex *in,
                 CepComplex       *out)
{
  gsize run = pass->run_length;
  gsize out_stride = run * pass->sub_length;

  for (gsize k = 0; k < pass->sub_length; k++)
    {
      CepComplex w = pass->twiddles[k];
      const CepComplex *src = in + 2 * run * k;
      CepComplex *dst = out + run * k;

      for (gsize j = 0; j < run; j++)
        {
          CepComplex a0 = src[j];
          CepComplex a1 = complex_mul (w, src[j + run]);

          dst[j] = (CepComplex) { a0.re + a1.re, a0.im + a1.im };
          dst[j + out_stride] = (CepComplex) { a0.re - a1.re, a0.im - a1.im };
        }
    }
}

static void
fft_pass_radix4 (const CepFftPass *pass,
                 const CepComplex *in,
                 CepComplex       *out)
{
  gsize run = pass->run_length;
  gsize out_stride = run * pass->sub_length;

  for (gsize k = 0; k < pass->sub_length; k++)
    {
      const CepComplex *w = pass->twiddles + 3 * k;
      const CepComplex *src = in + 4 * run * k;
      CepComplex *dst = out + run * k;

      for (gsize j = 0; j < run; j++)
        {
          CepComplex a0 = src[j];
          CepComplex a1 = complex_mul (w[0], src[j + run]);
          CepComplex a2 = complex_mul (w[1], src[j + 2 * run]);
          CepComplex a3 = complex_mul (w[2], src[j + 3 * run]);
          CepComplex s02 = { a0.re + a2.re, a0.im + a2.im };
          CepComplex d02 = { a0.re - a2.re, a0.im - a2.im };
          CepComplex s13 = { a1.re + a3.re, a1.im + a3.im };
          CepComplex d13 = { a1.re - a3.re, a1.im - a3.im };

          /* Forward radix 4: the odd outputs rotate (a1 - a3) by -i and +i. */
          dst[j] = (CepComplex) { s02.re + s13.re, s02.im + s13.im };
          dst[j + out_stride] = (CepComplex) { d02.re + d13.im, d02.im - d13.re };
          dst[j + 2 * out_stride] = (CepComplex) { s02.re - s13.re, s02.im - s13.im };
          dst[j + 3 * out_stride] = (CepComplex) { d02.re - d13.im, d02.im + d13.re };
        }
    }
}

static void
fft_pass_generic (const CepFftPass *pass,
                  const CepComplex *in,
                  CepComplex       *out,
                  CepComplex       *gather)
{
  guint p = pass->radix;
  gsize run = pass->run_length;
  gsize out_stride = run * pass->sub_length;

  for (gsize k = 0; k < pass->sub_length; k++)
    {
      const CepComplex *w = pass->twiddles + (p - 1) * k;
      const CepComplex *src = in + p * run * k;
      CepComplex *dst = out + run * k;

      for (gsize j = 0; j < run; j++)
        {
          gather[0] = src[j];
          for (guint r = 1; r < p; r++)
            gather[r] = complex_mul (w[r - 1], src[j + r * run]);
          for (guint q = 0; q < p; q++)
            {
              CepComplex sum = { 0.0, 0.0 };

              for (guint r = 0; r < p; r++)
                {
                  CepComplex term = complex_mul (gather[r], pass->roots[(r * q) % p]);

                  sum.re += term.re;
                  sum.im += term.im;
                }
              dst[j + q * out_stride] = sum;
            }
        }
    }
}

/* Complex FFT of buffer_a in place of the ping-pong pair; returns the buffer holding Z. */
static const CepComplex *
fft_complex (CepFft *self)
{
  CepComplex *in = self->buffer_a;
  CepComplex *out = self->buffer_b;

  for (guint i = 0; i < self->n_passes; i++)
    {
      const CepFftPass *pass = &self->passes[i];
      CepComplex *swap;

      if (pass->radix == 4)
        fft_pass_radix4 (pass, in, out);
      else if (pass->radix == 2)
        fft_pass_radix2 (pass, in, out);
      else
        fft_pass_generic (pass, in, out, self->gather);
      swap = in;
      in = out;
      out = swap;
    }
  return in;
}

/* Packs even samples as real parts and odd samples as imaginary parts, then transforms. */
static const CepComplex *
fft_packed (CepFft       *self,
            const double *samples)
{
  for (gsize j = 0; j < self->half; j++)
    self->buffer_a[j] = (CepComplex) { samples[2 * j], samples[2 * j + 1] };
  return fft_complex (self);
}

/* X[k] = E[k] + W_n^k O[k], where E and O (the spectra of the even and odd samples) are
 * recovered from Z[k] and conj(Z[M - k]). */
static inline CepComplex
split_bin (const CepFft     *self,
           const CepComplex *z,
           gsize             k)
{
  /* Z is periodic in M = half: Z[M] = Z[0]. */
  CepComplex zk = z[k == self->half ? 0 : k];
  CepComplex zm = z[k == 0 ? 0 : self->half - k];
  CepComplex even = { 0.5 * (zk.re + zm.re), 0.5 * (zk.im - zm.im) };
  CepComplex odd = { 0.5 * (zk.im + zm.im), -0.5 * (zk.re - zm.re) };
  CepComplex rotated = complex_mul (self->split_twiddles[k], odd);

  return (CepComplex) { even.re + rotated.re, even.im + rotated.im };
}

void
cep_fft_forward (CepFft       *self,
                 const double *samples,
                 double      *spectrum)
{
  const CepComplex *z;

  g_return_if_fail (self != NULL);

  z = fft_packed (self, samples);
  for (gsize k = 0; k <= self->half; k++)
    {
      CepComplex x = split_bin (self, z, k);

      spectrum[2 * k] = x.re;
      spectrum[2 * k + 1] = x.im;
    }
}

void
cep_fft_power_spectrum (CepFft       *self,
                        const double *samples,
                        double      *power)
{
  const CepComplex *z;

  g_return_if_fail (self != NULL);

  z = fft_packed (self, samples);
  for (gsize k = 0; k <= self->half; k++)
    {
      CepComplex x = split_bin (self, z, k);

      power[k] = x.re * x.re + x.im * x.im;
    }
}
