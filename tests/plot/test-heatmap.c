/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-heatmap.c: cell colours, the boolean dependency band, layout decisions, hover lookup.
 */
#include <math.h>
#include <stdlib.h>

#include "cep-heatmap-private.h"
#include "cep-plot-test-util.h"

#define N_PHONEMES 40

static const char * const phonemes[N_PHONEMES] = {
  "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY",
  "F", "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
  "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
};

static void
draw_heatmap (cairo_t *cr,
              double   width,
              double   height,
              gpointer heatmap)
{
  cep_heatmap_draw (heatmap, cr, width, height);
}

static void
compute_layout (const CepHeatmap *heatmap,
                double            width,
                double            height,
                CepHeatmapLayout *layout)
{
  cairo_t *cr = cep_test_scratch_context ();

  cep_heatmap_compute_layout (heatmap, cr, width, height, layout);
  cairo_destroy (cr);
}

static guint32
cell_pixel (cairo_surface_t        *image,
            const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            guint                   row,
            guint                   column)
{
  double x, y;

  cep_heatmap_layout_cell_center (heatmap, layout, row, column, &x, &y);
  return cep_test_pixel_at (image, x, y);
}

/* Near a cell's top-left corner, away from the number printed in its centre. */
static guint32
cell_corner_pixel (cairo_surface_t        *image,
                   const CepHeatmap       *heatmap,
                   const CepHeatmapLayout *layout,
                   guint                   row,
                   guint                   column)
{
  double x, y;

  cep_heatmap_layout_cell_center (heatmap, layout, row, column, &x, &y);
  return cep_test_pixel_at (image, x - 0.4 * layout->cells.width / heatmap->n_columns,
                            y - 0.4 * layout->cells.height / heatmap->n_rows);
}

/* Pixels inside a cell that differ clearly from its fill: the printed number. */
static guint
cell_ink (cairo_surface_t        *image,
          const CepHeatmap       *heatmap,
          const CepHeatmapLayout *layout,
          guint                   row,
          guint                   column)
{
  double cell_width = layout->cells.width / heatmap->n_columns;
  double cell_height = layout->cells.height / heatmap->n_rows;
  guint32 fill = cell_corner_pixel (image, heatmap, layout, row, column);
  double x, y;
  guint ink = 0;

  cep_heatmap_layout_cell_center (heatmap, layout, row, column, &x, &y);
  for (double dy = -cell_height / 2 + 2; dy < cell_height / 2 - 2; dy += 1.0)
    for (double dx = -cell_width / 2 + 2; dx < cell_width / 2 - 2; dx += 1.0)
      if (cep_test_rgb_distance (cep_test_pixel_at (image, x + dx, y + dy), fill) > 40)
        ink++;
  return ink;
}

/* A 6 x 9 ramp: each cell shows exactly the colormap entry of its value. */
static void
test_continuous_colors (void)
{
  float values[6 * 9];
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  cairo_surface_t *image;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i;
  values[4] = NAN;
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = 6;
  heatmap.n_columns = 9;
  heatmap.values = values;
  heatmap.colormap = CEP_COLORMAP_MAGMA;
  heatmap.title = "Ramp";
  compute_layout (&heatmap, 500, 400, &layout);
  g_assert_cmpfloat (layout.scale.min, ==, 0.0);
  g_assert_cmpfloat (layout.scale.max, ==, 53.0);
  image = cep_test_render (500, 400, draw_heatmap, &heatmap);
  cep_test_keep_image (image, "heatmap-ramp.png");
  for (guint r = 0; r < 6; r++)
    for (guint c = 0; c < 9; c++)
      {
        float value = values[r * 9 + c];
        guint32 expected = isnan (value)
                           ? cep_rgba_to_argb (&cep_plot_style_get_default ()->missing)
                           : cep_colormap_get_argb (CEP_COLORMAP_MAGMA, value / 53.0);

        cep_test_assert_rgb (cell_pixel (image, &heatmap, &layout, r, c), expected, 0);
      }
  /* Row 0 is on top unless origin_bottom. */
  g_assert_cmpfloat (layout.cells.y + 1, <, layout.cells.y + layout.cells.height / 6);
  cairo_surface_destroy (image);
}

/* Square cells of whole units when they are large enough. */
static void
test_square_cells (void)
{
  float values[3 * 5] = { 0 };
  CepHeatmap heatmap;
  CepHeatmapLayout layout;

  cep_heatmap_init (&heatmap);
  heatmap.n_rows = 3;
  heatmap.n_columns = 5;
  heatmap.values = values;
  compute_layout (&heatmap, 700, 300, &layout);
  g_assert_cmpfloat (layout.cells.width / 5, ==, layout.cells.height / 3);
  g_assert_cmpfloat (layout.cells.width / 5, ==, floor (layout.cells.width / 5));
  g_assert_cmpfloat (layout.cells.x, >=, 0);
  g_assert_cmpfloat (layout.legend.x + layout.legend.width, <=, 700);
  g_assert_cmpfloat (layout.cells.y + layout.cells.height, <=, 300);
  heatmap.square_cells = FALSE;
  compute_layout (&heatmap, 700, 300, &layout);
  g_assert_cmpfloat (layout.cells.width / 5, >, layout.cells.height / 3);
}

static void
fill_band (float *values,
           guint  n,
           int    k)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      values[i * n + j] = abs ((int) i - (int) j) <= k ? 1.0f : 0.0f;
}

/* The boolean dependency matrix of a context-K model: red exactly on |i - j| <= K. */
static void
check_band (guint    n,
            int      k,
            int      size,
            gboolean origin_bottom)
{
  g_autofree float *values = g_new (float, n * n);
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  cairo_surface_t *image;
  guint32 red, white;

  fill_band (values, n, k);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = n;
  heatmap.values = values;
  heatmap.mode = CEP_HEATMAP_BOOLEAN;
  heatmap.origin_bottom = origin_bottom;
  heatmap.x_label = "Input frame";
  heatmap.y_label = "Output frame";
  red = cep_rgba_to_argb (&heatmap.true_color);
  white = cep_rgba_to_argb (&heatmap.false_color);
  compute_layout (&heatmap, size, size, &layout);
  image = cep_test_render (size, size, draw_heatmap, &heatmap);
  cep_test_keep_image (image, origin_bottom ? "heatmap-band-bottom.png" : "heatmap-band.png");
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      cep_test_assert_rgb (cell_pixel (image, &heatmap, &layout, i, j),
                           abs ((int) i - (int) j) <= k ? red : white, 0);
  cairo_surface_destroy (image);
}

static void
test_boolean_band (void)
{
  check_band (24, 3, 600, FALSE);
  check_band (24, 3, 600, TRUE);
  /* T = 200 frames, cells of about 3 pixels: still exact at every cell centre. */
  check_band (200, 15, 800, FALSE);
}

static guint
count_dark_pixels (cairo_surface_t   *image,
                   const CepPlotRect *area)
{
  guint dark = 0;

  for (int y = (int) area->y + 1; y < (int) (area->y + area->height) - 1; y++)
    for (int x = (int) area->x + 1; x < (int) (area->x + area->width) - 1; x++)
      if (cep_test_brightness (cep_test_pixel (image, x, y)) < 600)
        dark++;
  return dark;
}

/* The expected band's outline is drawn over the cells only when asked for, and along the
 * band's edges: cells well inside it and well outside stay clean. */
static void
test_band_outline (void)
{
  guint n = 20;
  g_autofree float *values = g_new0 (float, n * n);
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  cairo_surface_t *plain, *outlined;

  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = n;
  heatmap.values = values;
  heatmap.mode = CEP_HEATMAP_BOOLEAN;
  compute_layout (&heatmap, 500, 500, &layout);
  plain = cep_test_render (500, 500, draw_heatmap, &heatmap);
  heatmap.band_halfwidth = 2;
  outlined = cep_test_render (500, 500, draw_heatmap, &heatmap);
  cep_test_keep_image (outlined, "heatmap-outline.png");
  g_assert_cmpuint (count_dark_pixels (plain, &layout.cells), ==, 0);
  g_assert_cmpuint (count_dark_pixels (outlined, &layout.cells), >, 100);
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (abs ((int) i - (int) j) != 2 && abs ((int) i - (int) j) != 3)
        cep_test_assert_rgb (cell_pixel (outlined, &heatmap, &layout, i, j),
                             cell_pixel (plain, &heatmap, &layout, i, j), 0);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (outlined);
}

static void
make_confusion (float *counts)
{
  for (guint r = 0; r < N_PHONEMES; r++)
    for (guint c = 0; c < N_PHONEMES; c++)
      counts[r * N_PHONEMES + c] = r == c ? 200.0f + r : ((r * 7 + c * 3) % 11 == 0 ? 5.0f : 0.0f);
}

/* 40 x 40 phonemes: every label shown (small font rather than skipping), column labels
 * rotated when the cell is narrower than "[SIL]", numbers in cells only when they fit. */
static void
test_confusion_layout (void)
{
  float counts[N_PHONEMES * N_PHONEMES], percent[N_PHONEMES * N_PHONEMES];
  CepHeatmap heatmap;
  CepHeatmapLayout small, large;
  cairo_surface_t *image;

  make_confusion (counts);
  cep_heatmap_normalize_rows (counts, N_PHONEMES, N_PHONEMES, percent);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = N_PHONEMES;
  heatmap.values = percent;
  heatmap.cell_values = counts;
  heatmap.row_labels = heatmap.column_labels = phonemes;
  heatmap.min = 0;
  heatmap.max = 100;
  heatmap.title = "Confusion matrix";
  heatmap.x_label = "Predicted";
  heatmap.y_label = "True";
  compute_layout (&heatmap, 800, 800, &small);
  g_assert_cmpuint (small.row_every, ==, 1);
  g_assert_cmpuint (small.column_every, ==, 1);
  g_assert_true (small.rotate_column_labels);
  g_assert_false (small.cell_text);
  compute_layout (&heatmap, 1600, 1600, &large);
  g_assert_true (large.cell_text);
  g_assert_cmpint (large.row_font, ==, CEP_PLOT_FONT_BODY);
  g_assert_cmpfloat (large.scale.max, ==, 100.0);
  image = cep_test_render (1600, 1600, draw_heatmap, &heatmap);
  cep_test_keep_image (image, "heatmap-confusion.png");
  /* The diagonal (row-normalized near 100 %) is the colormap's bright end, off-diagonal
   * zeros its dark end. */
  for (guint i = 0; i < N_PHONEMES; i++)
    {
      guint32 diagonal = cell_corner_pixel (image, &heatmap, &large, i, i);
      guint32 off = cell_corner_pixel (image, &heatmap, &large, i, (i + 1) % N_PHONEMES);

      g_assert_cmpuint (cep_test_brightness (diagonal), >, 450);
      /* Counts are printed in their cells; zeros are left out. */
      g_assert_cmpuint (cell_ink (image, &heatmap, &large, i, i), >, 10);
      if (counts[i * N_PHONEMES + (i + 1) % N_PHONEMES] == 0.0f)
        {
          cep_test_assert_rgb (off, cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 0.0), 0);
          g_assert_cmpuint (cell_ink (image, &heatmap, &large, i, (i + 1) % N_PHONEMES), ==, 0);
        }
    }
  cairo_surface_destroy (image);
}

static gboolean
is_round_stride (guint stride)
{
  while (stride % 10 == 0)
    stride /= 10;
  return stride == 1 || stride == 2 || stride == 5;
}

/* Many rows and long labels on a small figure: labels thin out instead of overlapping, to a
 * round stride, flat and at the body size (skipping is unavoidable, so no small font). */
/* Pixels of a row's label strip, left of the cells, that differ from the background. */
static guint
row_label_ink (cairo_surface_t        *image,
               const CepHeatmap       *heatmap,
               const CepHeatmapLayout *layout,
               guint                   row)
{
  double cell_height = layout->cells.height / heatmap->n_rows;
  guint32 background = cep_test_pixel (image, 0, 0);
  double x, y;
  guint ink = 0;

  cep_heatmap_layout_cell_center (heatmap, layout, row, 0, &x, &y);
  for (int py = (int) ceil (y - cell_height / 2); py < (int) floor (y + cell_height / 2); py++)
    for (int px = (int) layout->cells.x - 40; px < (int) layout->cells.x - 2; px++)
      ink += cep_test_rgb_distance (cep_test_pixel (image, px, py), background) > 60;
  return ink;
}

/* The Analyze page gives the confusion matrix about 560 × 540: every one of forty phonemes is
 * still named on both axes (it named every fifth), in the tiny font before any is skipped. */
static void
test_every_class_labelled (void)
{
  float counts[N_PHONEMES * N_PHONEMES];
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  cairo_surface_t *image;

  make_confusion (counts);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = N_PHONEMES;
  heatmap.values = counts;
  heatmap.row_labels = heatmap.column_labels = phonemes;
  heatmap.square_cells = TRUE;
  heatmap.title = "Confusion matrix, dev-clean: accuracy 39.33 %";
  heatmap.x_label = "predicted";
  heatmap.y_label = "true";
  heatmap.colorbar_label = "frames";
  compute_layout (&heatmap, 560, 540, &layout);
  g_assert_cmpuint (layout.row_every, ==, 1);
  g_assert_cmpuint (layout.column_every, ==, 1);
  g_assert_cmpint (layout.row_font, ==, CEP_PLOT_FONT_TINY);
  g_assert_true (layout.rotate_column_labels);
  image = cep_test_render (560, 540, draw_heatmap, &heatmap);
  cep_test_keep_image (image, "heatmap-confusion-every-label.png");
  for (guint r = 0; r < N_PHONEMES; r++)
    g_assert_cmpuint (row_label_ink (image, &heatmap, &layout, r), >, 3);
  cairo_surface_destroy (image);
}

static void
test_label_stride (void)
{
  g_autofree float *values = g_new0 (float, 120 * 120);
  const char *labels[120];
  CepHeatmap heatmap;
  CepHeatmapLayout layout;

  for (guint i = 0; i < 120; i++)
    labels[i] = phonemes[i % N_PHONEMES];
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 120;
  heatmap.values = values;
  heatmap.row_labels = heatmap.column_labels = labels;
  compute_layout (&heatmap, 500, 500, &layout);
  g_assert_cmpuint (layout.row_every, >, 1);
  g_assert_cmpuint (layout.column_every, >, 1);
  g_assert_true (is_round_stride (layout.row_every));
  g_assert_true (is_round_stride (layout.column_every));
  g_assert_cmpint (layout.row_font, ==, CEP_PLOT_FONT_BODY);
  g_assert_false (layout.rotate_column_labels);
  g_assert_cmpfloat (layout.row_every * layout.cells.height / 120, >=, 15.0);
  heatmap.row_label_every = 7;
  compute_layout (&heatmap, 500, 500, &layout);
  g_assert_cmpuint (layout.row_every, ==, 7);
}

static void
test_cell_at (void)
{
  float values[7 * 4] = { 0 };
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  guint row, column;

  cep_heatmap_init (&heatmap);
  heatmap.n_rows = 7;
  heatmap.n_columns = 4;
  heatmap.values = values;
  for (int bottom = 0; bottom < 2; bottom++)
    {
      heatmap.origin_bottom = bottom;
      compute_layout (&heatmap, 400, 500, &layout);
      for (guint r = 0; r < 7; r++)
        for (guint c = 0; c < 4; c++)
          {
            double x, y;

            cep_heatmap_layout_cell_center (&heatmap, &layout, r, c, &x, &y);
            g_assert_true (cep_heatmap_layout_cell_at (&heatmap, &layout, x, y, &row, &column));
            g_assert_cmpuint (row, ==, r);
            g_assert_cmpuint (column, ==, c);
          }
      g_assert_false (cep_heatmap_layout_cell_at (&heatmap, &layout, layout.cells.x - 1,
                                                  layout.cells.y + 1, &row, &column));
      g_assert_false (cep_heatmap_layout_cell_at (&heatmap, &layout, 1, 1, NULL, NULL));
    }
}

/* A widget's cached image gives the same picture as building it on the fly. */
static void
test_cached_image (void)
{
  float values[5 * 5];
  CepHeatmap heatmap;
  cairo_surface_t *direct, *cached;

  for (guint i = 0; i < 25; i++)
    values[i] = sinf (i);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 5;
  heatmap.values = values;
  heatmap.symmetric = TRUE;
  heatmap.colormap = CEP_COLORMAP_COOLWARM;
  direct = cep_test_render (300, 300, draw_heatmap, &heatmap);
  heatmap.image = cep_heatmap_create_image (&heatmap);
  cached = cep_test_render (300, 300, draw_heatmap, &heatmap);
  for (int y = 0; y < 300; y += 3)
    for (int x = 0; x < 300; x += 3)
      cep_test_assert_rgb (cep_test_pixel (direct, x, y), cep_test_pixel (cached, x, y), 0);
  cairo_surface_destroy (heatmap.image);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (cached);
}

/* Cell numbers with decimals and a suffix (row-normalized percentages in the cells). */
static void
test_cell_number_format (void)
{
  float percent[4] = { 12.5f, 87.5f, 100.0f, 0.0f };
  CepHeatmap heatmap;
  CepHeatmapLayout narrow, wide;
  char text[64];

  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 2;
  heatmap.values = heatmap.cell_values = percent;
  _cep_heatmap_format_cell (&heatmap, 12.5, text, sizeof text);
  g_assert_cmpstr (text, ==, "12");
  heatmap.cell_decimals = 1;
  heatmap.cell_suffix = "%";
  _cep_heatmap_format_cell (&heatmap, 12.5, text, sizeof text);
  g_assert_cmpstr (text, ==, "12.5%");
  heatmap.cell_decimals = 40;
  _cep_heatmap_format_cell (&heatmap, 0.25, text, sizeof text);
  g_assert_cmpstr (text, ==, "0.250000%");
  /* "100.0%" needs wider cells than "100". */
  heatmap.cell_decimals = 1;
  compute_layout (&heatmap, 90, 70, &narrow);
  compute_layout (&heatmap, 600, 500, &wide);
  g_assert_false (narrow.cell_text);
  g_assert_true (wide.cell_text);
}

static void
test_normalize_rows (void)
{
  float counts[] = { 1, 3, 0, 0, 0, 0, 5, 5, 10 };
  float percent[9];

  cep_heatmap_normalize_rows (counts, 3, 3, percent);
  g_assert_cmpfloat (percent[0], ==, 25.0f);
  g_assert_cmpfloat (percent[1], ==, 75.0f);
  g_assert_cmpfloat (percent[2], ==, 0.0f);
  g_assert_true (isnan (percent[3]) && isnan (percent[4]) && isnan (percent[5]));
  g_assert_cmpfloat (percent[8], ==, 50.0f);
}

/* The dark style changes the surroundings, never the data colours. */
static void
test_dark_style (void)
{
  float values[4] = { 0, 1, 2, 3 };
  CepPlotStyle dark;
  CepHeatmap heatmap;
  CepHeatmapLayout layout;
  cairo_surface_t *image;

  cep_plot_style_init_dark (&dark);
  cep_heatmap_init (&heatmap);
  heatmap.n_rows = heatmap.n_columns = 2;
  heatmap.values = values;
  heatmap.style = &dark;
  compute_layout (&heatmap, 300, 300, &layout);
  image = cep_test_render (300, 300, draw_heatmap, &heatmap);
  cep_test_assert_rgb (cep_test_pixel (image, 1, 1), cep_rgba_to_argb (&dark.background), 0);
  cep_test_assert_rgb (cell_pixel (image, &heatmap, &layout, 1, 1),
                       cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 1.0), 0);
  cairo_surface_destroy (image);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/heatmap/continuous-colors", test_continuous_colors);
  g_test_add_func ("/plot/heatmap/square-cells", test_square_cells);
  g_test_add_func ("/plot/heatmap/boolean-band", test_boolean_band);
  g_test_add_func ("/plot/heatmap/band-outline", test_band_outline);
  g_test_add_func ("/plot/heatmap/confusion-layout", test_confusion_layout);
  g_test_add_func ("/plot/heatmap/label-stride", test_label_stride);
  g_test_add_func ("/plot/heatmap/every-class-labelled", test_every_class_labelled);
  g_test_add_func ("/plot/heatmap/cell-at", test_cell_at);
  g_test_add_func ("/plot/heatmap/cached-image", test_cached_image);
  g_test_add_func ("/plot/heatmap/cell-number-format", test_cell_number_format);
  g_test_add_func ("/plot/heatmap/normalize-rows", test_normalize_rows);
  g_test_add_func ("/plot/heatmap/dark-style", test_dark_style);

  return g_test_run ();
}
