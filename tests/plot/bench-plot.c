/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-plot.c: how long the renderers take to draw what the GUI redraws most.
 *
 *   bench-plot [RUNS]
 *
 * Prints the median, minimum and maximum milliseconds of RUNS draws (default 31) into an
 * image surface of a typical widget size: a 1500 x 28 spectrogram with label tracks (with and
 * without a cached cell image), a 100 000-point line plot, the 40 x 40 confusion matrix and a
 * 200 x 200 dependency matrix. Nothing is asserted: timings depend on the machine.
 */
#include <math.h>
#include <stdlib.h>

#include "cep-heatmap.h"
#include "cep-line-plot.h"
#include "cep-spectrogram-plot.h"

typedef void (*DrawFunc) (cairo_t *cr, double width, double height, gpointer data);

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
bench (const char *name,
       int         width,
       int         height,
       guint       runs,
       DrawFunc    draw,
       gpointer    data)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  g_autofree double *times = g_new (double, runs);

  for (guint i = 0; i < runs; i++)
    {
      cairo_t *cr = cairo_create (image);
      gint64 start = g_get_monotonic_time ();

      draw (cr, width, height, data);
      cairo_surface_flush (image);
      times[i] = (g_get_monotonic_time () - start) / 1000.0;
      cairo_destroy (cr);
    }
  qsort (times, runs, sizeof (double), compare_doubles);
  g_print ("%-44s %4d x %-4d  median %7.3f ms  (min %7.3f, max %7.3f)\n", name, width, height,
           times[runs / 2], times[0], times[runs - 1]);
  cairo_surface_destroy (image);
}

static void
bench_spectrogram (guint runs)
{
  guint frames = 1500, dim = 28;
  g_autofree float *values = g_new (float, frames * dim);
  g_autofree guint8 *labels = g_new (guint8, frames);
  static const char *names[40];
  CepSpectrogramPlot plot;

  for (guint i = 0; i < 40; i++)
    names[i] = "AA";
  for (guint f = 0; f < frames; f++)
    {
      labels[f] = (f / 9) % 40;
      for (guint c = 0; c < dim; c++)
        values[f * dim + c] = sinf (f * 0.05f + c) * (1.0f + c * 0.1f);
    }
  cep_spectrogram_plot_init (&plot);
  plot.values = values;
  plot.n_frames = frames;
  plot.n_coefficients = dim;
  plot.labels = labels;
  plot.label_names = names;
  plot.n_label_names = 40;
  plot.title = "utterance";
  bench ("spectrogram 1500x28 + labels, image rebuilt", 1000, 400, runs,
         cep_spectrogram_plot_draw_func, &plot);
  plot.image = cep_spectrogram_plot_create_image (&plot);
  bench ("spectrogram 1500x28 + labels, cached image", 1000, 400, runs,
         cep_spectrogram_plot_draw_func, &plot);
  plot.first_frame = 500;
  plot.n_visible = 300;
  bench ("spectrogram window of 300 frames, cached", 1000, 400, runs,
         cep_spectrogram_plot_draw_func, &plot);
  cairo_surface_destroy (plot.image);
}

static void
bench_line_plot (guint runs)
{
  gsize n = 100000;
  g_autofree double *y = g_new (double, n);
  CepLineSeries series = { .name = "step loss", .y = y, .n = n };
  CepLinePlot plot;

  for (gsize i = 0; i < n; i++)
    y[i] = 2.0 * exp (-(double) i / 30000.0) + 0.2 * sin (i * 0.7);
  cep_line_plot_init (&plot);
  plot.series = &series;
  plot.n_series = 1;
  plot.x_label = "Step";
  plot.panels[0].y_label = "Loss";
  bench ("line plot, 100 000 points", 900, 500, runs, cep_line_plot_draw_func, &plot);
  plot.panels[0].y_scale = CEP_PLOT_SCALE_LOG10;
  bench ("line plot, 100 000 points, log y", 900, 500, runs, cep_line_plot_draw_func, &plot);
}

static void
bench_heatmaps (guint runs)
{
  static const char *names[40];
  g_autofree float *confusion = g_new (float, 40 * 40);
  g_autofree float *band = g_new (float, 200 * 200);
  CepHeatmap heatmap;

  for (guint i = 0; i < 40; i++)
    names[i] = "ZH";
  for (guint i = 0; i < 40 * 40; i++)
    confusion[i] = (i % 41 == 0) ? 200.0f : (float) (i % 7);
  for (guint i = 0; i < 200; i++)
    for (guint j = 0; j < 200; j++)
      band[i * 200 + j] = abs ((int) i - (int) j) <= 15;
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 40;
  heatmap.values = confusion;
  heatmap.cell_values = confusion;
  heatmap.row_labels = heatmap.column_labels = names;
  bench ("confusion 40x40, labels", 900, 880, runs, cep_heatmap_draw_func, &heatmap);
  bench ("confusion 40x40, labels and cell numbers", 1600, 1560, runs, cep_heatmap_draw_func,
         &heatmap);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 200;
  heatmap.values = band;
  heatmap.mode = CEP_HEATMAP_BOOLEAN;
  heatmap.band_halfwidth = 15;
  bench ("dependency 200x200, boolean, band outline", 800, 700, runs, cep_heatmap_draw_func,
         &heatmap);
}

int
main (int   argc,
      char *argv[])
{
  guint runs = argc > 1 ? (guint) MAX (atoi (argv[1]), 1) : 31;

  bench_spectrogram (runs);
  bench_line_plot (runs);
  bench_heatmaps (runs);
  return 0;
}
