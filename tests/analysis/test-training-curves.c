/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-training-curves.c: metrics.jsonl read into curves (steps, epochs, dev, nulls, other
 * events skipped), bad lines named by file and line, and the figures of an analysis rendered
 * to PNG and SVG.
 */
#include "cep-analysis-figures.h"
#include "cep-plot-file.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static const char metrics[] =
  "{\"event\":\"start\",\"time\":1.5,\"elapsed\":0,\"epoch\":0,\"step\":0,\"backend\":\"ref\","
  "\"resumed\":false}\n"
  "{\"event\":\"step\",\"time\":2,\"elapsed\":0.5,\"epoch\":0,\"step\":1,\"lr\":0.001,"
  "\"loss\":3.7,\"accuracy\":0.05,\"samples_per_second\":1000,\"batch\":0}\n"
  "{\"event\":\"step\",\"time\":2.5,\"elapsed\":1,\"epoch\":0,\"step\":2,\"lr\":0.001,"
  "\"loss\":null,\"accuracy\":0.25,\"samples_per_second\":1200,\"batch\":1}\n"
  "{\"event\":\"epoch\",\"time\":3,\"elapsed\":1.5,\"epoch\":0,\"step\":2,\"lr\":0.001,"
  "\"loss\":3.1,\"accuracy\":0.15,\"samples_per_second\":1100,\"dev_loss\":2.9,"
  "\"dev_accuracy\":0.3}\n"
  "{\"event\":\"checkpoint\",\"time\":3,\"elapsed\":1.5,\"epoch\":0,\"step\":2,"
  "\"path\":\"checkpoints/best.safetensors\",\"best\":true}\n"
  "\n"
  "{\"event\":\"step\",\"time\":3.5,\"elapsed\":2,\"epoch\":1,\"step\":3,\"lr\":0.0005,"
  "\"loss\":2.5,\"accuracy\":0.4,\"samples_per_second\":1300,\"batch\":0}\n"
  "{\"event\":\"epoch\",\"time\":4,\"elapsed\":2.5,\"epoch\":1,\"step\":3,\"lr\":0.0005,"
  "\"loss\":2.5,\"accuracy\":0.4,\"samples_per_second\":1300,\"dev_loss\":2.4,"
  "\"dev_accuracy\":0.45}\n"
  "{\"event\":\"finished\",\"time\":4,\"elapsed\":2.5,\"epoch\":1,\"step\":3}\n";

static double
at (GArray *array,
    guint   i)
{
  return g_array_index (array, double, i);
}

static void
test_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepTrainingCurves) curves = cep_training_curves_new_from_text (metrics, "m",
                                                                          &error);

  g_assert_no_error (error);
  g_assert_cmpuint (curves->step->len, ==, 3);
  g_assert_cmpfloat (at (curves->step, 2), ==, 3);
  g_assert_cmpfloat (at (curves->step_loss, 0), ==, 3.7);
  g_assert_true (isnan (at (curves->step_loss, 1)));
  g_assert_cmpfloat (at (curves->step_lr, 2), ==, 0.0005);
  g_assert_cmpfloat (at (curves->step_samples_per_second, 1), ==, 1200);
  g_assert_cmpuint (curves->epoch->len, ==, 2);
  g_assert_cmpfloat (at (curves->epoch, 0), ==, 1);
  g_assert_cmpfloat (at (curves->epoch_step, 1), ==, 3);
  g_assert_cmpfloat (at (curves->train_accuracy, 0), ==, 0.15);
  g_assert_cmpfloat (at (curves->dev_accuracy, 1), ==, 0.45);
  g_assert_cmpfloat (at (curves->epoch_elapsed, 1), ==, 2.5);
  g_assert_true (curves->has_dev);
}

static void
expect_parse_error (const char *text,
                    const char *fragment)
{
  g_autoptr(GError) error = NULL;
  CepTrainingCurves *curves = cep_training_curves_new_from_text (text, "run/metrics.jsonl",
                                                                 &error);

  g_assert_null (curves);
  g_assert_error (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_PARSE);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, fragment);
}

static void
test_bad_lines (void)
{
  g_autoptr(GError) error = NULL;

  expect_parse_error ("{\"event\":\"start\"}\nnot json\n", "run/metrics.jsonl:2: not a JSON");
  expect_parse_error ("[1, 2]\n", "run/metrics.jsonl:1: not a JSON object");
  expect_parse_error ("{\"event\":\"step\",\"step\":1,\"loss\":\"x\",\"accuracy\":0,\"lr\":0,"
                      "\"samples_per_second\":0}\n", "a step line without a number \"loss\"");
  expect_parse_error ("{\"event\":\"epoch\",\"epoch\":0,\"step\":1,\"loss\":1,\"accuracy\":0,"
                      "\"elapsed\":1,\"dev_loss\":1}\n", "\"dev_accuracy\"");
  g_assert_null (cep_training_curves_load ("/nonexistent/metrics.jsonl", &error));
  g_assert_error (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_IO);
}

/* A reader during training may find the last line half written: it is left out, while the
 * same text with its newline is an error, and a complete last line without one is read. */
static void
test_line_being_written (void)
{
  const char *epoch = "{\"event\":\"epoch\",\"epoch\":0,\"step\":1,\"loss\":1,"
                      "\"accuracy\":0.5,\"elapsed\":1}";
  g_autofree char *half = g_strdup_printf ("%s\n{\"event\":\"ep", epoch);
  g_autofree char *broken = g_strdup_printf ("%s\n{\"event\":\"ep\n", epoch);
  g_autofree char *unterminated = g_strdup_printf ("%s\n%s", epoch, epoch);
  g_autoptr(CepTrainingCurves) curves = NULL;
  g_autoptr(CepTrainingCurves) both = NULL;
  g_autoptr(GError) error = NULL;

  curves = cep_training_curves_new_from_text (half, "m", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curves->epoch->len, ==, 1);
  expect_parse_error (broken, "run/metrics.jsonl:2: not a JSON object");
  both = cep_training_curves_new_from_text (unterminated, "m", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (both->epoch->len, ==, 2);
}

static void
assert_file_starts (const char *path,
                    const char *magic,
                    gsize       length)
{
  g_autofree char *data = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  g_assert_cmpuint (size, >, length);
  g_assert_cmpmem (data, length, magic, length);
  g_unlink (path);
}

static void
test_figures_render (void)
{
  g_autoptr(CepTrainingCurves) curves = cep_training_curves_new_from_text (metrics, "m", NULL);
  g_autofree char *dir = g_dir_make_tmp ("cep-figures-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "curves.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "curves.svg", NULL);
  g_autoptr(GError) error = NULL;
  CepTrainingFigure figure;

  cep_training_curves_init_figure (curves, "demo", &figure);
  g_assert_cmpuint (figure.plot.n_series, ==, 6);
  g_assert_cmpuint (figure.plot.n_epoch_marks, ==, 2);
  g_assert_cmpstr (figure.plot.title, ==, "Training curves, demo");
  g_assert_true (cep_plot_save_png (png, 640, 480, cep_line_plot_draw_func, &figure.plot,
                                    &error));
  g_assert_true (cep_plot_save_svg (svg, 640, 480, cep_line_plot_draw_func, &figure.plot,
                                    &error));
  g_assert_no_error (error);
  cep_training_figure_clear (&figure);
  assert_file_starts (png, "\x89PNG\r\n\x1a\n", 8);
  assert_file_starts (svg, "<?xml", 5);
  g_rmdir (dir);
}

static void
test_confusion_figure (void)
{
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();
  g_autoptr(CepConfusion) confusion = cep_confusion_new (table);
  const guint8 labels[] = { 1, 1, 2, 3, 3 };
  const guint8 guesses[] = { 1, 2, 2, 3, 1 };
  CepHeatmapFigure figure;

  g_assert_true (cep_confusion_add (confusion, labels, guesses, 5, NULL));
  cep_confusion_init_figure (confusion, TRUE, "dev-clean", &figure);
  g_assert_cmpuint (figure.heatmap.n_rows, ==, 3);
  g_assert_cmpstr (figure.heatmap.row_labels[0], ==, "AA");
  g_assert_cmpstr (figure.heatmap.column_labels[2], ==, "AH");
  g_assert_cmpfloat (figure.heatmap.values[0 * 3 + 1], ==, 50);
  g_assert_cmpstr (figure.heatmap.title, ==, "Confusion matrix, dev-clean: accuracy 60.00 %");
  cep_heatmap_figure_clear (&figure);
}

static void
test_dependency_figure (void)
{
  /* 2 inputs (frames 4 and 6, stride 2) × 3 outputs (4, 5, 6). */
  guint8 depends[6] = { 1, 1, 0, 0, 1, 1 };
  float values[6] = { 1, 2, 0, 0, 3, 4 };
  CepDependencyMatrix matrix = {
    .mode = CEP_DEPENDENCY_MODE_SENSITIVITY, .n_inputs = 2, .n_outputs = 3, .start = 4,
    .stride = 2, .context = 1, .depends = depends, .values = values,
  };
  CepHeatmapFigure figure;

  cep_dependency_matrix_init_figure (&matrix, "u1", &figure);
  /* Rows are outputs, columns inputs. */
  g_assert_cmpuint (figure.heatmap.n_rows, ==, 3);
  g_assert_cmpuint (figure.heatmap.n_columns, ==, 2);
  g_assert_cmpfloat (figure.heatmap.values[1 * 2 + 0], ==, 2);
  g_assert_cmpfloat (figure.heatmap.values[2 * 2 + 1], ==, 4);
  g_assert_cmpstr (figure.heatmap.column_labels[1], ==, "6");
  g_assert_cmpstr (figure.heatmap.row_labels[2], ==, "6");
  g_assert_cmpint (figure.heatmap.band_halfwidth, ==, -1);   /* stride 2: no band */
  g_assert_cmpint (figure.heatmap.mode, ==, CEP_HEATMAP_CONTINUOUS);
  cep_heatmap_figure_clear (&figure);
  matrix.mode = CEP_DEPENDENCY_MODE_BOOL;
  matrix.values = NULL;
  matrix.stride = 1;
  matrix.n_inputs = 2;
  matrix.n_outputs = 3;
  cep_dependency_matrix_init_figure (&matrix, "u1", &figure);
  g_assert_cmpint (figure.heatmap.mode, ==, CEP_HEATMAP_BOOLEAN);
  g_assert_cmpint (figure.heatmap.band_halfwidth, ==, 1);
  g_assert_cmpfloat (figure.heatmap.values[1 * 2 + 1], ==, 1);
  cep_heatmap_figure_clear (&figure);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/training-curves/read", test_read);
  g_test_add_func ("/training-curves/bad-lines", test_bad_lines);
  g_test_add_func ("/training-curves/line-being-written", test_line_being_written);
  g_test_add_func ("/figures/training-render", test_figures_render);
  g_test_add_func ("/figures/confusion", test_confusion_figure);
  g_test_add_func ("/figures/dependency", test_dependency_figure);
  return g_test_run ();
}
