/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-stats.c: smoothing, and curves aligned into a mean and a min–max band.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-curve-stats.h"

#include <math.h>
#include <stdlib.h>

#define AT(array, i) g_array_index ((array), double, (i))

/* Whether the finite values of @y are all one value (then smoothing must return it exactly,
 * as TensorBoard does, rather than a value that differs in the last bit). */
static gboolean
is_constant (const double *y,
             gsize         n)
{
  double first = NAN;

  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (y[i]))
        continue;
      if (isnan (first))
        first = y[i];
      else if (y[i] != first)
        return FALSE;
    }
  return TRUE;
}

void
cep_curve_smooth (const double *y,
                  gsize         n,
                  double        weight,
                  double       *out)
{
  double average = 0.0, decay = 1.0;

  g_return_if_fail (n == 0 || (y != NULL && out != NULL));

  weight = isfinite (weight) ? CLAMP (weight, 0.0, 0.999999) : 0.0;
  if (weight == 0.0 || is_constant (y, n))
    {
      for (gsize i = 0; i < n && out != y; i++)
        out[i] = y[i];
      return;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (y[i]))
        {
          out[i] = y[i];
          continue;
        }
      average = weight * average + (1.0 - weight) * y[i];
      decay *= weight;
      out[i] = average / (1.0 - decay);
    }
}

GArray *
cep_curve_smooth_array (const GArray *y,
                        double        weight)
{
  GArray *out;

  g_return_val_if_fail (y != NULL, NULL);

  out = g_array_sized_new (FALSE, FALSE, sizeof (double), y->len);
  g_array_set_size (out, y->len);
  cep_curve_smooth ((const double *) y->data, y->len, weight, (double *) out->data);
  return out;
}

/* ---- alignment ---- */

/* A curve's usable points: finite, x never going back. */
typedef struct
{
  GArray *x;
  GArray *y;
  guint   cursor;   /* the last point at or left of the grid x being filled */
} CleanCurve;

static void
clean_curve (const CepCurveRef *curve,
             CleanCurve        *clean)
{
  clean->x = g_array_new (FALSE, FALSE, sizeof (double));
  clean->y = g_array_new (FALSE, FALSE, sizeof (double));
  clean->cursor = 0;
  for (gsize i = 0; i < curve->n; i++)
    {
      double x = curve->x != NULL ? curve->x[i] : (double) i, y = curve->y[i];

      if (!isfinite (x) || !isfinite (y) || (clean->x->len > 0 && x < AT (clean->x,
                                                                         clean->x->len - 1)))
        continue;
      g_array_append_val (clean->x, x);
      g_array_append_val (clean->y, y);
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static GArray *
make_grid (const CleanCurve *curves,
           guint             n_curves,
           guint             max_points)
{
  GArray *grid = g_array_new (FALSE, FALSE, sizeof (double));
  guint distinct = 0;

  for (guint c = 0; c < n_curves; c++)
    g_array_append_vals (grid, curves[c].x->data, curves[c].x->len);
  if (grid->len == 0)
    return grid;
  qsort (grid->data, grid->len, sizeof (double), compare_doubles);
  for (guint i = 0; i < grid->len; i++)
    if (distinct == 0 || AT (grid, i) != AT (grid, distinct - 1))
      AT (grid, distinct++) = AT (grid, i);
  g_array_set_size (grid, distinct);
  if (distinct > max_points)
    {
      double low = AT (grid, 0), high = AT (grid, distinct - 1);

      g_array_set_size (grid, max_points);
      for (guint i = 0; i < max_points; i++)
        AT (grid, i) = low + (high - low) * i / (max_points - 1);
      /* The last point exactly, whatever the rounding of the step. */
      AT (grid, max_points - 1) = high;
    }
  return grid;
}

/* The curve's value at @x (grid x are visited in ascending order), or NaN outside its span. */
static double
value_at (CleanCurve *curve,
          double      x)
{
  const double *xs = (const double *) curve->x->data, *ys = (const double *) curve->y->data;
  guint n = curve->x->len, j;

  if (n == 0 || x < xs[0] || x > xs[n - 1])
    return NAN;
  while (curve->cursor + 1 < n && xs[curve->cursor + 1] <= x)
    curve->cursor++;
  j = curve->cursor;
  if (xs[j] == x || j + 1 >= n)
    return ys[j];
  return ys[j] + (ys[j + 1] - ys[j]) * (x - xs[j]) / (xs[j + 1] - xs[j]);
}

static GArray *
new_doubles (guint n)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (double), n);

  g_array_set_size (array, n);
  return array;
}

static void
fill_statistics (CepCurveBand *band,
                 CleanCurve   *curves,
                 guint         n_curves)
{
  for (guint i = 0; i < band->x->len; i++)
    {
      double sum = 0.0, low = INFINITY, high = -INFINITY;
      guint count = 0;

      for (guint c = 0; c < n_curves; c++)
        {
          double value = value_at (&curves[c], AT (band->x, i));

          if (isnan (value))
            continue;
          sum += value;
          low = MIN (low, value);
          high = MAX (high, value);
          count++;
        }
      AT (band->mean, i) = count > 0 ? sum / count : NAN;
      AT (band->min, i) = count > 0 ? low : NAN;
      AT (band->max, i) = count > 0 ? high : NAN;
      g_array_index (band->count, guint, i) = count;
    }
}

CepCurveBand *
cep_curve_band_new (const CepCurveRef *curves,
                    guint              n_curves,
                    guint              max_points)
{
  g_autofree CleanCurve *clean = NULL;
  CepCurveBand *band;

  g_return_val_if_fail (n_curves == 0 || curves != NULL, NULL);

  clean = g_new0 (CleanCurve, MAX (n_curves, 1));
  band = g_new0 (CepCurveBand, 1);
  max_points = MAX (max_points, 2);
  for (guint c = 0; c < n_curves; c++)
    clean_curve (&curves[c], &clean[c]);
  band->x = make_grid (clean, n_curves, max_points);
  band->mean = new_doubles (band->x->len);
  band->min = new_doubles (band->x->len);
  band->max = new_doubles (band->x->len);
  band->count = g_array_sized_new (FALSE, FALSE, sizeof (guint), band->x->len);
  g_array_set_size (band->count, band->x->len);
  fill_statistics (band, clean, n_curves);
  for (guint c = 0; c < n_curves; c++)
    {
      g_array_unref (clean[c].x);
      g_array_unref (clean[c].y);
    }
  return band;
}

void
cep_curve_band_free (CepCurveBand *band)
{
  if (band == NULL)
    return;
  g_array_unref (band->x);
  g_array_unref (band->mean);
  g_array_unref (band->min);
  g_array_unref (band->max);
  g_array_unref (band->count);
  g_free (band);
}
