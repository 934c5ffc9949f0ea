/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-axis.h: mapping a data range onto pixels and choosing tick values.
 *
 * An axis maps [min, max] (data units) linearly or logarithmically onto [pixel_min,
 * pixel_max]; for a y axis pixel_min is the larger, bottom coordinate. Ticks are "nice":
 * multiples of 1, 2 or 5 times a power of ten in display units, where display = data *
 * display_scale (a frame index shown in seconds uses the frame shift; a fraction shown in per
 * cent uses 100). Integer axes never step below 1; log axes tick at decades (and 2 and 5
 * between them when the range spans less than two decades).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CEP_PLOT_SCALE_LINEAR,
  CEP_PLOT_SCALE_LOG10,
} CepPlotScale;

typedef enum
{
  CEP_PLOT_TICKS_NUMBER,   /* any 1-2-5 step */
  CEP_PLOT_TICKS_INTEGER,  /* steps of at least 1 display unit (steps, epochs, indices) */
} CepPlotTickKind;

typedef struct
{
  double          min;             /* data value at pixel_min */
  double          max;             /* data value at pixel_max */
  double          pixel_min;
  double          pixel_max;
  CepPlotScale    scale;
  CepPlotTickKind kind;
  double          display_scale;   /* display value = data value * display_scale */
} CepPlotAxis;

#define CEP_PLOT_MAX_TICKS 64

typedef struct
{
  guint  n;
  double step;                        /* display units; 0 on log axes */
  double values[CEP_PLOT_MAX_TICKS];  /* data units, ascending */
} CepPlotTicks;

/* The smallest step of the form {1, 2, 5} x 10^k such that a range of @span holds at most
 * @max_ticks ticks (max_ticks >= 2). */
double   cep_plot_nice_step          (double             span,
                                      guint              max_ticks);

/* Linear, number ticks, display_scale 1. A degenerate range (min == max, or not finite) is
 * widened so that the mapping stays defined. */
void     cep_plot_axis_init          (CepPlotAxis       *axis,
                                      double             min,
                                      double             max,
                                      double             pixel_min,
                                      double             pixel_max);
/* Switches to log10; a range that is not positive is replaced by [1e-3, 1]. */
void     cep_plot_axis_set_log       (CepPlotAxis       *axis);
/* Widens [min, max] outwards to the nice step (linear) or whole decades (log). */
void     cep_plot_axis_expand_to_ticks (CepPlotAxis     *axis,
                                        guint            max_ticks);

double   cep_plot_axis_to_pixel      (const CepPlotAxis *axis,
                                      double             value);
double   cep_plot_axis_from_pixel    (const CepPlotAxis *axis,
                                      double             pixel);

/* How many ticks fit along the axis when neighbours must be @min_spacing pixels apart. */
guint    cep_plot_axis_max_ticks     (const CepPlotAxis *axis,
                                      double             min_spacing);
void     cep_plot_axis_get_ticks     (const CepPlotAxis *axis,
                                      guint              max_ticks,
                                      CepPlotTicks      *ticks);
/* Writes the display value of @value with as many decimals as @ticks' step needs ("0.05",
 * "250"; "20k" and "2M" on axes whose ticks reach 10 000 with round steps; "%g" style on log
 * axes). */
void     cep_plot_axis_format_tick   (const CepPlotAxis  *axis,
                                      const CepPlotTicks *ticks,
                                      double              value,
                                      char               *buffer,
                                      gsize               size);

/* Smallest and largest finite values (NaN and infinities skipped); FALSE if there is none. */
gboolean cep_plot_range_of_doubles   (const double      *values,
                                      gsize              n,
                                      double            *min,
                                      double            *max);
gboolean cep_plot_range_of_floats    (const float       *values,
                                      gsize              n,
                                      double            *min,
                                      double            *max);

G_END_DECLS
