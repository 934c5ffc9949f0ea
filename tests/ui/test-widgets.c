/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-widgets.c: the drawing widgets render core/plot figures correctly and cache them.
 *
 * Each widget is shown in a real window under Xvfb, rendered offscreen by GTK's cairo
 * renderer, and checked pixel by pixel where the figure's own layout says a cell, a track
 * segment or a bar is.
 */
#include <math.h>

#include "cep-bar-chart.h"
#include "cep-colormap.h"
#include "cep-curve-view.h"
#include "cep-spectrogram-view.h"
#include "cep-ui-test-util.h"

#define N_FRAMES 200
#define N_COEFFICIENTS 28

/* Left half +1, right half -1: the symmetric scale puts them at the two ends of the map. */
static float *
make_halves (void)
{
  float *values = g_new (float, N_FRAMES * N_COEFFICIENTS);

  for (guint t = 0; t < N_FRAMES; t++)
    for (guint c = 0; c < N_COEFFICIENTS; c++)
      values[t * N_COEFFICIENTS + c] = t < N_FRAMES / 2 ? 1.0f : -1.0f;
  return values;
}

static guint8 *
make_labels (void)
{
  guint8 *labels = g_new (guint8, N_FRAMES);

  for (guint t = 0; t < N_FRAMES; t++)
    labels[t] = t < N_FRAMES / 2 ? 3 : 7;
  return labels;
}

static const char *names[] = {
  "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", NULL,
};

static CepSpectrogramView *
new_spectrogram_window (GtkWindow **window)
{
  CepSpectrogramView *view = CEP_SPECTROGRAM_VIEW (cep_spectrogram_view_new ());
  g_autofree float *values = make_halves ();
  g_autofree guint8 *labels = make_labels ();

  cep_spectrogram_view_set_matrix (view, values, N_FRAMES, N_COEFFICIENTS);
  cep_spectrogram_view_set_labels (view, labels, names, 8);
  *window = cep_ui_test_window_new (GTK_WIDGET (view), 800, 400);
  return view;
}

static guint32
pixel_in (cairo_surface_t   *image,
          const CepPlotRect *rect,
          double             fx,
          double             fy)
{
  return cep_ui_test_pixel (image, (int) (rect->x + fx * rect->width),
                            (int) (rect->y + fy * rect->height));
}

static guint32
opaque (CepRgba color)
{
  return 0xff000000u | cep_rgba_to_argb (&color);
}

static void
test_spectrogram_pixels (void)
{
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);
  cairo_surface_t *image = cep_ui_test_render (GTK_WIDGET (view));
  CepSpectrogramLayout layout;
  guint32 high = cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 1.0);
  guint32 low = cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 0.0);

  g_assert_true (cep_spectrogram_view_get_layout (view, &layout));
  g_assert_cmpfloat (layout.matrix.width, >, 300);
  g_assert_cmpfloat (layout.labels.height, >, 0);
  /* Matrix cells: the two halves at the two ends of viridis. */
  g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &layout.matrix, 0.25, 0.5), high),
                    <=, 8);
  g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &layout.matrix, 0.75, 0.5), low),
                    <=, 8);
  /* The label track: each half in its class colour (away from the centred name). */
  g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &layout.labels, 0.05, 0.15),
                                              opaque (cep_palette_get_color (3))), <=, 24);
  g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &layout.labels, 0.95, 0.15),
                                              opaque (cep_palette_get_color (7))), <=, 24);
  cep_ui_test_save_screenshot (image, "widget-spectrogram");
  cairo_surface_destroy (image);
  gtk_window_destroy (window);
}

/* The figure is recorded once; redraws replay it until something it shows changes. */
static void
test_spectrogram_cache (void)
{
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);
  guint renders = cep_plot_widget_get_n_renders (CEP_PLOT_WIDGET (view));

  g_assert_cmpuint (renders, >=, 1);
  gtk_widget_queue_draw (GTK_WIDGET (view));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  cep_spectrogram_view_set_highlight (view, 10, 20);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  g_assert_cmpuint (cep_plot_widget_get_n_renders (CEP_PLOT_WIDGET (view)), ==, renders);
  cep_spectrogram_view_set_colormap (view, CEP_COLORMAP_MAGMA);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  g_assert_cmpuint (cep_plot_widget_get_n_renders (CEP_PLOT_WIDGET (view)), ==, renders + 1);
  gtk_window_destroy (window);
}

static void
test_spectrogram_zero_masked (void)
{
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);
  CepSpectrogramMask band = { CEP_SPECTROGRAM_MASK_FREQUENCY, 0, N_COEFFICIENTS, 10, 40 };
  CepSpectrogramLayout layout;
  cairo_surface_t *image;
  guint32 middle = cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 0.5);
  double x;

  cep_spectrogram_view_set_masks (view, &band, 1, TRUE);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  image = cep_ui_test_render (GTK_WIDGET (view));
  g_assert_true (cep_spectrogram_view_get_layout (view, &layout));
  /* Frame 30 is masked: drawn as 0, the middle of the symmetric map; frame 80 is not. */
  x = 30.5 / N_FRAMES;
  g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &layout.matrix, x, 0.5), middle),
                    <=, 8);
  g_assert_cmpfloat (cep_spectrogram_view_get_value (view, 30, 5), ==, 0.0f);
  g_assert_cmpfloat (cep_spectrogram_view_get_value (view, 80, 5), ==, 1.0f);
  cairo_surface_destroy (image);
  gtk_window_destroy (window);
}

static void
test_spectrogram_zoom_and_locate (void)
{
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);
  GtkAdjustment *adjustment = cep_spectrogram_view_get_adjustment (view);
  CepSpectrogramLayout layout;
  guint frame, coefficient;

  cep_spectrogram_view_zoom (view, 2.0, 0);
  g_assert_cmpuint (cep_spectrogram_view_get_n_visible (view), ==, 100);
  g_assert_cmpfloat (gtk_adjustment_get_page_size (adjustment), ==, 100);
  gtk_adjustment_set_value (adjustment, 60);
  g_assert_cmpuint (cep_spectrogram_view_get_first_frame (view), ==, 60);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  g_assert_true (cep_spectrogram_view_get_layout (view, &layout));
  g_assert_true (cep_spectrogram_view_locate (view, layout.matrix.x + layout.matrix.width * 0.5,
                                              layout.matrix.y + layout.matrix.height * 0.99,
                                              &frame, &coefficient));
  g_assert_cmpuint (frame, >=, 109);
  g_assert_cmpuint (frame, <=, 111);
  g_assert_cmpuint (coefficient, ==, 0);
  g_assert_false (cep_spectrogram_view_locate (view, 1, 1, &frame, &coefficient));
  cep_spectrogram_view_zoom_fit (view);
  g_assert_cmpuint (cep_spectrogram_view_get_n_visible (view), ==, N_FRAMES);
  gtk_window_destroy (window);
}

static void
test_spectrogram_accessible (void)
{
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);

  gtk_test_accessible_assert_role (view, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (view, GTK_ACCESSIBLE_PROPERTY_LABEL, "Spectrogram");
  g_assert_true (gtk_widget_get_focusable (GTK_WIDGET (view)));
  gtk_window_destroy (window);
}

/* Dark style: the figure is drawn again with light text on the dark view background. */
static void
test_spectrogram_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWindow *window;
  CepSpectrogramView *view = new_spectrogram_window (&window);
  guint renders = cep_plot_widget_get_n_renders (CEP_PLOT_WIDGET (view));
  cairo_surface_t *image;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  g_assert_true (cep_plot_widget_is_dark (CEP_PLOT_WIDGET (view)));
  g_assert_cmpuint (cep_plot_widget_get_n_renders (CEP_PLOT_WIDGET (view)), >, renders);
  image = cep_ui_test_screenshot (GTK_WIDGET (view), "widget-spectrogram-dark", GTK_WIDGET (view),
                                  NULL);
  /* The corner shows the dark view background. */
  g_assert_cmpuint ((cep_ui_test_pixel (image, 3, 3) >> 8) & 0xff, <, 80);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  cairo_surface_destroy (image);
  gtk_window_destroy (window);
}

static void
test_bar_chart (void)
{
  CepBarChart *chart = CEP_BAR_CHART (cep_bar_chart_new ());
  const double values[] = { 1, 2, 4 };
  const char *labels[] = { "one", "two", "four" };
  const CepRgba colors[] = {
    { 0.9, 0.1, 0.1, 1 }, { 0.1, 0.7, 0.1, 1 }, { 0.1, 0.1, 0.9, 1 },
  };
  GtkWindow *window;
  cairo_surface_t *image;
  CepPlotRect bars[3];

  cep_bar_chart_set_data (chart, values, labels, colors, 3);
  cep_bar_chart_set_title (chart, "Test bars");
  window = cep_ui_test_window_new (GTK_WIDGET (chart), 400, 300);
  image = cep_ui_test_render (GTK_WIDGET (chart));
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (cep_bar_chart_get_bar_area (chart, i, &bars[i]));
      g_assert_cmpuint (cep_ui_test_rgb_distance (pixel_in (image, &bars[i], 0.5, 0.5),
                                                  opaque (colors[i])), <=, 2);
      g_assert_cmpint (cep_bar_chart_bar_at (chart, bars[i].x + bars[i].width / 2,
                                             bars[i].y + bars[i].height / 2), ==, (int) i);
    }
  /* Heights are proportional to the values, on one baseline. */
  g_assert_cmpfloat (fabs (bars[2].height - 2 * bars[1].height), <, 1.0);
  g_assert_cmpfloat (fabs (bars[1].height - 2 * bars[0].height), <, 1.0);
  g_assert_cmpfloat (fabs ((bars[0].y + bars[0].height) - (bars[2].y + bars[2].height)), <, 0.5);
  g_assert_cmpuint (cep_bar_chart_get_n_bars (chart), ==, 3);
  gtk_test_accessible_assert_property (chart, GTK_ACCESSIBLE_PROPERTY_LABEL, "Test bars");
  cep_ui_test_save_screenshot (image, "widget-bar-chart");
  cairo_surface_destroy (image);
  gtk_window_destroy (window);
}

/* On a log scale bars of 10, 1,000 and 100,000 rise in equal steps from one baseline, and the
 * smallest is still a bar one can see (on the linear scale it is under a pixel). */
static void
test_bar_chart_log_scale (void)
{
  CepBarChart *chart = CEP_BAR_CHART (cep_bar_chart_new ());
  const double values[] = { 10, 1000, 100000 };
  const char *labels[] = { "ref", "vulkan", "blas" };
  GtkWindow *window;
  cairo_surface_t *image;
  CepPlotRect bars[3];

  cep_bar_chart_set_data (chart, values, labels, NULL, 3);
  window = cep_ui_test_window_new (GTK_WIDGET (chart), 400, 300);
  image = cep_ui_test_render (GTK_WIDGET (chart));
  g_assert_true (cep_bar_chart_get_bar_area (chart, 0, &bars[0]));
  g_assert_cmpfloat (bars[0].height, <, 1.0);
  cairo_surface_destroy (image);
  g_object_set (chart, "log-scale", TRUE, NULL);
  g_assert_true (cep_bar_chart_get_log_scale (chart));
  image = cep_ui_test_render (GTK_WIDGET (chart));
  for (guint i = 0; i < 3; i++)
    g_assert_true (cep_bar_chart_get_bar_area (chart, i, &bars[i]));
  g_assert_cmpfloat (bars[0].height, >, 10.0);
  g_assert_cmpfloat (fabs ((bars[2].height - bars[1].height) - (bars[1].height - bars[0].height)),
                     <, 1.0);
  g_assert_cmpfloat (fabs ((bars[0].y + bars[0].height) - (bars[2].y + bars[2].height)), <, 0.5);
  cep_ui_test_save_screenshot (image, "widget-bar-chart-log");
  cairo_surface_destroy (image);
  gtk_window_destroy (window);
}

/* The hover read-out of a step axis names a whole step (it said "Step 63.9"). */
static void
test_curve_readout_whole_steps (void)
{
  CepCurveView *view = g_object_new (CEP_TYPE_CURVE_VIEW, NULL);
  double x[100], y[100];
  CepLineSeries style = { .name = "loss" };
  CepLinePlotLayout layout;
  GtkWindow *window;
  g_autofree char *text = NULL;
  double pixel;

  for (guint i = 0; i < 100; i++)
    x[i] = i, y[i] = 1.0 / (i + 1);
  cep_line_plot_init (cep_curve_view_get_plot (view));
  cep_curve_view_get_plot (view)->x_label = "Step";
  cep_curve_view_add_series (view, &style, x, y, 100);
  window = cep_ui_test_window_new (GTK_WIDGET (view), 500, 300);
  g_assert_true (cep_curve_view_get_layout (view, &layout));
  /* A pixel between steps 63 and 64, nearer 64. */
  pixel = cep_plot_axis_to_pixel (&layout.x_axis, 63.7);
  text = cep_curve_view_describe_at (view, pixel);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "Step 64\n"));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_test_add_func ("/ui/spectrogram/pixels", test_spectrogram_pixels);
  g_test_add_func ("/ui/spectrogram/cache", test_spectrogram_cache);
  g_test_add_func ("/ui/spectrogram/zero-masked", test_spectrogram_zero_masked);
  g_test_add_func ("/ui/spectrogram/zoom-and-locate", test_spectrogram_zoom_and_locate);
  g_test_add_func ("/ui/spectrogram/accessible", test_spectrogram_accessible);
  g_test_add_func ("/ui/spectrogram/dark", test_spectrogram_dark);
  g_test_add_func ("/ui/bar-chart", test_bar_chart);
  g_test_add_func ("/ui/bar-chart/log-scale", test_bar_chart_log_scale);
  g_test_add_func ("/ui/curve-view/readout-whole-steps", test_curve_readout_whole_steps);
  return g_test_run ();
}
