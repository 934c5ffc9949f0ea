/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-test-util.c: pixel access for the plot tests.
 */
#include "cep-plot-test-util.h"

#include <math.h>

cairo_surface_t *
cep_test_render (int             width,
                 int             height,
                 CepTestDrawFunc draw,
                 gpointer        data)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (image);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw (cr, width, height, data);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (image);
  return image;
}

cairo_t *
cep_test_scratch_context (void)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 8, 8);
  cairo_t *cr = cairo_create (image);

  cairo_surface_destroy (image);
  return cr;
}

guint32
cep_test_pixel (cairo_surface_t *image,
                int              x,
                int              y)
{
  const guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (image));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (image));
  return *(const guint32 *) (gconstpointer) (data + (gsize) y * stride + (gsize) x * 4);
}

guint32
cep_test_pixel_at (cairo_surface_t *image,
                   double           x,
                   double           y)
{
  return cep_test_pixel (image, (int) floor (x), (int) floor (y));
}

static guint
channel (guint32 pixel,
         int     shift)
{
  return (pixel >> shift) & 0xff;
}

guint
cep_test_rgb_distance (guint32 a,
                       guint32 b)
{
  guint worst = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    worst = MAX (worst, (guint) ABS ((int) channel (a, shift) - (int) channel (b, shift)));
  return worst;
}

void
cep_test_assert_rgb_impl (guint32     a,
                          guint32     b,
                          guint       tolerance,
                          const char *a_text,
                          const char *b_text,
                          const char *file,
                          int         line)
{
  if (cep_test_rgb_distance (a, b) <= tolerance)
    return;
  g_error ("%s:%d: %s = #%06x and %s = #%06x differ by more than %u", file, line, a_text,
           a & 0xffffff, b_text, b & 0xffffff, tolerance);
}

guint
cep_test_brightness (guint32 pixel)
{
  return channel (pixel, 16) + channel (pixel, 8) + channel (pixel, 0);
}

void
cep_test_keep_image (cairo_surface_t *image,
                     const char      *name)
{
  const char *folder = g_getenv ("CEPSTRA_PLOT_TEST_OUTPUT");
  g_autofree char *path = NULL;

  if (folder == NULL)
    return;
  path = g_build_filename (folder, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (image, path), ==, CAIRO_STATUS_SUCCESS);
}
