/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-line-plot-path.c: turning a long series into few drawing operations.
 *
 * Points falling into one pixel column are reduced to the ones that shape that column: the
 * first, the lowest, the highest (where they really are, in their order) and the last. Sparse
 * series are then stroked as a path, in short pieces, because cairo's stroker slows down
 * steeply on one long self-overlapping path. Dense series (several points per pixel column)
 * are drawn as what their stroke would cover anyway: per column, one span from the lowest to
 * the highest value, joined halfway to the neighbouring columns, and each run of adjacent
 * columns filled as one outline (tops left to right, bottoms back) rather than a rectangle
 * per column, whose two full-height edges per column make cairo's scan converter walk
 * thousands of edges on every row of a noisy curve. NaN (and values a
 * log axis cannot show) break the line between pixel columns. Must not decide colours or
 * clipping.
 */
#define G_LOG_DOMAIN "cepstra-line-plot"

#include "cep-line-plot-private.h"

#include <math.h>

/* Points per pixel column from which a series is drawn as spans instead of a stroke. */
#define DENSE_POINTS_PER_PIXEL 4.0
/* Segments per stroke call: cheap for cairo, invisible at the joints of opaque lines. */
#define STROKE_CHUNK 48

/* Points that fall into one pixel column, reduced to the four that shape its picture. x is
 * in pixels, y still in data units: the y mapping (a logarithm on log axes) is monotonic, so
 * only the four survivors of a column need it. */
typedef struct
{
  long     column;
  gsize    n;
  double   first_x, first_y;
  double   last_x, last_y;
  double   min_x, min_y;
  double   max_x, max_y;
  gboolean min_before_max;
} Bucket;

typedef struct
{
  cairo_t           *cr;
  const CepPlotAxis *y_axis;
  double             line_width;
  gboolean           dense;
  /* Sparse: the run of connected points being stroked. */
  gsize    run_points;
  gsize    chunk_segments;
  double   run_x, run_y;
  double   last_x, last_y;
  /* Dense: the run of adjacent columns not yet outlined (of Span), where its last column's
   * last point was, and the segments between runs (x0, y0, x1, y1). */
  GArray  *run;
  double   run_last_x, run_last_y;
  GArray  *gaps;
} PathState;

/* One dense column: the pixels its points cover, in device y (top < bottom). */
typedef struct
{
  long   column;
  double top, bottom;
} Span;

/* ---- sparse: a stroked path ---- */

static void
sparse_emit (PathState *state,
             double     x,
             double     y)
{
  if (state->run_points == 0)
    {
      cairo_move_to (state->cr, x, y);
      state->run_x = x;
      state->run_y = y;
    }
  else
    cairo_line_to (state->cr, x, y);
  state->run_points++;
  state->last_x = x;
  state->last_y = y;
  if (state->run_points > 1 && ++state->chunk_segments >= STROKE_CHUNK)
    {
      cairo_stroke (state->cr);
      cairo_move_to (state->cr, x, y);
      state->chunk_segments = 0;
    }
}

/* Ends a run of connected points; a lone point becomes a dot so it does not vanish. */
static void
sparse_pen_up (PathState *state)
{
  if (state->run_points == 1)
    {
      cairo_new_sub_path (state->cr);
      cairo_arc (state->cr, state->run_x, state->run_y, state->line_width / 2, 0, 2 * G_PI);
    }
  state->run_points = 0;
}

static double
to_pixel_y (const PathState *state,
            double           y)
{
  return cep_plot_axis_to_pixel (state->y_axis, y);
}

static void
sparse_flush (const Bucket *bucket,
              PathState    *state)
{
  double low = to_pixel_y (state, bucket->min_y), high = to_pixel_y (state, bucket->max_y);

  sparse_emit (state, bucket->first_x, to_pixel_y (state, bucket->first_y));
  /* The extremes where they really are, in the order they came: the stroke around them
   * covers the pixels the full path would. */
  if (bucket->n > 2 && bucket->min_before_max)
    {
      sparse_emit (state, bucket->min_x, low);
      sparse_emit (state, bucket->max_x, high);
    }
  else if (bucket->n > 2)
    {
      sparse_emit (state, bucket->max_x, high);
      sparse_emit (state, bucket->min_x, low);
    }
  if (bucket->n > 1)
    sparse_emit (state, bucket->last_x, to_pixel_y (state, bucket->last_y));
}

/* ---- dense: spans per pixel column ---- */

/* Outlines the run: along the tops, then back along the bottoms. Adjacent spans overlap (they
 * share the halfway point), so the outline is simple and covers exactly their union. */
static void
dense_outline_run (PathState *state)
{
  double half = state->line_width / 2;
  guint n = state->run->len;
  const Span *spans = (const Span *) state->run->data;

  if (n == 0)
    return;
  cairo_new_sub_path (state->cr);
  for (guint i = 0; i < n; i++)
    {
      cairo_line_to (state->cr, spans[i].column, spans[i].top - half);
      cairo_line_to (state->cr, spans[i].column + 1, spans[i].top - half);
    }
  for (guint i = n; i-- > 0;)
    {
      cairo_line_to (state->cr, spans[i].column + 1, spans[i].bottom + half);
      cairo_line_to (state->cr, spans[i].column, spans[i].bottom + half);
    }
  cairo_close_path (state->cr);
  g_array_set_size (state->run, 0);
}

static void
dense_add_gap (PathState *state,
               double     first_x,
               double     first_y)
{
  double segment[4] = { state->run_last_x, state->run_last_y, first_x, first_y };

  if (state->gaps == NULL)
    state->gaps = g_array_new (FALSE, FALSE, sizeof segment);
  g_array_append_val (state->gaps, segment);
}

static void
dense_flush (const Bucket *bucket,
             PathState    *state)
{
  double low = to_pixel_y (state, bucket->min_y), high = to_pixel_y (state, bucket->max_y);
  double first_y = to_pixel_y (state, bucket->first_y);
  Span span = { bucket->column, MIN (low, high), MAX (low, high) };
  Span *previous = state->run->len > 0 ? &g_array_index (state->run, Span, state->run->len - 1)
                                       : NULL;

  if (previous != NULL && previous->column == bucket->column - 1)
    {
      /* Neighbours meet halfway between the last point of one and the first of the next. */
      double middle = (state->run_last_y + first_y) / 2;

      previous->top = MIN (previous->top, middle);
      previous->bottom = MAX (previous->bottom, middle);
      span.top = MIN (span.top, middle);
      span.bottom = MAX (span.bottom, middle);
    }
  else if (previous != NULL)
    {
      dense_add_gap (state, bucket->first_x, first_y);
      dense_outline_run (state);
    }
  g_array_append_val (state->run, span);
  state->run_last_x = bucket->last_x;
  state->run_last_y = to_pixel_y (state, bucket->last_y);
}

static void
dense_finish (PathState *state)
{
  dense_outline_run (state);
  cairo_fill (state->cr);
  g_array_unref (state->run);
  if (state->gaps == NULL)
    return;
  for (guint i = 0; i < state->gaps->len; i++)
    {
      const double *segment = &g_array_index (state->gaps, double, 4 * i);

      cairo_move_to (state->cr, segment[0], segment[1]);
      cairo_line_to (state->cr, segment[2], segment[3]);
    }
  cairo_stroke (state->cr);
  g_array_unref (state->gaps);
}

/* ---- buckets ---- */

static void
bucket_flush (Bucket    *bucket,
              PathState *state)
{
  if (bucket->n == 0)
    return;
  if (state->dense)
    dense_flush (bucket, state);
  else
    sparse_flush (bucket, state);
  bucket->n = 0;
}

static void
pen_up (PathState *state)
{
  if (state->dense)
    dense_outline_run (state);
  else
    sparse_pen_up (state);
}

static void
bucket_start (Bucket *bucket,
              long    column,
              double  x,
              double  y)
{
  bucket->column = column;
  bucket->n = 1;
  bucket->first_x = bucket->last_x = bucket->min_x = bucket->max_x = x;
  bucket->first_y = bucket->last_y = bucket->min_y = bucket->max_y = y;
  bucket->min_before_max = TRUE;
}

static void
bucket_add (Bucket *bucket,
            double  x,
            double  y)
{
  /* Whichever extreme came last decides the drawing order. */
  if (y < bucket->min_y)
    {
      bucket->min_x = x;
      bucket->min_y = y;
      bucket->min_before_max = FALSE;
    }
  if (y > bucket->max_y)
    {
      bucket->max_x = x;
      bucket->max_y = y;
      bucket->min_before_max = TRUE;
    }
  bucket->last_x = x;
  bucket->last_y = y;
  bucket->n++;
}

/* floor() as a cast where the cast is floor (a call per point costs more than the rest of
 * the walk). */
static inline long
pixel_column (double px)
{
  return px >= 0.0 ? (long) px : (long) floor (px);
}

/* Gaps narrower than a pixel column cannot be seen; ignoring them keeps a series that is
 * invalid at every other point (a log axis under noise around zero) at one bucket per
 * column instead of one per point. */
static void
walk_series (const CepLineSeries *series,
             const CepPlotAxis   *x_axis,
             const CepPlotAxis   *y_axis,
             PathState           *state)
{
  /* The x axis of a line plot is linear: one multiply-add per point. */
  double scale = (x_axis->pixel_max - x_axis->pixel_min) / (x_axis->max - x_axis->min);
  Bucket bucket = { 0 };
  gboolean broken = FALSE;

  for (gsize i = 0; i < series->n; i++)
    {
      double x = _cep_line_series_x (series, i), y = series->y[i];
      double px;
      long column;

      if (!_cep_line_point_visible (y_axis, x, y))
        {
          broken = TRUE;
          continue;
        }
      px = x_axis->pixel_min + (x - x_axis->min) * scale;
      column = pixel_column (px);
      if (bucket.n > 0 && column == bucket.column)
        bucket_add (&bucket, px, y);
      else
        {
          bucket_flush (&bucket, state);
          if (broken)
            pen_up (state);
          bucket_start (&bucket, column, px, y);
        }
      broken = FALSE;
    }
  bucket_flush (&bucket, state);
  pen_up (state);
}

void
_cep_line_series_draw_path (const CepLineSeries *series,
                            cairo_t             *cr,
                            const CepPlotAxis   *x_axis,
                            const CepPlotAxis   *y_axis,
                            double               line_width)
{
  double pixels = fabs (x_axis->pixel_max - x_axis->pixel_min);
  PathState state = { .cr = cr, .y_axis = y_axis, .line_width = line_width };

  state.dense = series->n > DENSE_POINTS_PER_PIXEL * MAX (pixels, 1.0);
  if (state.dense)
    {
      cairo_set_dash (cr, NULL, 0, 0.0);
      state.run = g_array_sized_new (FALSE, FALSE, sizeof (Span), (guint) MIN (pixels, 1e5) + 1);
    }
  walk_series (series, x_axis, y_axis, &state);
  if (state.dense)
    dense_finish (&state);
  else
    cairo_stroke (cr);
}

/* ---- bands ---- */

static gboolean
band_point_visible (const CepLineSeries *series,
                    const CepPlotAxis   *y_axis,
                    gsize                i)
{
  double x = _cep_line_series_x (series, i);

  return _cep_line_point_visible (y_axis, x, series->band_low[i])
         && _cep_line_point_visible (y_axis, x, series->band_high[i]);
}

/* One outline per stretch of visible points: the low edge left to right, the high edge back.
 * Bands come from aligned grids of a few thousand points, so no reduction per column. */
static void
outline_band_stretch (const CepLineSeries *series,
                      cairo_t             *cr,
                      const CepPlotAxis   *x_axis,
                      const CepPlotAxis   *y_axis,
                      gsize                start,
                      gsize                end)
{
  for (gsize i = start; i < end; i++)
    {
      double x = cep_plot_axis_to_pixel (x_axis, _cep_line_series_x (series, i));
      double y = cep_plot_axis_to_pixel (y_axis, series->band_low[i]);

      if (i == start)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  for (gsize i = end; i-- > start;)
    cairo_line_to (cr, cep_plot_axis_to_pixel (x_axis, _cep_line_series_x (series, i)),
                   cep_plot_axis_to_pixel (y_axis, series->band_high[i]));
  cairo_close_path (cr);
}

void
_cep_line_series_fill_band (const CepLineSeries *series,
                            cairo_t             *cr,
                            const CepPlotAxis   *x_axis,
                            const CepPlotAxis   *y_axis)
{
  gsize start = 0;

  cairo_new_path (cr);
  while (start < series->n)
    {
      gsize end;

      if (!band_point_visible (series, y_axis, start))
        {
          start++;
          continue;
        }
      for (end = start; end < series->n && band_point_visible (series, y_axis, end); end++)
        ;
      outline_band_stretch (series, cr, x_axis, y_axis, start, end);
      start = end;
    }
  cairo_fill (cr);
}
