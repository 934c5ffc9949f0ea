/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-ui.c: how fast the workbench draws and how responsive it stays while training.
 *
 *   1. A 1500 × 28 spectrogram with its label track, drawn by CepSpectrogramView's draw
 *      (core/plot's renderer) at 1000 × 420: the first draw (which builds the cell image) and
 *      redraws (zoom, scroll: the image is reused), then GSK's cairo renderer replaying the
 *      widget's cached node (what a frame costs when nothing changed).
 *   2. A 100 000-point training curve redrawn by CepCurveView at 1000 × 420, alone and with a
 *      second 100 000-point series (the smoothed loss) and epoch markers.
 *   3. The main loop during a real training run on the demo dataset with the Train page shown:
 *      the largest gap between frame-clock ticks and between firings of a 5 ms timeout, while
 *      the trainer floods the page with step events.
 *
 * Drawing costs are CPU time of the main thread (a loaded machine does not inflate them); the
 * main-loop gaps are wall time. Prints medians (and maxima where they matter); never fails on
 * timings. Runs under Xvfb
 * (tests/ui/run-ui-test.sh); the training part needs the demo dataset (CEPSTRA_DEMO_DIR).
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "cep-curve-view.h"
#include "cep-rng.h"
#include "cep-spectrogram-view.h"
#include "cep-train-page.h"
#include "cep-ui-test-util.h"

#define WIDTH 1000
#define HEIGHT 420
#define RUNS 41

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static double
quantile (GArray *values,
          double  q)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, MIN ((guint) (q * values->len), values->len - 1));
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* CPU time of this thread: what a draw costs, whatever else the machine is running. */
static double
cpu_ms (void)
{
  struct timespec time;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &time);
  return time.tv_sec * 1e3 + time.tv_nsec / 1e6;
}

/* CPU milliseconds of one draw of @widget's figure into a fresh image surface. */
static double
time_draw (CepPlotWidget *widget)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);
  double start = cpu_ms ();
  double elapsed;

  cep_plot_widget_draw (widget, cr, cep_plot_widget_get_style (widget), WIDTH, HEIGHT);
  cairo_surface_flush (surface);
  elapsed = cpu_ms () - start;
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return elapsed;
}

/* CPU milliseconds GSK's cairo renderer takes to turn the widget's cached node into pixels. */
static double
time_render (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  double start;

  gsk_renderer_realize (renderer, NULL, NULL);
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  start = cpu_ms ();
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  gsk_renderer_unrealize (renderer);
  return cpu_ms () - start;
}

static void
make_spectrogram (float  *values,
                  guint8 *labels,
                  guint   n_frames,
                  guint   dim)
{
  CepRng rng;
  guint8 label = 0;

  cep_rng_init (&rng, 42, 0, 0, 0);
  for (guint t = 0; t < n_frames; t++)
    {
      for (guint c = 0; c < dim; c++)
        values[t * dim + c] = (float) (2 * cep_rng_uniform (&rng) - 1) * 3;
      /* Phoneme-like runs of 3 to 20 frames. */
      if (t == 0 || cep_rng_uniform (&rng) < 0.12)
        label = (guint8) (cep_rng_uniform (&rng) * 40);
      labels[t] = label;
    }
}

static void
bench_spectrogram (void)
{
  const guint n_frames = 1500, dim = 28;
  g_autofree float *values = g_new (float, n_frames * dim);
  g_autofree guint8 *labels = g_new (guint8, n_frames);
  g_autoptr (GArray) first = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) redraw = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) render = g_array_new (FALSE, FALSE, sizeof (double));
  CepSpectrogramView *view = CEP_SPECTROGRAM_VIEW (cep_spectrogram_view_new ());
  GtkWindow *window;

  make_spectrogram (values, labels, n_frames, dim);
  window = cep_ui_test_window_new (GTK_WIDGET (view), WIDTH, HEIGHT);
  for (guint i = 0; i < RUNS; i++)
    {
      double ms;

      cep_spectrogram_view_set_matrix (view, values, n_frames, dim);
      cep_spectrogram_view_set_labels (view, labels, NULL, 0);
      ms = time_draw (CEP_PLOT_WIDGET (view));
      g_array_append_val (first, ms);
      cep_spectrogram_view_zoom (view, 1.5, i * 10.0);
      ms = time_draw (CEP_PLOT_WIDGET (view));
      g_array_append_val (redraw, ms);
    }
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  for (guint i = 0; i < RUNS; i++)
    {
      double ms = time_render (GTK_WIDGET (view));

      g_array_append_val (render, ms);
    }
  printf ("spectrogram %u x %u at %d x %d:\n", n_frames, dim, WIDTH, HEIGHT);
  printf ("  first draw (builds the cell image)   median %6.2f ms CPU, min %6.2f ms\n",
          median (first), quantile (first, 0.0));
  printf ("  redraw after zoom (image reused)     median %6.2f ms CPU, min %6.2f ms\n",
          median (redraw), quantile (redraw, 0.0));
  printf ("  GSK cairo render of the cached node  median %6.2f ms CPU\n", median (render));
  gtk_window_destroy (window);
}

static void
bench_curve (void)
{
  const gsize n = 100000;
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree double *smooth = g_new (double, n);
  double marks[10];
  g_autoptr (GArray) single = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) redraw = g_array_new (FALSE, FALSE, sizeof (double));
  CepCurveView *view = CEP_CURVE_VIEW (cep_curve_view_new ());
  CepLineSeries style = { 0 };
  GtkWindow *window;
  CepRng rng;
  double average = 0;

  cep_rng_init (&rng, 7, 0, 0, 0);
  for (gsize i = 0; i < n; i++)
    {
      x[i] = i + 1;
      y[i] = 3.7 * exp (-(double) i / 20000) + 0.3 + 0.4 * cep_rng_uniform (&rng);
      average = 0.99 * average + 0.01 * y[i];
      smooth[i] = average / (1 - pow (0.99, i + 1));
    }
  for (guint e = 0; e < 10; e++)
    marks[e] = (e + 1) * 10000.0;
  cep_line_plot_init_training (cep_curve_view_get_plot (view), TRUE);
  style.name = "per step";
  cep_curve_view_add_series (view, &style, x, y, n);
  window = cep_ui_test_window_new (GTK_WIDGET (view), WIDTH, HEIGHT);
  for (guint i = 0; i < RUNS; i++)
    {
      double ms = time_draw (CEP_PLOT_WIDGET (view));

      g_array_append_val (single, ms);
    }
  style.name = "smoothed";
  cep_curve_view_add_series (view, &style, x, smooth, n);
  cep_curve_view_set_epoch_marks (view, marks, 10);
  for (guint i = 0; i < RUNS; i++)
    {
      double ms = time_draw (CEP_PLOT_WIDGET (view));

      g_array_append_val (redraw, ms);
    }
  printf ("curve of %zu points at %d x %d (log loss axis):\n", n, WIDTH, HEIGHT);
  printf ("  redraw, one series                   median %6.2f ms CPU, min %6.2f ms\n",
          median (single), quantile (single, 0.0));
  printf ("  with the smoothed series and epochs:\n");
  printf ("  redraw                               median %6.2f ms CPU, min %6.2f ms\n",
          median (redraw), quantile (redraw, 0.0));
  gtk_window_destroy (window);
}

/* ---- responsiveness while training ---- */

typedef struct
{
  GArray *frame_gaps;      /* ms between frame-clock ticks */
  GArray *timer_gaps;      /* ms between 5 ms timeout firings */
  GArray *busy;            /* main-thread CPU ms within each timeout gap */
  gint64  last_frame;
  double  last_timer;
  double  last_cpu;
  double  start;
} Probe;

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  Probe *probe = data;
  gint64 frame = gdk_frame_clock_get_frame_time (clock);

  if (probe->last_frame != 0)
    g_array_append_val (probe->frame_gaps, (double) { (frame - probe->last_frame) / 1000.0 });
  probe->last_frame = frame;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timer (gpointer data)
{
  Probe *probe = data;
  double now = now_ms (), cpu = cpu_ms ();

  if (probe->last_timer != 0)
    {
      g_array_append_val (probe->timer_gaps, (double) { now - probe->last_timer });
      g_array_append_val (probe->busy, (double) { cpu - probe->last_cpu });
    }
  /* A long gap with little main-thread CPU in it was the machine's scheduling (other
   * processes), not work on the main loop. */
  if (probe->last_timer != 0 && now - probe->last_timer > 50)
    printf ("  (a %.0f ms gap ending %.2f s into the run; main thread busy %.1f ms of it)\n",
            now - probe->last_timer, (now - probe->start) / 1000, cpu - probe->last_cpu);
  probe->last_timer = now;
  probe->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static const char *
load_average (void)
{
  static char text[64];
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &contents, NULL, NULL))
    return "unknown";
  g_strlcpy (text, contents, 15);
  return text;
}

static gboolean
training_done (gpointer data)
{
  return cep_train_controller_get_state (data) == CEP_TRAIN_STATE_IDLE;
}

static void
bench_training (void)
{
  g_autoptr (CepSession) session = cep_ui_test_load_demo ();
  Probe probe = { g_array_new (FALSE, FALSE, sizeof (double)),
                  g_array_new (FALSE, FALSE, sizeof (double)),
                  g_array_new (FALSE, FALSE, sizeof (double)) };
  CepTrainPage *page;
  CepTrainController *controller;
  CepExperiment *experiment;
  GtkWindow *window;
  g_autoptr (GError) error = NULL;
  guint timer;
  double start;

  if (session == NULL)
    {
      printf ("training responsiveness: skipped (no demo dataset; set CEPSTRA_DEMO_DIR)\n");
      return;
    }
  experiment = cep_session_get_experiment (session);
  experiment->train.epochs = 3;
  experiment->train.batch_size = 64;
  experiment->data.subset_fraction = 0.15;
  page = g_object_new (CEP_TYPE_TRAIN_PAGE, NULL);
  cep_train_page_set_session (page, session);
  window = cep_ui_test_window_new (GTK_WIDGET (page), 1024, 700);
  controller = cep_train_page_get_controller (page);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick, &probe, NULL);
  timer = g_timeout_add (5, on_timer, &probe);
  start = probe.start = now_ms ();
  g_assert_true (cep_train_page_start (page, &error));
  printf ("  starting the run took %.1f ms on the main thread\n", now_ms () - start);
  cep_ui_test_wait_for (training_done, controller, 600000);
  g_source_remove (timer);
  printf ("main loop while training (%.1f s, %" G_GUINT64_FORMAT " trainer events, %"
          G_GUINT64_FORMAT " drains, %" G_GUINT64_FORMAT " plot updates):\n",
          (now_ms () - start) / 1000, cep_train_controller_get_n_events (controller),
          cep_train_controller_get_n_drains (controller),
          cep_train_page_get_n_ui_updates (page));
  printf ("  frame-clock gap       median %6.2f ms, p99 %6.2f ms, max %6.2f ms (%u frames)\n",
          median (probe.frame_gaps), quantile (probe.frame_gaps, 0.99),
          quantile (probe.frame_gaps, 1.0), probe.frame_gaps->len);
  printf ("  5 ms timeout gap      median %6.2f ms, p99 %6.2f ms, max %6.2f ms\n",
          median (probe.timer_gaps), quantile (probe.timer_gaps, 0.99),
          quantile (probe.timer_gaps, 1.0));
  printf ("  main-thread CPU between two timeouts: median %5.2f ms, max %6.2f ms\n",
          median (probe.busy), quantile (probe.busy, 1.0));
  printf ("  (load average %s)\n", load_average ());
  gtk_window_destroy (window);
  g_array_unref (probe.frame_gaps);
  g_array_unref (probe.timer_gaps);
  g_array_unref (probe.busy);
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  bench_spectrogram ();
  bench_curve ();
  /* --draw-only: the drawing measurements alone (for profiling them). */
  if (argc < 2 || g_strcmp0 (argv[1], "--draw-only") != 0)
    bench_training ();
  return 0;
}
