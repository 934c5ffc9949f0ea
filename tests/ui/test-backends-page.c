/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-backends-page.c: the Backends page measures every backend through core's benchmark
 * in the background, fills its table row by row and draws the training throughput.
 */
#include "cep-backend.h"
#include "cep-backends-page.h"
#include "cep-bar-chart.h"
#include "cep-model-presets.h"
#include "cep-ui-test-util.h"

static gboolean
finished (gpointer data)
{
  return !cep_backends_page_is_running (data);
}

static void
test_benchmark (void)
{
  g_autoptr (CepSession) session = cep_session_new ();
  CepBackendsPage *page = g_object_new (CEP_TYPE_BACKENDS_PAGE, NULL);
  GtkWindow *window;
  CepBarChart *chart;
  guint n_backends = g_strv_length ((char **) cep_backend_list_available ());
  CepExperiment *experiment = cep_session_get_experiment (session);

  /* A small model keeps the plain-C reference quick. */
  cep_experiment_set_model (experiment, cep_model_preset_new ("baseline", 28, 42, NULL));
  cep_backends_page_set_session (page, session);
  cep_backends_page_set_repeat (page, 1);
  window = cep_ui_test_window_new (GTK_WIDGET (page), 1024, 650);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (gtk_widget_get_template_child (
    GTK_WIDGET (page), CEP_TYPE_BACKENDS_PAGE, "run_button"))));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backends.run", NULL));
  g_assert_true (cep_backends_page_is_running (page));
  /* The window stays responsive while it measures: the main loop keeps turning. */
  cep_ui_test_run_for (50);
  g_assert_true (cep_ui_test_wait_for (finished, page, 110000));
  /* One row per backend plus OpenBLAS called directly; a bar per backend. */
  g_assert_cmpuint (cep_backends_page_get_n_rows (page), ==, n_backends + 1);
  chart = CEP_BAR_CHART (gtk_widget_get_template_child (GTK_WIDGET (page),
                                                        CEP_TYPE_BACKENDS_PAGE,
                                                        "throughput_chart"));
  g_assert_cmpuint (cep_bar_chart_get_n_bars (chart), ==, n_backends);
  for (guint i = 0; i < cep_bar_chart_get_n_bars (chart); i++)
    g_assert_cmpfloat (cep_bar_chart_get_value (chart, i), >, 0);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (window), "backends-page",
                                                 GTK_WIDGET (chart), NULL));
  /* The switch over the chart turns its value axis logarithmic. */
  g_assert_false (cep_bar_chart_get_log_scale (chart));
  gtk_switch_set_active (GTK_SWITCH (gtk_widget_get_template_child (
    GTK_WIDGET (page), CEP_TYPE_BACKENDS_PAGE, "log_switch")), TRUE);
  g_assert_true (cep_bar_chart_get_log_scale (chart));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (window), "backends-page-log",
                                                 GTK_WIDGET (chart), NULL));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/backends/benchmark", test_benchmark);
  return g_test_run ();
}
