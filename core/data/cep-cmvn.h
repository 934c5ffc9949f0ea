/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cmvn.h: per-utterance cepstral mean and variance normalization.
 *
 * Works on one utterance in place (T frames x D coefficients, C order, float32), fast enough
 * to run on every file while the loader still has it in cache. Statistics are population
 * statistics over time; the stored standard deviation is floored at CEP_CMVN_STDDEV_FLOOR so a
 * constant coefficient normalizes to 0 instead of NaN, and raw = normalized * stddev + mean
 * holds for every coefficient.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Far below the spread of any real cepstral coefficient (MFCCs vary by 1..100), so it only
 * ever acts on (near-)constant coefficients. */
#define CEP_CMVN_STDDEV_FLOOR 1e-5f

/* Index of the first frame holding a NaN or an infinity, or -1 when all values are finite. */
gssize   cep_cmvn_find_non_finite (const float *frames,
                                   gsize        n_frames,
                                   guint        dim);

/* Computes @mean and @stddev (D floats each, stddev floored) and normalizes @frames in place.
 * FALSE, leaving @frames untouched, if a value is not finite; @bad_frame then names the
 * first frame holding one. */
gboolean cep_cmvn_normalize       (float       *frames,
                                   gsize        n_frames,
                                   guint        dim,
                                   float       *mean,
                                   float       *stddev,
                                   gsize       *bad_frame);

G_END_DECLS
