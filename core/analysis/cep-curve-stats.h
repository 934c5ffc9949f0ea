/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-stats.h: what the trackers (TensorBoard, W&B, Aim) compute over training curves:
 * a curve smoothed for reading, and several runs' curves aligned on one x grid to give their
 * mean and their min–max band.
 *
 * Smoothing is TensorBoard's debiased exponential moving average over the points in order
 * (not over x): a_i = w·a_{i−1} + (1 − w)·y_i from a_0 = 0, shown as a_i / (1 − w^k) where k
 * counts the finite points so far, so the first points are not pulled towards zero. A
 * non-finite point stays as it is (a gap) and does not enter the average; a curve whose finite
 * points are all equal stays exactly that value. Weight 0 leaves the curve unchanged.
 *
 * Alignment (runs of different lengths, batch sizes or speeds have different x):
 * - a curve's points are taken in order and only where x and y are finite and x does not go
 *   back (a point left of the one before it is skipped);
 * - the grid is every distinct x of every curve, ascending, when there are at most
 *   @max_points of them; otherwise @max_points evenly spaced x from the smallest to the
 *   largest;
 * - at a grid x, a curve contributes only between its first and last point (no
 *   extrapolation: a shorter run stops counting where it ended), with the value of its point
 *   at x (the last one, if several share it) or the straight line between the points either
 *   side;
 * - the mean, minimum and maximum are over the curves that contribute; where none does they
 *   are NaN, and count is 0.
 * It must not draw.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Grid size of a band when its curves do not share few enough x: enough for any plot width. */
#define CEP_CURVE_BAND_MAX_POINTS 2048

/* Smooths @n values of @y into @out (may be @y) with @weight in [0, 1), clamped there. */
void      cep_curve_smooth          (const double *y,
                                     gsize         n,
                                     double        weight,
                                     double       *out);
/* The same into a new GArray of double. */
GArray   *cep_curve_smooth_array    (const GArray *y,
                                     double        weight);

typedef struct
{
  const double *x;
  const double *y;
  gsize         n;
} CepCurveRef;

/* Parallel GArrays of double (count: of guint), one entry per grid x. */
typedef struct
{
  GArray *x;
  GArray *mean;
  GArray *min;
  GArray *max;
  GArray *count;
} CepCurveBand;

CepCurveBand *cep_curve_band_new  (const CepCurveRef *curves,
                                   guint              n_curves,
                                   guint              max_points);
void          cep_curve_band_free (CepCurveBand      *band);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepCurveBand, cep_curve_band_free)

G_END_DECLS
