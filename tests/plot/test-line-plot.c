/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-line-plot.c: series positions, NaN gaps, log axes, min/max reduction, epoch markers,
 * panels, legend colours and bands.
 */
#include <math.h>

#include "cep-colormap.h"
#include "cep-line-plot.h"
#include "cep-plot-test-util.h"

#define WIDTH 640
#define HEIGHT 420

static void
draw_plot (cairo_t *cr,
           double   width,
           double   height,
           gpointer plot)
{
  cep_line_plot_draw (plot, cr, width, height);
}

static void
compute_layout (const CepLinePlot *plot,
                CepLinePlotLayout *layout)
{
  cairo_t *cr = cep_test_scratch_context ();

  cep_line_plot_compute_layout (plot, cr, WIDTH, HEIGHT, layout);
  cairo_destroy (cr);
}

static gboolean
is_red (guint32 pixel)
{
  return ((pixel >> 16) & 0xff) > 200 && ((pixel >> 8) & 0xff) < 60 && (pixel & 0xff) < 60;
}

static void
init_single_panel (CepLinePlot   *plot,
                   CepLineSeries *series,
                   double         y_min,
                   double         y_max)
{
  cep_line_plot_init (plot);
  plot->series = series;
  plot->n_series = 1;
  plot->panels[0].y_min = y_min;
  plot->panels[0].y_max = y_max;
  plot->x_kind = CEP_PLOT_TICKS_NUMBER;
  series->color = cep_rgba_from_hex (0xff0000, 1.0);
  series->line_width = 3.0;
}

/* A constant series at 0.5 on a 0..1 axis lies on the middle row, from end to end, except
 * where NaN breaks it. */
static void
test_position_and_gap (void)
{
  double x[11], y[11];
  CepLineSeries series = { .name = "constant", .x = x, .y = y, .n = 11 };
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *image;
  double row;

  for (guint i = 0; i < 11; i++)
    {
      x[i] = i;
      y[i] = i == 5 ? NAN : 0.5;
    }
  init_single_panel (&plot, &series, 0.0, 1.0);
  compute_layout (&plot, &layout);
  g_assert_cmpfloat (layout.x_axis.min, ==, 0.0);
  g_assert_cmpfloat (layout.x_axis.max, ==, 10.0);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  cep_test_keep_image (image, "line-gap.png");
  row = cep_plot_axis_to_pixel (&layout.y_axes[0], 0.5);
  g_assert_cmpfloat (row, ==, layout.areas[0].y + layout.areas[0].height / 2);
  for (double v = 0.1; v < 3.9; v += 0.1)
    g_assert_true (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, v),
                                              row)));
  for (double v = 6.1; v < 9.9; v += 0.1)
    g_assert_true (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, v),
                                              row)));
  /* The gap spans the two segments that touch the NaN point (4..6), minus the round caps. */
  for (double v = 4.1; v < 5.9; v += 0.05)
    g_assert_false (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, v),
                                               row)));
  /* Nothing red above or below the line. */
  g_assert_false (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, 2),
                                             row - 4)));
  cairo_surface_destroy (image);
}

/* On a log axis from 0.1 to 10, the value 1 sits in the middle; non-positive values are
 * gaps rather than errors. */
static void
test_log_axis (void)
{
  double y[5] = { 1.0, 1.0, 0.0, 1.0, 1.0 };
  CepLineSeries series = { .name = "loss", .y = y, .n = 5 };
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *image;
  double row;

  init_single_panel (&plot, &series, 0.1, 10.0);
  plot.panels[0].y_scale = CEP_PLOT_SCALE_LOG10;
  compute_layout (&plot, &layout);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  row = layout.areas[0].y + layout.areas[0].height / 2;
  g_assert_cmpfloat_with_epsilon (cep_plot_axis_to_pixel (&layout.y_axes[0], 1.0), row, 1e-9);
  g_assert_true (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, 0.5),
                                            row)));
  g_assert_false (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, 2),
                                             row)));
  cairo_surface_destroy (image);
}

/* The red series' band at a fifth of its opacity over white. */
static gboolean
is_pink (guint32 pixel)
{
  int red = (pixel >> 16) & 0xff, green = (pixel >> 8) & 0xff, blue = pixel & 0xff;

  return red > 240 && green > 180 && green < 230 && blue > 180 && blue < 230;
}

/* A band is filled between its low and high edges under the line, broken where an edge is
 * NaN; its edges count when the y range is fitted. */
static void
test_band (void)
{
  double x[11], y[11], low[11], high[11];
  CepLineSeries series = { .name = "mean", .x = x, .y = y, .n = 11, .band_low = low,
                           .band_high = high };
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *image;

  for (guint i = 0; i < 11; i++)
    {
      x[i] = i;
      y[i] = 0.5;
      low[i] = i == 5 ? NAN : 0.3;
      high[i] = 0.7;
    }
  init_single_panel (&plot, &series, 0.0, 1.0);
  compute_layout (&plot, &layout);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  cep_test_keep_image (image, "line-band.png");
#define PIXEL(vx, vy) cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, (vx)), \
                                         cep_plot_axis_to_pixel (&layout.y_axes[0], (vy)))
  g_assert_true (is_pink (PIXEL (2.5, 0.35)));
  g_assert_true (is_pink (PIXEL (8.5, 0.65)));
  g_assert_true (is_red (PIXEL (2.5, 0.5)));
  g_assert_false (is_pink (PIXEL (2.5, 0.75)));
  g_assert_false (is_pink (PIXEL (2.5, 0.25)));
  g_assert_false (is_pink (PIXEL (5, 0.35)));
#undef PIXEL
  cairo_surface_destroy (image);

  /* Fitted: the band's top, not the line's, sets the range. */
  high[2] = 1.7;
  plot.panels[0].y_min = NAN;
  plot.panels[0].y_max = NAN;
  compute_layout (&plot, &layout);
  g_assert_cmpfloat (layout.y_axes[0].max, >=, 1.7);
}

/* Red at half coverage or more (grey text is not). */
static gboolean
is_reddish (guint32 pixel)
{
  int red = (pixel >> 16) & 0xff, green = (pixel >> 8) & 0xff, blue = pixel & 0xff;

  return red - MAX (green, blue) >= 128;
}

/* Extent of red pixels in one column of @area: FALSE if there are none. */
static gboolean
red_extent (cairo_surface_t   *image,
            const CepPlotRect *area,
            int                x,
            int               *top,
            int               *bottom)
{
  *top = G_MAXINT;
  *bottom = -1;
  for (int y = (int) area->y; y < area->y + area->height; y++)
    if (is_reddish (cep_test_pixel (image, x, y)))
      {
        *top = MIN (*top, y);
        *bottom = MAX (*bottom, y);
      }
  return *bottom >= 0;
}

/* The red pixels of column @x in @image lie within those of columns x-1..x+1 in @other, give
 * or take a pixel: a stroke half a pixel wide may spill into a neighbouring column. */
static void
check_column_within (cairo_surface_t   *image,
                     cairo_surface_t   *other,
                     const CepPlotRect *area,
                     int                x)
{
  int top, bottom, other_top = G_MAXINT, other_bottom = -1;

  g_assert_true (red_extent (image, area, x, &top, &bottom));
  for (int dx = -1; dx <= 1; dx++)
    {
      int t, b;

      if (red_extent (other, area, x + dx, &t, &b))
        {
          other_top = MIN (other_top, t);
          other_bottom = MAX (other_bottom, b);
        }
    }
  g_assert_cmpint (top, >=, other_top - 1);
  g_assert_cmpint (bottom, <=, other_bottom + 1);
}

typedef struct
{
  const CepLinePlotLayout *layout;
  const double            *y;
  gsize                    n;
} Reference;

/* Every point joined by a plain cairo path: what the reduced path must look like. */
static void
draw_reference (cairo_t *cr,
                double   width,
                double   height,
                gpointer data)
{
  Reference *reference = data;
  const CepLinePlotLayout *layout = reference->layout;

  cairo_rectangle (cr, layout->areas[0].x, layout->areas[0].y, layout->areas[0].width,
                   layout->areas[0].height);
  cairo_clip (cr);
  for (gsize i = 0; i < reference->n; i++)
    cairo_line_to (cr, cep_plot_axis_to_pixel (&layout->x_axis, i),
                   cep_plot_axis_to_pixel (&layout->y_axes[0], reference->y[i]));
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_set_line_width (cr, 1.0);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke (cr);
}

/* Noisy points become at most four per pixel column (drawn as spans from four points per
 * column on), yet the picture is the full path's, up to the half-pixel spill of strokes into
 * the next column. (Cairo takes seconds to stroke a full 100k-point reference, so the test
 * stops at 20k; bench-plot measures 100k.) */
static void
check_reduction (gsize n)
{
  g_autofree double *y = g_new (double, n);
  CepLineSeries series = { .name = "step loss", .y = y, .n = n };
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *reduced, *full;
  Reference reference;
  guint32 state = 12345;

  for (gsize i = 0; i < n; i++)
    {
      state = state * 1664525u + 1013904223u;
      y[i] = 2.0 * exp (-(double) i / (0.3 * n)) + 0.3 * (state >> 8) / 16777216.0;
    }
  init_single_panel (&plot, &series, 0.0, 2.5);
  series.line_width = 1.0;
  compute_layout (&plot, &layout);
  reduced = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  cep_test_keep_image (reduced, n > 10000 ? "line-dense.png" : "line-sparse.png");
  reference = (Reference) { &layout, y, n };
  full = cep_test_render (WIDTH, HEIGHT, draw_reference, &reference);
  for (int x = (int) layout.areas[0].x + 2;
       x < (int) (layout.areas[0].x + layout.areas[0].width) - 2; x++)
    {
      check_column_within (reduced, full, &layout.areas[0], x);
      check_column_within (full, reduced, &layout.areas[0], x);
    }
  cairo_surface_destroy (reduced);
  cairo_surface_destroy (full);
}

static void
test_min_max_reduction (void)
{
  check_reduction (1500);    /* about 2.6 points per column: a reduced, chunked stroke */
  check_reduction (20000);   /* about 35: spans per column */
}

/* A finite point between NaNs, and marker series, still show up. */
static void
test_isolated_points_and_markers (void)
{
  double y[5] = { NAN, NAN, 0.5, NAN, NAN };
  double mx[1] = { 1.0 }, my[1] = { 0.25 };
  CepLineSeries series[2] = {
    { .name = "isolated", .y = y, .n = 5, .color = { 1, 0, 0, 1 }, .line_width = 3.0 },
    { .name = "marker", .x = mx, .y = my, .n = 1, .color = { 1, 0, 0, 1 }, .markers = TRUE },
  };
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *image;

  cep_line_plot_init (&plot);
  plot.series = series;
  plot.n_series = 2;
  plot.panels[0].y_min = 0.0;
  plot.panels[0].y_max = 1.0;
  compute_layout (&plot, &layout);
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  g_assert_true (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, 2),
                                            cep_plot_axis_to_pixel (&layout.y_axes[0], 0.5))));
  g_assert_true (is_red (cep_test_pixel_at (image, cep_plot_axis_to_pixel (&layout.x_axis, 1),
                                            cep_plot_axis_to_pixel (&layout.y_axes[0], 0.25))));
  cairo_surface_destroy (image);
}

static void
init_training (CepLinePlot   *plot,
               CepLineSeries *series,
               double        *x,
               double        *loss,
               double        *accuracy)
{
  for (guint i = 0; i < 40; i++)
    {
      x[i] = i + 1;
      loss[i] = 3.0 * exp (-(double) i / 10.0) + 0.5;
      accuracy[i] = 0.8 - 0.6 * exp (-(double) i / 10.0);
    }
  series[0] = (CepLineSeries) { .name = "train", .x = x, .y = loss, .n = 40, .panel = 0 };
  series[1] = (CepLineSeries) { .name = "dev", .x = x, .y = loss, .n = 40, .panel = 0,
                                .dashed = TRUE };
  series[2] = (CepLineSeries) { .name = "train", .x = x, .y = accuracy, .n = 40, .panel = 1 };
  cep_line_plot_init_training (plot, TRUE);
  plot->series = series;
  plot->n_series = 3;
  plot->title = "Training";
  plot->x_label = "Step";
}

/* Two panels share the x axis and never overlap; a name keeps its colour across panels. */
static void
test_two_panels (void)
{
  double x[40], loss[40], accuracy[40];
  CepLineSeries series[3];
  CepLinePlot plot;
  CepLinePlotLayout layout;
  CepRgba train_loss, train_accuracy, dev;

  init_training (&plot, series, x, loss, accuracy);
  compute_layout (&plot, &layout);
  g_assert_cmpuint (layout.n_panels, ==, 2);
  g_assert_cmpfloat (layout.areas[0].x, ==, layout.areas[1].x);
  g_assert_cmpfloat (layout.areas[0].width, ==, layout.areas[1].width);
  g_assert_cmpfloat (layout.areas[0].y + layout.areas[0].height, <, layout.areas[1].y - 10);
  g_assert_cmpfloat (layout.areas[1].y + layout.areas[1].height, <, HEIGHT - 20);
  g_assert_cmpfloat (layout.areas[0].x, >, 20);
  g_assert_cmpint (layout.y_axes[0].scale, ==, CEP_PLOT_SCALE_LOG10);
  /* Accuracy fractions are shown in per cent, on a range rounded out to its ticks. */
  g_assert_cmpfloat (layout.y_axes[1].display_scale, ==, 100.0);
  g_assert_cmpfloat (layout.y_axes[1].min, <=, 0.2);
  g_assert_cmpfloat (layout.y_axes[1].max, >=, 0.8 - 0.6 * exp (-3.9));
  train_loss = cep_line_plot_series_color (&plot, 0);
  dev = cep_line_plot_series_color (&plot, 1);
  train_accuracy = cep_line_plot_series_color (&plot, 2);
  g_assert_cmphex (cep_rgba_to_argb (&train_loss), ==, cep_rgba_to_argb (&train_accuracy));
  g_assert_cmphex (cep_rgba_to_argb (&train_loss), !=, cep_rgba_to_argb (&dev));
}

static gboolean
near_mark (const CepLinePlotLayout *layout,
           const double            *marks,
           guint                    n_marks,
           int                      x)
{
  for (guint m = 0; m < n_marks; m++)
    if (ABS (x - (int) floor (cep_plot_axis_to_pixel (&layout->x_axis, marks[m]))) <= 1)
      return TRUE;
  return FALSE;
}

/* Epoch markers change exactly the columns where the epochs end. Marks outside the x range
 * give the reference picture with the same layout (the epoch label row is reserved). */
static void
test_epoch_marks (void)
{
  double x[40], loss[40], accuracy[40], marks[3] = { 13.3, 26.7, 40.0 };
  double outside[3] = { 1000, 1001, 1002 };
  CepLineSeries series[3];
  CepLinePlot plot;
  CepLinePlotLayout layout;
  cairo_surface_t *plain, *marked;
  guint changed = 0;

  init_training (&plot, series, x, loss, accuracy);
  plot.n_series = 0;
  plot.show_legend = FALSE;
  plot.x_min = 0;
  plot.x_max = 40;
  plot.n_epoch_marks = G_N_ELEMENTS (marks);
  plot.epoch_marks = outside;
  compute_layout (&plot, &layout);
  plain = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  plot.epoch_marks = marks;
  marked = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  cep_test_keep_image (marked, "line-epochs.png");
  for (guint p = 0; p < 2; p++)
    for (int y = (int) layout.areas[p].y; y < layout.areas[p].y + layout.areas[p].height; y++)
      for (int column = (int) layout.areas[p].x;
           column < layout.areas[p].x + layout.areas[p].width; column++)
        if (cep_test_pixel (plain, column, y) != cep_test_pixel (marked, column, y))
          {
            g_assert_true (near_mark (&layout, marks, G_N_ELEMENTS (marks), column));
            changed++;
          }
  g_assert_cmpuint (changed, >, 100);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (marked);
}

/* Nothing but the background and decorations when there is no data at all. */
static void
test_empty (void)
{
  CepLinePlot plot;
  cairo_surface_t *image;

  cep_line_plot_init (&plot);
  plot.title = "Nothing yet";
  image = cep_test_render (WIDTH, HEIGHT, draw_plot, &plot);
  g_assert_nonnull (image);
  cairo_surface_destroy (image);
}

/* The faint per-step loss keeps its alpha on the light style and is doubled on the dark one,
 * where the same alpha all but disappears; opaque series are untouched on both. */
static void
test_faint_series_on_dark (void)
{
  CepLinePlot plot;
  CepLineSeries series[2] = { { 0 } };
  CepPlotStyle dark;

  cep_plot_style_init_dark (&dark);
  series[0].name = "per step";
  series[0].color = cep_rgba_from_hex (0x1c71d8, 0.3);
  series[1].name = "smoothed";
  series[1].color = cep_rgba_from_hex (0x1c71d8, 1.0);
  cep_line_plot_init (&plot);
  plot.series = series;
  plot.n_series = 2;
  g_assert_cmpfloat_with_epsilon (cep_line_plot_series_color (&plot, 0).alpha, 0.3, 1e-12);
  plot.style = &dark;
  g_assert_cmpfloat_with_epsilon (cep_line_plot_series_color (&plot, 0).alpha, 0.6, 1e-12);
  g_assert_cmpfloat (cep_line_plot_series_color (&plot, 1).alpha, ==, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/line-plot/position-and-gap", test_position_and_gap);
  g_test_add_func ("/plot/line-plot/log-axis", test_log_axis);
  g_test_add_func ("/plot/line-plot/min-max-reduction", test_min_max_reduction);
  g_test_add_func ("/plot/line-plot/isolated-points-and-markers",
                   test_isolated_points_and_markers);
  g_test_add_func ("/plot/line-plot/two-panels", test_two_panels);
  g_test_add_func ("/plot/line-plot/epoch-marks", test_epoch_marks);
  g_test_add_func ("/plot/line-plot/empty", test_empty);
  g_test_add_func ("/plot/line-plot/band", test_band);
  g_test_add_func ("/plot/line-plot/faint-series-on-dark", test_faint_series_on_dark);

  return g_test_run ();
}
