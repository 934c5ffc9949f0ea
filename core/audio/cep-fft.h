/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-fft.h: the real FFT behind the MFCC front end (internal to core/audio).
 *
 * A plan for one even length N: the N real samples are packed into N/2 complex values, run
 * through a mixed-radix Stockham FFT (radix 4 and 2 first, then 3, 5 and any other prime, so
 * lengths that are not powers of two work too), and split into the N/2 + 1 bins of the real
 * spectrum, all in double precision. Twiddles are computed once; a transform allocates nothing.
 *
 * A plan owns its scratch buffers, so one plan serves one thread at a time. It must not know
 * about frames, windows or mel banks.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepFft CepFft;

/* @n must be even and at least 2. */
CepFft   *cep_fft_new             (gsize         n);
void      cep_fft_free            (CepFft       *self);
gsize     cep_fft_get_size        (CepFft       *self);

/* Forward transform of @n real samples into @n/2 + 1 complex bins, interleaved (re, im):
 * @spectrum holds n + 2 doubles. X[k] = sum_j x[j] exp(-2 pi i j k / n), unscaled. */
void      cep_fft_forward         (CepFft       *self,
                                   const double *samples,
                                   double       *spectrum);

/* |X[k]|^2 for k = 0 .. n/2: @power holds n/2 + 1 doubles. */
void      cep_fft_power_spectrum  (CepFft       *self,
                                   const double *samples,
                                   double       *power);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepFft, cep_fft_free)

G_END_DECLS
