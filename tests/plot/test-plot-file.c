/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-plot-file.c: PNG and SVG files of every renderer, atomic writes, errors naming files.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cep-heatmap.h"
#include "cep-line-plot.h"
#include "cep-plot-file.h"
#include "cep-plot-test-util.h"
#include "cep-spectrogram-plot.h"

typedef struct
{
  char               *dir;
  float               matrix[16 * 16];
  double              curve[50];
  CepHeatmap          heatmap;
  CepLineSeries       series;
  CepLinePlot         line_plot;
  CepSpectrogramPlot  spectrogram;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("cepstra-plot-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->matrix); i++)
    fixture->matrix[i] = sinf (i * 0.1f);
  for (guint i = 0; i < G_N_ELEMENTS (fixture->curve); i++)
    fixture->curve[i] = 1.0 / (1.0 + i);
  cep_heatmap_init (&fixture->heatmap);
  fixture->heatmap.n_rows = fixture->heatmap.n_columns = 16;
  fixture->heatmap.values = fixture->matrix;
  fixture->heatmap.title = "Heatmap";
  fixture->series = (CepLineSeries) { .name = "loss", .y = fixture->curve, .n = 50 };
  cep_line_plot_init (&fixture->line_plot);
  fixture->line_plot.series = &fixture->series;
  fixture->line_plot.n_series = 1;
  cep_spectrogram_plot_init (&fixture->spectrogram);
  fixture->spectrogram.values = fixture->matrix;
  fixture->spectrogram.n_frames = 32;
  fixture->spectrogram.n_coefficients = 8;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GDir *dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  /* Everything the tests wrote, and nothing left behind by the atomic writes. */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      g_assert_true (g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".svg"));
      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->dir);
}

static void
assert_png (const char *path,
            int         width,
            int         height)
{
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *contents = NULL;
  cairo_surface_t *image;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, sizeof magic);
  g_assert_cmpmem (contents, sizeof magic, magic, sizeof magic);
  /* It decodes, at the size asked for. */
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, width);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, height);
  cairo_surface_destroy (image);
}

typedef struct
{
  guint depth;
  guint elements;
  char *root;
} SvgScan;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              data,
           GError              **error)
{
  SvgScan *scan = data;

  if (scan->depth++ == 0)
    scan->root = g_strdup (element);
  scan->elements++;
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              data,
         GError              **error)
{
  ((SvgScan *) data)->depth--;
}

/* Well-formed XML (GMarkup parses it to the end) whose root element is <svg>. */
static void
assert_svg (const char *path)
{
  static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GMarkupParseContext *context;
  SvgScan scan = { 0 };
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);
  g_assert_cmpstr (scan.root, ==, "svg");
  g_assert_cmpuint (scan.depth, ==, 0);
  g_assert_cmpuint (scan.elements, >, 10);
  g_free (scan.root);
}

typedef struct
{
  const char      *name;
  CepPlotDrawFunc  draw;
  gpointer         data;
} Figure;

static void
test_every_renderer (Fixture       *fixture,
                     gconstpointer  data)
{
  Figure figures[] = {
    { "heatmap", cep_heatmap_draw_func, &fixture->heatmap },
    { "curves", cep_line_plot_draw_func, &fixture->line_plot },
    { "spectrogram", cep_spectrogram_plot_draw_func, &fixture->spectrogram },
  };

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *png_name = g_strdup_printf ("%s.png", figures[i].name);
      g_autofree char *svg_name = g_strdup_printf ("%s.svg", figures[i].name);
      g_autofree char *png = g_build_filename (fixture->dir, png_name, NULL);
      g_autofree char *svg = g_build_filename (fixture->dir, svg_name, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (cep_plot_save_png (png, 640, 480, figures[i].draw, figures[i].data, &error));
      g_assert_no_error (error);
      assert_png (png, 640, 480);
      g_assert_true (cep_plot_save_svg (svg, 640, 480, figures[i].draw, figures[i].data, &error));
      g_assert_no_error (error);
      assert_svg (svg);
    }
}

static void
test_scaled_png (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "hidpi.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_plot_save_png_scaled (path, 300, 200, 2.0, cep_heatmap_draw_func,
                                           &fixture->heatmap, &error));
  g_assert_no_error (error);
  assert_png (path, 600, 400);
}

static void
test_by_extension (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *png = g_build_filename (fixture->dir, "figure.PNG", NULL);
  g_autofree char *svg = g_build_filename (fixture->dir, "figure.svg", NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "figure.bmp", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_plot_save (png, 320, 240, cep_line_plot_draw_func, &fixture->line_plot,
                                &error));
  assert_png (png, 320, 240);
  g_assert_true (cep_plot_save (svg, 320, 240, cep_line_plot_draw_func, &fixture->line_plot,
                                &error));
  assert_svg (svg);
  g_assert_false (cep_plot_save (other, 320, 240, cep_line_plot_draw_func, &fixture->line_plot,
                                 &error));
  g_assert_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "figure.bmp"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* An existing file is replaced as a whole. */
static void
test_replaces (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "replace.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "not a png", -1, NULL));
  g_assert_true (cep_plot_save_png (path, 200, 100, cep_heatmap_draw_func, &fixture->heatmap,
                                    &error));
  g_assert_no_error (error);
  assert_png (path, 200, 100);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-folder", "plot.png", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "size.png", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (cep_plot_save_png (missing, 100, 100, cep_heatmap_draw_func,
                                     &fixture->heatmap, &error));
  g_assert_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);

  g_assert_false (cep_plot_save_svg (missing, 100, 100, cep_heatmap_draw_func,
                                     &fixture->heatmap, &error));
  g_assert_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_IO);
  g_clear_error (&error);

  g_assert_false (cep_plot_save_png (path, 0, 100, cep_heatmap_draw_func, &fixture->heatmap,
                                     &error));
  g_assert_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "size.png"));
  g_clear_error (&error);
  g_assert_false (cep_plot_save_png (path, 100000, 100, cep_heatmap_draw_func,
                                     &fixture->heatmap, &error));
  g_assert_error (error, CEP_PLOT_ERROR, CEP_PLOT_ERROR_INVALID);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/plot/file/every-renderer", Fixture, NULL, fixture_setup, test_every_renderer,
              fixture_teardown);
  g_test_add ("/plot/file/scaled-png", Fixture, NULL, fixture_setup, test_scaled_png,
              fixture_teardown);
  g_test_add ("/plot/file/by-extension", Fixture, NULL, fixture_setup, test_by_extension,
              fixture_teardown);
  g_test_add ("/plot/file/replaces", Fixture, NULL, fixture_setup, test_replaces,
              fixture_teardown);
  g_test_add ("/plot/file/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);

  return g_test_run ();
}
