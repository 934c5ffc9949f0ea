/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-colormap.c: colormap tables, value scales, the palettes and the colour bar.
 */
#include <math.h>

#include "cep-colorbar.h"
#include "cep-colormap.h"
#include "cep-plot-test-util.h"

static guint32
hex (guint32 rgb)
{
  return 0xff000000u | rgb;
}

/* matplotlib's own first, middle and last entries, which the polynomial fits match to within
 * 6/255 per channel (their worst is magma's light end). */
static void
test_endpoints (void)
{
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 0.0), hex (0x440154), 4);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 0.5), hex (0x21918c), 4);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 1.0), hex (0xfde725), 4);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 0.0), hex (0x000004), 4);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 0.5), hex (0xb73779), 4);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 1.0), hex (0xfcfdbf), 6);
  /* Moreland's cool-warm: its published end colours and a neutral grey centre. */
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_COOLWARM, 0.0), hex (0x3b4cc0), 1);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_COOLWARM, 1.0), hex (0xb40426), 1);
  cep_test_assert_rgb (cep_colormap_get_argb (CEP_COLORMAP_COOLWARM, 0.5), hex (0xdddddd), 2);
}

/* Perceptual sequential maps get lighter from one end to the other, never darker. */
static void
test_sequential_lightness_increases (void)
{
  CepColormap maps[] = { CEP_COLORMAP_VIRIDIS, CEP_COLORMAP_MAGMA };

  for (guint m = 0; m < G_N_ELEMENTS (maps); m++)
    {
      double previous = -1.0;

      for (guint i = 0; i < CEP_COLORMAP_SIZE; i++)
        {
          CepRgba color = cep_colormap_get_color (maps[m], (i + 0.5) / CEP_COLORMAP_SIZE);
          double luminance = cep_rgba_luminance (&color);

          g_assert_cmpfloat (luminance, >=, previous - 1e-3);
          previous = luminance;
        }
      g_assert_cmpfloat (previous, >, 0.7);
    }
}

/* The diverging map is darkest at its ends and symmetric in lightness around the centre. */
static void
test_diverging_symmetry (void)
{
  for (guint i = 0; i < CEP_COLORMAP_SIZE / 2; i++)
    {
      CepRgba low = cep_colormap_get_color (CEP_COLORMAP_COOLWARM,
                                            (i + 0.5) / CEP_COLORMAP_SIZE);
      CepRgba high = cep_colormap_get_color (CEP_COLORMAP_COOLWARM,
                                             (CEP_COLORMAP_SIZE - i - 0.5) / CEP_COLORMAP_SIZE);

      g_assert_cmpfloat (fabs (cep_rgba_luminance (&low) - cep_rgba_luminance (&high)), <, 0.06);
      g_assert_cmpfloat (low.blue, >=, low.red);
      g_assert_cmpfloat (high.red, >=, high.blue);
    }
  g_assert_true (cep_colormap_is_diverging (CEP_COLORMAP_COOLWARM));
  g_assert_false (cep_colormap_is_diverging (CEP_COLORMAP_VIRIDIS));
}

static void
test_index (void)
{
  g_assert_cmpuint (cep_colormap_index (0.0), ==, 0);
  g_assert_cmpuint (cep_colormap_index (-3.0), ==, 0);
  g_assert_cmpuint (cep_colormap_index (NAN), ==, 0);
  g_assert_cmpuint (cep_colormap_index (1.0 / 256 - 1e-9), ==, 0);
  g_assert_cmpuint (cep_colormap_index (1.0 / 256), ==, 1);
  g_assert_cmpuint (cep_colormap_index (0.5), ==, 128);
  g_assert_cmpuint (cep_colormap_index (1.0 - 1e-12), ==, 255);
  g_assert_cmpuint (cep_colormap_index (1.0), ==, 255);
  g_assert_cmpuint (cep_colormap_index (7.0), ==, 255);
}

static void
test_names (void)
{
  CepColormap colormap = CEP_N_COLORMAPS;

  for (guint i = 0; i < CEP_N_COLORMAPS; i++)
    {
      g_assert_true (cep_colormap_from_name (cep_colormap_get_name (i), &colormap));
      g_assert_cmpint (colormap, ==, i);
    }
  g_assert_true (cep_colormap_from_name ("Magma", &colormap));
  g_assert_cmpint (colormap, ==, CEP_COLORMAP_MAGMA);
  g_assert_true (cep_colormap_from_name ("diverging", &colormap));
  g_assert_cmpint (colormap, ==, CEP_COLORMAP_COOLWARM);
  g_assert_false (cep_colormap_from_name ("jet", &colormap));
}

static void
test_scale (void)
{
  float values[] = { -2.0f, NAN, 0.5f, 6.0f };
  CepColorScale scale;

  cep_color_scale_fit_floats (&scale, CEP_COLORMAP_VIRIDIS, values, G_N_ELEMENTS (values), FALSE);
  g_assert_cmpfloat (scale.min, ==, -2.0);
  g_assert_cmpfloat (scale.max, ==, 6.0);
  g_assert_cmpfloat (cep_color_scale_position (&scale, 2.0), ==, 0.5);
  g_assert_cmpfloat (cep_color_scale_position (&scale, 100.0), ==, 1.0);
  g_assert_cmpfloat (cep_color_scale_position (&scale, -100.0), ==, 0.0);
  g_assert_true (isnan (cep_color_scale_position (&scale, NAN)));
  g_assert_cmphex (cep_color_scale_get_argb (&scale, NAN, 0xff123456), ==, 0xff123456);
  g_assert_cmphex (cep_color_scale_get_argb (&scale, 6.0, 0),
                   ==, cep_colormap_get_argb (CEP_COLORMAP_VIRIDIS, 1.0));

  cep_color_scale_fit_floats (&scale, CEP_COLORMAP_COOLWARM, values, G_N_ELEMENTS (values), TRUE);
  g_assert_cmpfloat (scale.min, ==, -6.0);
  g_assert_cmpfloat (scale.max, ==, 6.0);
  g_assert_cmpfloat (cep_color_scale_position (&scale, 0.0), ==, 0.5);

  /* Degenerate: everything in the middle, nothing divided by zero. */
  cep_color_scale_init (&scale, CEP_COLORMAP_VIRIDIS, 3.0, 3.0);
  g_assert_cmpfloat (cep_color_scale_position (&scale, 3.0), ==, 0.5);
  cep_color_scale_fit_floats (&scale, CEP_COLORMAP_VIRIDIS, values + 1, 1, FALSE);
  g_assert_cmpfloat (scale.min, <, scale.max);
}

static double
lab_distance (const CepRgba *a,
              const CepRgba *b)
{
  /* Luminance plus chroma differences are enough to tell "clearly different" colours. */
  double dr = a->red - b->red, dg = a->green - b->green, db = a->blue - b->blue;

  return sqrt (dr * dr + dg * dg + db * db);
}

static void
check_palette_wraps (void)
{
  CepRgba first = cep_palette_get_color (1);
  CepRgba again = cep_palette_get_color (1 + cep_palette_get_size ());

  cep_test_assert_rgb (cep_rgba_to_argb (&first), cep_rgba_to_argb (&again), 0);
}

/* Neighbouring class ids (what neighbouring segments usually are) differ clearly, and all
 * the 42 HW1P2 symbols get distinct colours. */
static void
test_palette (void)
{
  g_assert_cmpuint (cep_palette_get_size (), >=, 42);
  for (guint i = 0; i < 42; i++)
    {
      CepRgba a = cep_palette_get_color (i);

      for (guint j = i + 1; j < 42; j++)
        {
          CepRgba b = cep_palette_get_color (j);

          g_assert_cmpfloat (lab_distance (&a, &b), >, j == i + 1 ? 0.25 : 0.02);
        }
    }
  check_palette_wraps ();
  for (guint i = 0; i < 6; i++)
    {
      CepRgba a = cep_palette_get_series_color (i), b = cep_palette_get_series_color (i + 1);

      g_assert_cmpfloat (lab_distance (&a, &b), >, 0.25);
      /* Readable on white. */
      g_assert_cmpfloat (cep_rgba_luminance (&a), <, 0.45);
    }
}

static void
test_rgba_helpers (void)
{
  CepRgba white = cep_rgba_from_hex (0xffffff, 1.0), black = cep_rgba_from_hex (0, 1.0);
  CepRgba yellow = cep_rgba_from_hex (0xfde725, 1.0), purple = cep_rgba_from_hex (0x440154, 1.0);
  CepRgba ink;

  g_assert_cmpfloat_with_epsilon (cep_rgba_luminance (&white), 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (cep_rgba_luminance (&black), 0.0, 1e-9);
  ink = cep_rgba_contrasting_text (&yellow);
  g_assert_cmpfloat (ink.red, ==, 0.0);
  ink = cep_rgba_contrasting_text (&purple);
  g_assert_cmpfloat (ink.red, ==, 1.0);
  g_assert_cmphex (cep_rgba_to_argb (&purple), ==, 0xff440154);
}

typedef struct
{
  CepColorScale scale;
  CepPlotRect   strip;
} BarFixture;

static void
draw_bar (cairo_t *cr,
          double   width,
          double   height,
          gpointer data)
{
  BarFixture *fixture = data;
  g_autoptr(CepPlotText) text = cep_plot_text_new (cr, NULL);

  cep_colorbar_draw (cr, text, NULL, &fixture->scale, "value", &fixture->strip);
}

/* The bar shows the map's top entry at its top and bottom entry at its bottom, and its
 * labels stay within the width it asked for. */
static void
test_colorbar (void)
{
  BarFixture fixture;
  cairo_surface_t *image;
  cairo_t *cr = cep_test_scratch_context ();
  g_autoptr(CepPlotText) text = cep_plot_text_new (cr, NULL);
  double width;

  cep_color_scale_init (&fixture.scale, CEP_COLORMAP_MAGMA, -40.0, 1234.0);
  width = cep_colorbar_get_width (text, &fixture.scale, "value", 256);
  fixture.strip = (CepPlotRect) { 10, 10, width, 256 };
  image = cep_test_render (20 + (int) ceil (width) + 20, 276, draw_bar, &fixture);
  cep_test_keep_image (image, "colorbar.png");
  cep_test_assert_rgb (cep_test_pixel (image, 17, 10),
                       cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 1.0), 0);
  cep_test_assert_rgb (cep_test_pixel (image, 17, 265),
                       cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 0.0), 0);
  cep_test_assert_rgb (cep_test_pixel (image, 17, 10 + 128),
                       cep_colormap_get_argb (CEP_COLORMAP_MAGMA, 0.5 - 0.5 / 256), 0);
  /* Nothing drawn right of the strip. */
  for (int y = 0; y < 276; y++)
    for (int x = 10 + (int) ceil (width) + 1; x < cairo_image_surface_get_width (image); x++)
      cep_test_assert_rgb (cep_test_pixel (image, x, y), 0xffffffff, 0);
  cairo_surface_destroy (image);
  cairo_destroy (cr);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/colormap/endpoints", test_endpoints);
  g_test_add_func ("/plot/colormap/sequential-lightness", test_sequential_lightness_increases);
  g_test_add_func ("/plot/colormap/diverging-symmetry", test_diverging_symmetry);
  g_test_add_func ("/plot/colormap/index", test_index);
  g_test_add_func ("/plot/colormap/names", test_names);
  g_test_add_func ("/plot/colormap/scale", test_scale);
  g_test_add_func ("/plot/colormap/palette", test_palette);
  g_test_add_func ("/plot/colormap/rgba-helpers", test_rgba_helpers);
  g_test_add_func ("/plot/colormap/colorbar", test_colorbar);

  return g_test_run ();
}
