/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-curve-stats.c: the trackers' computations over curves: TensorBoard's debiased
 * smoothing (worked by hand), curves of different grids aligned into a mean and a min–max
 * band (no extrapolation, interpolation between points, bad points skipped, the grid thinned),
 * the overlay's series (faint raw under smoothed, groups ordered by value with their bands),
 * and an experiment's settings as flat hyperparameters.
 */
#include "cep-curve-overlay.h"
#include "cep-hyperparameters.h"

#include <math.h>
#include <string.h>

#define CLOSE(a, b) g_assert_cmpfloat_with_epsilon ((a), (b), 1e-12)
#define AT(array, i) g_array_index ((array), double, (i))

static gboolean
same_color (const CepRgba *a,
            const CepRgba *b)
{
  return a->red == b->red && a->green == b->green && a->blue == b->blue && a->alpha == b->alpha;
}

static void
test_smooth (void)
{
  const double y[] = { 1, 2, NAN, 3 };
  double out[4];

  /* By hand with w = 0.6: a = 0.4, 1.04, 1.824 over the finite points, divided by
   * 1 − 0.6^k. */
  cep_curve_smooth (y, 4, 0.6, out);
  CLOSE (out[0], 1.0);
  CLOSE (out[1], 1.04 / 0.64);
  g_assert_true (isnan (out[2]));
  CLOSE (out[3], 1.824 / 0.784);
  /* Off, and clamped: weight 0 and below copy the curve. */
  cep_curve_smooth (y, 4, 0.0, out);
  CLOSE (out[1], 2.0);
  cep_curve_smooth (y, 4, -3.0, out);
  CLOSE (out[3], 3.0);
}

static void
test_smooth_constant (void)
{
  double y[] = { 0.1, 0.1, 0.1, 0.1, 0.1 };
  g_autoptr (GArray) in = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) out = NULL;

  g_array_append_vals (in, y, G_N_ELEMENTS (y));
  out = cep_curve_smooth_array (in, 0.99);
  for (guint i = 0; i < out->len; i++)
    g_assert_cmpfloat (AT (out, i), ==, 0.1);
  /* In place. */
  y[4] = 1.1;
  cep_curve_smooth (y, 5, 0.5, y);
  CLOSE (y[0], 0.1);
  g_assert_cmpfloat (y[4], >, 0.1);
  g_assert_cmpfloat (y[4], <, 1.1);
}

/* A run logged at steps 0, 10, 20 and a shorter one at 5 and 15: the grid is every step
 * either has; the short one counts between 5 and 15 only, interpolated. */
static void
test_band_alignment (void)
{
  const double ax[] = { 0, 10, 20 }, ay[] = { 4, 2, 0 };
  const double bx[] = { 5, 15 }, by[] = { 6, 8 };
  CepCurveRef curves[] = { { ax, ay, 3 }, { bx, by, 2 } };
  g_autoptr (CepCurveBand) band = cep_curve_band_new (curves, 2, 100);
  const double grid[] = { 0, 5, 10, 15, 20 };
  const guint counts[] = { 1, 2, 2, 2, 1 };

  g_assert_cmpuint (band->x->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpfloat (AT (band->x, i), ==, grid[i]);
      g_assert_cmpuint (g_array_index (band->count, guint, i), ==, counts[i]);
    }
  CLOSE (AT (band->mean, 0), 4);
  /* At 5: a is 3 (between 4 and 2), b is 6. */
  CLOSE (AT (band->mean, 1), 4.5);
  CLOSE (AT (band->min, 1), 3);
  CLOSE (AT (band->max, 1), 6);
  /* At 10: a is 2, b is 7. */
  CLOSE (AT (band->mean, 2), 4.5);
  CLOSE (AT (band->max, 2), 7);
  CLOSE (AT (band->min, 4), 0);
  CLOSE (AT (band->max, 4), 0);
}

/* NaN and points going back are skipped; a grid point nobody covers is NaN with count 0;
 * duplicate x take the last value. */
static void
test_band_bad_points (void)
{
  const double ax[] = { 0, 1, NAN, 0.5, 1.5, 2, 2 }, ay[] = { 1, 7, 5, 9, NAN, 3, 4 };
  const double bx[] = { 10, 11 }, by[] = { 1, 1 };
  CepCurveRef curves[] = { { ax, ay, 7 }, { bx, by, 2 } };
  g_autoptr (CepCurveBand) band = cep_curve_band_new (curves, 2, 100);
  g_autoptr (CepCurveBand) empty = cep_curve_band_new (NULL, 0, 100);

  /* a keeps (0, 1), (1, 7), (2, 3), (2, 4); b (10, 1), (11, 1): grid 0, 1, 2, 10, 11. */
  g_assert_cmpuint (band->x->len, ==, 5);
  CLOSE (AT (band->mean, 0), 1);
  CLOSE (AT (band->mean, 1), 7);
  CLOSE (AT (band->mean, 2), 4);
  g_assert_cmpuint (g_array_index (band->count, guint, 2), ==, 1);
  CLOSE (AT (band->mean, 3), 1);
  g_assert_cmpuint (empty->x->len, ==, 0);

  {
    /* Thinned to 0, 2, 4: at 2, between the two runs' spans, nobody counts. */
    const double cx[] = { 0, 1 }, cy[] = { 2, 2 }, dx[] = { 3, 4 }, dy[] = { 5, 5 };
    CepCurveRef gap[] = { { cx, cy, 2 }, { dx, dy, 2 } };
    g_autoptr (CepCurveBand) gapped = cep_curve_band_new (gap, 2, 3);

    g_assert_cmpuint (gapped->x->len, ==, 3);
    g_assert_cmpfloat (AT (gapped->x, 1), ==, 2);
    g_assert_cmpuint (g_array_index (gapped->count, guint, 1), ==, 0);
    g_assert_true (isnan (AT (gapped->mean, 1)));
    g_assert_true (isnan (AT (gapped->max, 1)));
    CLOSE (AT (gapped->mean, 2), 5);
  }
}

/* More distinct x than the limit: evenly spaced x over the whole span. */
static void
test_band_thinned (void)
{
  g_autofree double *x = g_new (double, 1000);
  g_autofree double *y = g_new (double, 1000);
  g_autofree double *x2 = g_new (double, 1000);
  CepCurveRef curves[2];
  g_autoptr (CepCurveBand) band = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      x[i] = i;
      x2[i] = i + 0.5;
      y[i] = 2.0 * i;
    }
  curves[0] = (CepCurveRef) { x, y, 1000 };
  curves[1] = (CepCurveRef) { x2, y, 1000 };
  band = cep_curve_band_new (curves, 2, 101);
  g_assert_cmpuint (band->x->len, ==, 101);
  g_assert_cmpfloat (AT (band->x, 0), ==, 0);
  g_assert_cmpfloat (AT (band->x, 100), ==, 999.5);
  CLOSE (AT (band->x, 50), 999.5 / 2);
  /* At 499.75: the first run is 999.5, the second (shifted by half) 998.5. */
  CLOSE (AT (band->max, 50), 999.5);
  CLOSE (AT (band->min, 50), 998.5);
}

static const double steps[] = { 1, 2, 3, 4 };
static const double loss_a[] = { 2.0, 1.5, 1.2, 1.0 };
static const double loss_b[] = { 2.2, 1.9, 1.4, 1.3 };
static const double loss_c[] = { 3.0, 2.0, 1.0, 0.5 };

/* Ungrouped: one named series per run and panel, and with smoothing a faint unnamed raw
 * curve under each. */
static void
test_overlay_runs (void)
{
  g_autoptr (CepCurveOverlay) plain = cep_curve_overlay_new (0);
  g_autoptr (CepCurveOverlay) smooth = cep_curve_overlay_new (0.6);
  const CepLineSeries *series;
  guint n;

  for (guint i = 0; i < 2; i++)
    {
      CepCurveOverlay *overlay = i == 0 ? plain : smooth;
      guint a = cep_curve_overlay_add_run (overlay, "a", NULL);
      guint b = cep_curve_overlay_add_run (overlay, "b", NULL);

      cep_curve_overlay_add_curve (overlay, a, 0, steps, loss_a, 4, FALSE);
      cep_curve_overlay_add_curve (overlay, a, 1, steps, loss_c, 4, TRUE);
      cep_curve_overlay_add_curve (overlay, b, 0, steps, loss_b, 4, FALSE);
    }
  series = cep_curve_overlay_get_series (plain, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (series[0].name, ==, "a");
  g_assert_cmpuint (series[1].panel, ==, 1);
  g_assert_true (series[1].markers);
  g_assert_cmpfloat (series[0].y[1], ==, 1.5);
  g_assert_cmpuint (cep_curve_overlay_get_n_groups (plain), ==, 0);

  series = cep_curve_overlay_get_series (smooth, &n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_null (series[0].name);
  g_assert_cmpfloat (series[0].color.alpha, <, 1.0);
  g_assert_cmpfloat (series[0].y[1], ==, 1.5);
  g_assert_cmpstr (series[1].name, ==, "a");
  g_assert_cmpfloat (series[1].color.alpha, ==, 1.0);
  CLOSE (series[1].y[1], (0.6 * 0.8 + 0.4 * 1.5) / 0.64);
  /* Each run keeps one colour in both panels; runs differ. */
  g_assert_true (same_color (&series[1].color, &series[3].color));
  g_assert_false (same_color (&series[1].color, &series[5].color));
}

/* Grouped: groups in numeric order with their sizes, a mean line carrying its band, the raw
 * mean faint beneath when smoothing; runs take their group's colour. */
static void
test_overlay_groups (void)
{
  g_autoptr (CepCurveOverlay) overlay = cep_curve_overlay_new (0.5);
  const double *curves[] = { loss_a, loss_b, loss_c };
  const char *groups[] = { "0.01", "0.001", "0.01" };
  const CepLineSeries *series;
  const CepCurveBand *band;
  guint n;

  for (guint i = 0; i < 3; i++)
    cep_curve_overlay_add_curve (overlay, cep_curve_overlay_add_run (overlay, "r", groups[i]),
                                 0, steps, curves[i], 4, FALSE);
  series = cep_curve_overlay_get_series (overlay, &n);
  g_assert_cmpuint (cep_curve_overlay_get_n_groups (overlay), ==, 2);
  g_assert_cmpstr (cep_curve_overlay_get_group (overlay, 0), ==, "0.001");
  g_assert_cmpuint (cep_curve_overlay_get_group_size (overlay, 1), ==, 2);
  g_assert_cmpuint (n, ==, 4);
  g_assert_null (series[2].name);
  g_assert_null (series[2].band_low);
  g_assert_cmpstr (series[3].name, ==, "0.01 (n=2)");
  g_assert_nonnull (series[3].band_low);
  /* The raw mean of a and c at step 1, and the smoothed curves' min and max there (the first
   * smoothed point is the raw one). */
  CLOSE (series[2].y[0], 2.5);
  CLOSE (series[3].band_low[0], 2.0);
  CLOSE (series[3].band_high[0], 3.0);
  band = cep_curve_overlay_get_band (overlay, 1, 0);
  g_assert_cmpuint (band->x->len, ==, 4);
  g_assert_null (cep_curve_overlay_get_band (overlay, 1, 1));
  {
    CepRgba first = cep_curve_overlay_get_run_color (overlay, 0);
    CepRgba third = cep_curve_overlay_get_run_color (overlay, 2);
    CepRgba second = cep_curve_overlay_get_run_color (overlay, 1);

    g_assert_true (same_color (&first, &third));
    g_assert_false (same_color (&first, &second));
  }
}

/* Values that are not all numbers are ordered as text. */
static void
test_overlay_text_groups (void)
{
  g_autoptr (CepCurveOverlay) overlay = cep_curve_overlay_new (0);
  const char *groups[] = { "sgd", "adamw", "10" };
  guint n;

  for (guint i = 0; i < 3; i++)
    cep_curve_overlay_add_curve (overlay, cep_curve_overlay_add_run (overlay, "r", groups[i]),
                                 0, steps, loss_a, 4, FALSE);
  cep_curve_overlay_get_series (overlay, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpstr (cep_curve_overlay_get_group (overlay, 0), ==, "10");
  g_assert_cmpstr (cep_curve_overlay_get_group (overlay, 1), ==, "adamw");
  g_assert_cmpstr (cep_curve_overlay_get_group (overlay, 2), ==, "sgd");
}

static const char *
value_of (GPtrArray  *list,
          const char *key)
{
  for (guint i = 0; i < list->len; i++)
    {
      CepHyperparameter *parameter = g_ptr_array_index (list, i);

      if (g_str_equal (parameter->key, key))
        return parameter->value;
    }
  return NULL;
}

static void
test_hyperparameters (void)
{
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (CepHyperparameter) lr = NULL;
  g_autoptr (CepHyperparameter) missing = NULL;
  g_autoptr (GError) error = NULL;

  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  experiment->train.optimizer.lr = 0.05;
  experiment->name = g_strdup ("not a setting");
  list = cep_hyperparameters_list (experiment);
  g_assert_cmpstr (value_of (list, "train.optimizer"), ==, "sgd");
  g_assert_null (value_of (list, "train.optimizer.type"));
  g_assert_cmpstr (value_of (list, "train.optimizer.lr"), ==, "0.05");
  g_assert_cmpstr (value_of (list, "train.optimizer.betas"), ==, "[0.9, 0.999]");
  g_assert_cmpstr (value_of (list, "train.batch_size"), ==, "1024");
  g_assert_cmpstr (value_of (list, "data.normalize"), ==, "true");
  g_assert_nonnull (value_of (list, "model.blocks"));
  g_assert_null (value_of (list, "name"));
  g_assert_null (value_of (list, "format"));
  g_assert_cmpstr (value_of (list, "model.params"), !=, NULL);

  lr = cep_hyperparameters_lookup (experiment, "train.optimizer.lr", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (lr->number, ==, 0.05);
  missing = cep_hyperparameters_lookup (experiment, "train.optimiser", &error);
  g_assert_null (missing);
  g_assert_error (error, CEP_HYPERPARAMETERS_ERROR, CEP_HYPERPARAMETERS_ERROR_UNKNOWN_KEY);
  g_assert_nonnull (strstr (error->message, "“train.optimiser”"));
}

static void
test_hyperparameters_varying (void)
{
  g_autoptr (CepExperiment) a = cep_experiment_new ();
  g_autoptr (CepExperiment) b = cep_experiment_new ();
  g_autoptr (CepExperiment) c = cep_experiment_new ();
  const CepExperiment *all[] = { a, b, c };
  g_auto (GStrv) keys = NULL;
  CepHyperparameter low = { "k", "0.5", 0.5 }, high = { "k", "10", 10 };
  CepHyperparameter word = { "k", "adam", NAN }, other = { "k", "sgd", NAN };

  b->train.batch_size = 128;
  c->train.optimizer.lr = 0.01;
  c->train.threads = 4;
  g_free (c->data.root);
  c->data.root = g_strdup ("/elsewhere");
  keys = cep_hyperparameters_varying (all, 3);
  g_assert_cmpuint (g_strv_length (keys), ==, 2);
  g_assert_cmpstr (keys[0], ==, "train.batch_size");
  g_assert_cmpstr (keys[1], ==, "train.optimizer.lr");
  g_clear_pointer (&keys, g_strfreev);
  keys = cep_hyperparameters_varying (all, 1);
  g_assert_cmpuint (g_strv_length (keys), ==, 0);

  /* Numbers by value (not "10" < "0.5" as text), words as text. */
  g_assert_cmpint (cep_hyperparameter_compare (&low, &high), <, 0);
  g_assert_cmpint (cep_hyperparameter_compare (&word, &other), <, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/curve-stats/smooth", test_smooth);
  g_test_add_func ("/curve-stats/smooth-constant", test_smooth_constant);
  g_test_add_func ("/curve-stats/band-alignment", test_band_alignment);
  g_test_add_func ("/curve-stats/band-bad-points", test_band_bad_points);
  g_test_add_func ("/curve-stats/band-thinned", test_band_thinned);
  g_test_add_func ("/curve-overlay/runs", test_overlay_runs);
  g_test_add_func ("/curve-overlay/groups", test_overlay_groups);
  g_test_add_func ("/curve-overlay/text-groups", test_overlay_text_groups);
  g_test_add_func ("/hyperparameters/list", test_hyperparameters);
  g_test_add_func ("/hyperparameters/varying", test_hyperparameters_varying);
  return g_test_run ();
}
