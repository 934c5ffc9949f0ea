/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-axis.c: data-to-pixel mapping and nice tick values.
 *
 * Owns the arithmetic of axes: range mapping, 1-2-5 steps, log decades and tick label text.
 * Must not draw; renderers place the ticks it computes.
 */
#define G_LOG_DOMAIN "cepstra-plot-axis"

#include "cep-plot-axis.h"

#include <math.h>
#include <stdio.h>

/* Tolerance, relative to a step, for a tick to count as lying inside the range. */
#define TICK_EPSILON 1e-9

double
cep_plot_nice_step (double span,
                    guint  max_ticks)
{
  static const double mantissas[] = { 1.0, 2.0, 5.0, 10.0 };
  double raw, power;

  g_return_val_if_fail (max_ticks >= 2, 1.0);

  if (!(span > 0.0) || !isfinite (span))
    return 1.0;
  /* Multiples of a step inside a range number at most floor (span / step) + 1, whatever the
   * alignment, so a step of at least span / (max_ticks - 1) keeps to max_ticks. */
  raw = span / (max_ticks - 1);
  power = pow (10.0, floor (log10 (raw)));
  for (guint i = 0; i < G_N_ELEMENTS (mantissas); i++)
    if (mantissas[i] * power >= raw * (1.0 - TICK_EPSILON))
      return mantissas[i] * power;
  return 20.0 * power;
}

void
cep_plot_axis_init (CepPlotAxis *axis,
                    double       min,
                    double       max,
                    double       pixel_min,
                    double       pixel_max)
{
  g_return_if_fail (axis != NULL);

  if (!isfinite (min) || !isfinite (max))
    {
      min = 0.0;
      max = 1.0;
    }
  if (min > max)
    {
      double swap = min;
      min = max;
      max = swap;
    }
  if (min == max)
    {
      double pad = fabs (min) > 0.0 ? fabs (min) * 0.05 : 0.5;
      min -= pad;
      max += pad;
    }
  axis->min = min;
  axis->max = max;
  axis->pixel_min = pixel_min;
  axis->pixel_max = pixel_max;
  axis->scale = CEP_PLOT_SCALE_LINEAR;
  axis->kind = CEP_PLOT_TICKS_NUMBER;
  axis->display_scale = 1.0;
}

void
cep_plot_axis_set_log (CepPlotAxis *axis)
{
  g_return_if_fail (axis != NULL);

  axis->scale = CEP_PLOT_SCALE_LOG10;
  if (!(axis->min > 0.0 && axis->max > axis->min))
    {
      axis->min = 1e-3;
      axis->max = 1.0;
    }
}

static void
expand_linear (CepPlotAxis *axis,
               guint        max_ticks)
{
  double scale = axis->display_scale;
  double step = cep_plot_nice_step ((axis->max - axis->min) * scale, max_ticks);

  if (axis->kind == CEP_PLOT_TICKS_INTEGER)
    step = MAX (step, 1.0);
  axis->min = floor (axis->min * scale / step + TICK_EPSILON) * step / scale;
  axis->max = ceil (axis->max * scale / step - TICK_EPSILON) * step / scale;
}

void
cep_plot_axis_expand_to_ticks (CepPlotAxis *axis,
                               guint        max_ticks)
{
  g_return_if_fail (axis != NULL);

  if (axis->scale == CEP_PLOT_SCALE_LOG10)
    {
      axis->min = pow (10.0, floor (log10 (axis->min) + TICK_EPSILON));
      axis->max = pow (10.0, ceil (log10 (axis->max) - TICK_EPSILON));
      return;
    }
  expand_linear (axis, max_ticks);
}

static double
axis_fraction (const CepPlotAxis *axis,
               double             value)
{
  if (axis->scale == CEP_PLOT_SCALE_LOG10)
    return (log10 (value) - log10 (axis->min)) / (log10 (axis->max) - log10 (axis->min));
  return (value - axis->min) / (axis->max - axis->min);
}

double
cep_plot_axis_to_pixel (const CepPlotAxis *axis,
                        double             value)
{
  return axis->pixel_min + axis_fraction (axis, value) * (axis->pixel_max - axis->pixel_min);
}

double
cep_plot_axis_from_pixel (const CepPlotAxis *axis,
                          double             pixel)
{
  double fraction = (pixel - axis->pixel_min) / (axis->pixel_max - axis->pixel_min);

  if (axis->scale == CEP_PLOT_SCALE_LOG10)
    return pow (10.0, log10 (axis->min) + fraction * (log10 (axis->max) - log10 (axis->min)));
  return axis->min + fraction * (axis->max - axis->min);
}

guint
cep_plot_axis_max_ticks (const CepPlotAxis *axis,
                         double             min_spacing)
{
  double length = fabs (axis->pixel_max - axis->pixel_min);
  double fit = min_spacing > 0.0 ? floor (length / min_spacing) + 1.0 : CEP_PLOT_MAX_TICKS;

  return (guint) CLAMP (fit, 2.0, (double) CEP_PLOT_MAX_TICKS);
}

static void
ticks_add (CepPlotTicks *ticks,
           double        value)
{
  if (ticks->n < CEP_PLOT_MAX_TICKS)
    ticks->values[ticks->n++] = value;
}

static void
linear_ticks (const CepPlotAxis *axis,
              guint              max_ticks,
              CepPlotTicks      *ticks)
{
  double scale = axis->display_scale;
  double step = cep_plot_nice_step ((axis->max - axis->min) * scale, max_ticks);
  double first, last;

  if (axis->kind == CEP_PLOT_TICKS_INTEGER)
    step = MAX (step, 1.0);
  ticks->step = step;
  first = ceil (axis->min * scale / step - TICK_EPSILON);
  last = floor (axis->max * scale / step + TICK_EPSILON);
  for (double k = first; k <= last; k += 1.0)
    ticks_add (ticks, k * step / scale);
}

/* Decade ticks, with the mantissas in @mantissas between them. */
static void
log_ticks_with (const CepPlotAxis *axis,
                const double      *mantissas,
                guint              n_mantissas,
                CepPlotTicks      *ticks)
{
  double low = floor (log10 (axis->min)), high = ceil (log10 (axis->max));

  ticks->n = 0;
  for (double decade = low; decade <= high; decade += 1.0)
    for (guint i = 0; i < n_mantissas; i++)
      {
        double value = mantissas[i] * pow (10.0, decade);

        if (value >= axis->min * (1.0 - TICK_EPSILON) && value <= axis->max * (1.0 + TICK_EPSILON))
          ticks_add (ticks, value);
      }
}

static void
log_ticks (const CepPlotAxis *axis,
           guint              max_ticks,
           CepPlotTicks      *ticks)
{
  static const double decades[] = { 1.0 };
  static const double one_two_five[] = { 1.0, 2.0, 5.0 };
  static const double one_two_three_five[] = { 1.0, 2.0, 3.0, 5.0 };
  static const double all_digits[] = { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0 };
  /* A few steps of a run's loss (2.9 to 3.9) hold one digit at most: halves between them. */
  static const double half_digits[] = { 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0,
                                        8.0, 9.0 };
  static const struct { const double *mantissas; guint n; } sets[] = {
    { decades, G_N_ELEMENTS (decades) },
    { one_two_five, G_N_ELEMENTS (one_two_five) },
    { one_two_three_five, G_N_ELEMENTS (one_two_three_five) },
    { all_digits, G_N_ELEMENTS (all_digits) },
    { half_digits, G_N_ELEMENTS (half_digits) },
  };
  CepPlotTicks candidate;

  /* Short ranges (a loss between 0.8 and 3.7) need ticks between the decades: take denser
   * sets until there are three ticks, as long as they stay within max_ticks. */
  log_ticks_with (axis, decades, 1, ticks);
  ticks->step = candidate.step = 0.0;
  for (guint i = 1; i < G_N_ELEMENTS (sets) && ticks->n < 3; i++)
    {
      log_ticks_with (axis, sets[i].mantissas, sets[i].n, &candidate);
      if (candidate.n > max_ticks)
        break;
      *ticks = candidate;
    }
}

void
cep_plot_axis_get_ticks (const CepPlotAxis *axis,
                         guint              max_ticks,
                         CepPlotTicks      *ticks)
{
  g_return_if_fail (axis != NULL && ticks != NULL);

  ticks->n = 0;
  max_ticks = CLAMP (max_ticks, 2, CEP_PLOT_MAX_TICKS);
  if (axis->scale == CEP_PLOT_SCALE_LOG10)
    log_ticks (axis, max_ticks, ticks);
  else
    linear_ticks (axis, max_ticks, ticks);
}

static int
decimals_for_step (double step)
{
  int decimals = (int) -floor (log10 (step) + TICK_EPSILON);

  return CLAMP (decimals, 0, 9);
}

static double
largest_tick (const CepPlotAxis  *axis,
              const CepPlotTicks *ticks)
{
  double largest = 0.0;

  for (guint i = 0; i < ticks->n; i++)
    largest = MAX (largest, fabs (ticks->values[i] * axis->display_scale));
  return largest;
}

static void
format_linear (double  display,
               double  step,
               double  largest,
               char   *buffer,
               gsize   size)
{
  /* "20k" reads better than "20000" on a step axis, but only when the step is round too; the
   * largest tick decides, so that one axis never mixes "8000" and "10k". */
  if (largest >= 1e6 && step >= 1e5)
    g_snprintf (buffer, size, "%.*fM", decimals_for_step (step / 1e6), display / 1e6);
  else if (largest >= 1e4 && step >= 1e3)
    g_snprintf (buffer, size, "%.*fk", decimals_for_step (step / 1e3), display / 1e3);
  else
    g_snprintf (buffer, size, "%.*f", decimals_for_step (step), display);
}

/* Decades read as "10k", "1M" like the linear axes' thousands, not "1e+06" or "100000"; as
 * there, an axis that reaches 10 000 writes its 1000 as "1k" so that it never mixes styles. */
static void
format_log (double display,
            double largest,
            char  *buffer,
            gsize  size)
{
  double magnitude = fabs (display);

  if (magnitude >= 1e9 - 0.5)
    g_snprintf (buffer, size, "%gG", display / 1e9);
  else if (magnitude >= 1e6 - 0.5)
    g_snprintf (buffer, size, "%gM", display / 1e6);
  else if (magnitude >= 1e3 - 0.5 && largest >= 1e4 - 0.5)
    g_snprintf (buffer, size, "%gk", display / 1e3);
  else
    g_snprintf (buffer, size, "%g", display);
}

void
cep_plot_axis_format_tick (const CepPlotAxis  *axis,
                           const CepPlotTicks *ticks,
                           double              value,
                           char               *buffer,
                           gsize               size)
{
  double display = value * axis->display_scale;

  g_return_if_fail (buffer != NULL && size > 0);

  if (axis->scale == CEP_PLOT_SCALE_LOG10)
    {
      format_log (display, fabs (axis->max * axis->display_scale), buffer, size);
      return;
    }
  if (!(ticks->step > 0.0))
    {
      g_snprintf (buffer, size, "%g", display);
      return;
    }
  /* Zero is "0" on any axis: no "-0.0", no "0k". */
  if (fabs (display) < ticks->step * TICK_EPSILON)
    {
      g_snprintf (buffer, size, "%.*f", decimals_for_step (ticks->step), 0.0);
      if (largest_tick (axis, ticks) >= 1e4 && ticks->step >= 1e3)
        g_snprintf (buffer, size, "0");
      return;
    }
  format_linear (display, ticks->step, MAX (largest_tick (axis, ticks), fabs (display)), buffer,
                 size);
}

gboolean
cep_plot_range_of_doubles (const double *values,
                           gsize         n,
                           double       *min,
                           double       *max)
{
  double low = INFINITY, high = -INFINITY;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        low = MIN (low, values[i]);
        high = MAX (high, values[i]);
      }
  *min = low;
  *max = high;
  return low <= high;
}

gboolean
cep_plot_range_of_floats (const float *values,
                          gsize        n,
                          double      *min,
                          double      *max)
{
  float low = INFINITY, high = -INFINITY;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      {
        low = MIN (low, values[i]);
        high = MAX (high, values[i]);
      }
  *min = low;
  *max = high;
  return low <= high;
}
