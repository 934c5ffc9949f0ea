/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-plot-axis.c: nice steps, tick selection, mapping and tick labels.
 */
#include <math.h>

#include "cep-plot-axis.h"
#include "cep-plot-frame.h"
#include "cep-plot-test-util.h"

static void
test_nice_step_table (void)
{
  static const struct { double span; guint max_ticks; double step; } cases[] = {
    { 1.0, 6, 0.2 },      /* 0, 0.2, ... 1: six ticks */
    { 1.0, 11, 0.1 },
    { 1.0, 5, 0.5 },      /* 0.25 would need a 2.5 mantissa */
    { 10.0, 6, 2.0 },
    { 10.0, 3, 5.0 },
    { 7.3, 8, 2.0 },      /* 7.3 / 7 = 1.04 -> 2 */
    { 100.0, 6, 20.0 },
    { 3.0, 4, 1.0 },
    { 0.003, 4, 0.001 },
    { 25000.0, 6, 5000.0 },
    { 1.0, 2, 1.0 },
    { 9.0, 2, 10.0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double step = cep_plot_nice_step (cases[i].span, cases[i].max_ticks);

      g_test_message ("span %g, at most %u ticks: step %g", cases[i].span, cases[i].max_ticks,
                      step);
      g_assert_cmpfloat_with_epsilon (step, cases[i].step, cases[i].step * 1e-9);
    }
}

/* Every step is 1, 2 or 5 times a power of ten, and never gives more ticks than allowed. */
static void
test_nice_step_properties (void)
{
  for (double span = 1e-4; span < 1e6; span *= 1.37)
    for (guint max_ticks = 2; max_ticks <= 12; max_ticks++)
      {
        double step = cep_plot_nice_step (span, max_ticks);
        double mantissa = step / pow (10.0, floor (log10 (step) + 1e-9));

        g_assert_true (fabs (mantissa - 1.0) < 1e-6 || fabs (mantissa - 2.0) < 1e-6
                       || fabs (mantissa - 5.0) < 1e-6);
        g_assert_cmpfloat (floor (span / step + 1e-9) + 1.0, <=, max_ticks);
        /* The next smaller nice step is below span / (max_ticks - 1): the step is the tightest. */
        g_assert_cmpfloat (span / (step * (fabs (mantissa - 5.0) < 1e-6 ? 0.4 : 0.5)),
                           >, max_ticks - 1 - 1e-9);
      }
}

static void
test_linear_ticks (void)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;

  cep_plot_axis_init (&axis, 0.13, 0.91, 0, 500);
  cep_plot_axis_get_ticks (&axis, 6, &ticks);
  g_assert_cmpfloat_with_epsilon (ticks.step, 0.2, 1e-12);
  g_assert_cmpuint (ticks.n, ==, 4);
  g_assert_cmpfloat_with_epsilon (ticks.values[0], 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks.values[3], 0.8, 1e-12);

  /* Negative ranges include zero exactly. */
  cep_plot_axis_init (&axis, -3.2, 4.1, 0, 500);
  cep_plot_axis_get_ticks (&axis, 8, &ticks);
  g_assert_cmpfloat (ticks.step, ==, 2.0);
  g_assert_cmpuint (ticks.n, ==, 4);
  g_assert_cmpfloat (ticks.values[1], ==, 0.0);
}

static void
test_integer_ticks (void)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;

  /* Four epochs on a wide axis: steps of 1, never 0.5. */
  cep_plot_axis_init (&axis, 1, 4, 0, 800);
  axis.kind = CEP_PLOT_TICKS_INTEGER;
  cep_plot_axis_get_ticks (&axis, 20, &ticks);
  g_assert_cmpfloat (ticks.step, ==, 1.0);
  g_assert_cmpuint (ticks.n, ==, 4);
  for (guint i = 0; i < ticks.n; i++)
    g_assert_cmpfloat (ticks.values[i], ==, i + 1);
}

static void
test_seconds_ticks (void)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;
  char label[32];

  /* 300 frames of 10 ms: ticks are nice in seconds, values stay frame indices. */
  cep_plot_axis_init (&axis, 0, 300, 0, 900);
  axis.display_scale = 0.01;
  cep_plot_axis_get_ticks (&axis, 7, &ticks);
  g_assert_cmpfloat_with_epsilon (ticks.step, 0.5, 1e-12);
  g_assert_cmpuint (ticks.n, ==, 7);
  g_assert_cmpfloat_with_epsilon (ticks.values[1], 50.0, 1e-9);
  cep_plot_axis_format_tick (&axis, &ticks, ticks.values[3], label, sizeof label);
  g_assert_cmpstr (label, ==, "1.5");
}

static void
test_log_ticks (void)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;
  char label[32];

  cep_plot_axis_init (&axis, 0.002, 30, 400, 0);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_get_ticks (&axis, 10, &ticks);
  g_assert_cmpuint (ticks.n, ==, 4);   /* 0.01 0.1 1 10 */
  g_assert_cmpfloat_with_epsilon (ticks.values[0], 0.01, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks.values[3], 10.0, 1e-9);
  cep_plot_axis_format_tick (&axis, &ticks, ticks.values[0], label, sizeof label);
  g_assert_cmpstr (label, ==, "0.01");

  /* A loss between 0.55 and 3.9 spans less than a decade: 1-2-5 ticks appear. */
  cep_plot_axis_init (&axis, 0.45, 4.4, 400, 0);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_get_ticks (&axis, 6, &ticks);
  g_assert_cmpuint (ticks.n, ==, 3);
  g_assert_cmpfloat_with_epsilon (ticks.values[0], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (ticks.values[2], 2.0, 1e-12);

  /* Inside one decade without a 1-2-5 value: finer digits. */
  cep_plot_axis_init (&axis, 0.55, 0.95, 400, 0);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_get_ticks (&axis, 6, &ticks);
  g_assert_cmpuint (ticks.n, ==, 4);   /* 0.6 0.7 0.8 0.9 */

  /* Between two digits (a loss from 2.9 to 3.9): halves, so the axis has more than one label. */
  cep_plot_axis_init (&axis, 2.9, 3.9, 400, 0);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_get_ticks (&axis, 6, &ticks);
  g_assert_cmpuint (ticks.n, ==, 2);   /* 3 3.5 */
  g_assert_cmpfloat_with_epsilon (ticks.values[1], 3.5, 1e-12);
  cep_plot_axis_format_tick (&axis, &ticks, ticks.values[1], label, sizeof label);
  g_assert_cmpstr (label, ==, "3.5");

  /* Not positive: a usable default range instead of NaN. */
  cep_plot_axis_init (&axis, -1, 5, 400, 0);
  cep_plot_axis_set_log (&axis);
  g_assert_true (isfinite (cep_plot_axis_to_pixel (&axis, 0.5)));
}

static void
test_mapping (void)
{
  CepPlotAxis axis;

  /* A y axis: larger values go up (smaller pixel). */
  cep_plot_axis_init (&axis, 10, 20, 300, 100);
  g_assert_cmpfloat (cep_plot_axis_to_pixel (&axis, 10), ==, 300);
  g_assert_cmpfloat (cep_plot_axis_to_pixel (&axis, 20), ==, 100);
  g_assert_cmpfloat (cep_plot_axis_to_pixel (&axis, 15), ==, 200);
  for (double v = 9; v < 21; v += 0.37)
    g_assert_cmpfloat_with_epsilon (cep_plot_axis_from_pixel (&axis,
                                                               cep_plot_axis_to_pixel (&axis, v)),
                                     v, 1e-9);
  cep_plot_axis_set_log (&axis);
  g_assert_cmpfloat_with_epsilon (cep_plot_axis_to_pixel (&axis, sqrt (200.0)), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (cep_plot_axis_from_pixel (&axis, 200), sqrt (200.0), 1e-9);
}

static void
test_degenerate_range (void)
{
  CepPlotAxis axis;

  cep_plot_axis_init (&axis, 5, 5, 0, 100);
  g_assert_cmpfloat (axis.min, <, 5);
  g_assert_cmpfloat (axis.max, >, 5);
  cep_plot_axis_init (&axis, NAN, 1, 0, 100);
  g_assert_cmpfloat (axis.min, ==, 0);
  g_assert_cmpfloat (axis.max, ==, 1);
  cep_plot_axis_init (&axis, 3, 1, 0, 100);
  g_assert_cmpfloat (axis.min, ==, 1);
  g_assert_cmpfloat (axis.max, ==, 3);
}

static void
test_expand (void)
{
  CepPlotAxis axis;

  cep_plot_axis_init (&axis, 0.53, 3.71, 300, 0);
  cep_plot_axis_expand_to_ticks (&axis, 8);
  g_assert_cmpfloat_with_epsilon (axis.min, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 4.0, 1e-12);

  /* Already on a tick: unchanged. */
  cep_plot_axis_init (&axis, 0.0, 1.0, 300, 0);
  cep_plot_axis_expand_to_ticks (&axis, 6);
  g_assert_cmpfloat (axis.min, ==, 0.0);
  g_assert_cmpfloat (axis.max, ==, 1.0);

  cep_plot_axis_init (&axis, 0.3, 42, 300, 0);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_expand_to_ticks (&axis, 6);
  g_assert_cmpfloat_with_epsilon (axis.min, 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 100.0, 1e-9);
}

static void
check_label (double      min,
             double      max,
             guint       max_ticks,
             double      display_scale,
             double      value,
             const char *expected)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;
  char label[32];

  cep_plot_axis_init (&axis, min, max, 0, 100);
  axis.display_scale = display_scale;
  cep_plot_axis_get_ticks (&axis, max_ticks, &ticks);
  cep_plot_axis_format_tick (&axis, &ticks, value, label, sizeof label);
  g_assert_cmpstr (label, ==, expected);
}

static void
test_format (void)
{
  check_label (0, 1, 6, 1, 0.4, "0.4");
  check_label (0, 0.2, 5, 1, 0.05, "0.05");
  check_label (0, 1000, 6, 1, 400, "400");
  check_label (0, 100000, 6, 1, 20000, "20k");
  check_label (0, 100000, 6, 1, 0, "0");           /* not "0k" */
  check_label (0, 5000000, 6, 1, 2000000, "2M");
  check_label (0, 30000, 7, 1, 15000, "15k");
  check_label (0, 1, 6, 100, 0.8, "80");           /* a fraction shown in per cent */
  check_label (-1, 1, 5, 1, 1e-17, "0.0");         /* no "-0.0" */
  check_label (-1, 1, 5, 1, -1e-17, "0.0");
  check_label (0, 12000, 7, 1, 2000, "2k");       /* one axis never mixes "2000" and "10k" */
  check_label (0, 8000, 5, 1, 2000, "2000");      /* no suffix below 10 000 */
}

static void
check_log_label (double      min,
                 double      max,
                 double      value,
                 const char *expected)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;
  char label[32];

  cep_plot_axis_init (&axis, min, max, 0, 100);
  cep_plot_axis_set_log (&axis);
  cep_plot_axis_get_ticks (&axis, 8, &ticks);
  cep_plot_axis_format_tick (&axis, &ticks, value, label, sizeof label);
  g_assert_cmpstr (label, ==, expected);
}

/* Log axes (the Backends chart, loss curves) write decades as the linear axes write thousands. */
static void
test_format_log (void)
{
  check_log_label (0.01, 10, 0.1, "0.1");
  check_log_label (0.01, 10, 1, "1");
  check_log_label (1, 1000, 1000, "1000");         /* no suffix below 10 000 */
  check_log_label (1000, 1e6, 1000, "1k");         /* never "1000" beside "10k" */
  check_log_label (1000, 1e6, 100000, "100k");
  check_log_label (1000, 1e7, 1e6, "1M");          /* not "1e+06" */
  check_log_label (1e8, 1e10, 1e9, "1G");
}

static void
test_range_helpers (void)
{
  double values[] = { NAN, 3.0, -INFINITY, -2.0, 7.5, INFINITY };
  float floats[] = { NAN, 1.5f, -0.5f };
  double low, high;

  g_assert_true (cep_plot_range_of_doubles (values, G_N_ELEMENTS (values), &low, &high));
  g_assert_cmpfloat (low, ==, -2.0);
  g_assert_cmpfloat (high, ==, 7.5);
  g_assert_true (cep_plot_range_of_floats (floats, G_N_ELEMENTS (floats), &low, &high));
  g_assert_cmpfloat (low, ==, -0.5);
  g_assert_cmpfloat (high, ==, 1.5);
  g_assert_false (cep_plot_range_of_doubles (values, 1, &low, &high));
}

/* Fitted ticks leave room between labels, and get sparser on shorter axes. */
static void
test_fit_ticks (void)
{
  cairo_t *cr = cep_test_scratch_context ();
  g_autoptr(CepPlotText) text = cep_plot_text_new (cr, NULL);
  double line = cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  CepPlotTicks wide, narrow, vertical;
  CepPlotAxis axis;

  cep_plot_axis_init (&axis, 0, 123456, 0, 1000);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_BOTTOM, &wide);
  axis.pixel_max = 250;
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_BOTTOM, &narrow);
  g_assert_cmpuint (wide.n, >, narrow.n);
  g_assert_cmpuint (narrow.n, >=, 2);
  g_assert_cmpfloat (cep_plot_axis_to_pixel (&axis, narrow.values[1])
                     - cep_plot_axis_to_pixel (&axis, narrow.values[0]), >, 2 * line);

  cep_plot_axis_init (&axis, 0, 1, 300, 0);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_LEFT, &vertical);
  g_assert_cmpuint (vertical.n, >=, 3);
  g_assert_cmpfloat (fabs (cep_plot_axis_to_pixel (&axis, vertical.values[1])
                           - cep_plot_axis_to_pixel (&axis, vertical.values[0])), >=, 3 * line);
  cairo_destroy (cr);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/axis/nice-step-table", test_nice_step_table);
  g_test_add_func ("/plot/axis/nice-step-properties", test_nice_step_properties);
  g_test_add_func ("/plot/axis/linear-ticks", test_linear_ticks);
  g_test_add_func ("/plot/axis/integer-ticks", test_integer_ticks);
  g_test_add_func ("/plot/axis/seconds-ticks", test_seconds_ticks);
  g_test_add_func ("/plot/axis/log-ticks", test_log_ticks);
  g_test_add_func ("/plot/axis/format-log", test_format_log);
  g_test_add_func ("/plot/axis/mapping", test_mapping);
  g_test_add_func ("/plot/axis/degenerate-range", test_degenerate_range);
  g_test_add_func ("/plot/axis/expand", test_expand);
  g_test_add_func ("/plot/axis/format", test_format);
  g_test_add_func ("/plot/axis/range-helpers", test_range_helpers);
  g_test_add_func ("/plot/axis/fit-ticks", test_fit_ticks);

  return g_test_run ();
}
