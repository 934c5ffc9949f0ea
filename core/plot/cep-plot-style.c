/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-style.c: default light/dark plot styles and colour helpers.
 *
 * Owns the default look of every figure (GNOME-like greys on white or on the dark view
 * colour). Must not draw anything but a background fill.
 */
#define G_LOG_DOMAIN "cepstra-plot-style"

#include "cep-plot-style.h"

#include <math.h>

#define DEFAULT_FONT_FAMILY "Cantarell, Adwaita Sans, DejaVu Sans, Sans"

void
cep_rgba_init (CepRgba *color,
               double   red,
               double   green,
               double   blue,
               double   alpha)
{
  color->red = red;
  color->green = green;
  color->blue = blue;
  color->alpha = alpha;
}

CepRgba
cep_rgba_from_hex (guint32 rgb,
                   double  alpha)
{
  CepRgba color;

  cep_rgba_init (&color, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                 (rgb & 0xff) / 255.0, alpha);
  return color;
}

void
cep_rgba_set_source (const CepRgba *color,
                     cairo_t       *cr)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

double
cep_rgba_luminance (const CepRgba *color)
{
  return 0.2126 * srgb_to_linear (color->red) + 0.7152 * srgb_to_linear (color->green)
         + 0.0722 * srgb_to_linear (color->blue);
}

CepRgba
cep_rgba_contrasting_text (const CepRgba *background)
{
  /* 0.18 is where the WCAG contrast ratios against black and white are equal. */
  if (cep_rgba_luminance (background) > 0.18)
    return cep_rgba_from_hex (0x000000, 0.87);
  return cep_rgba_from_hex (0xffffff, 0.95);
}

static void
style_init_common (CepPlotStyle *style)
{
  style->font_family = DEFAULT_FONT_FAMILY;
  style->font_size = 12.0;
  style->title_scale = 1.25;
  style->small_scale = 0.8;
  style->tiny_scale = 0.7;
  style->line_width = 1.5;
}

void
cep_plot_style_init_light (CepPlotStyle *style)
{
  g_return_if_fail (style != NULL);

  style_init_common (style);
  style->background = cep_rgba_from_hex (0xffffff, 1.0);
  style->foreground = cep_rgba_from_hex (0x241f31, 1.0);
  style->secondary = cep_rgba_from_hex (0x5e5c64, 1.0);
  style->grid = cep_rgba_from_hex (0xdeddda, 1.0);
  style->frame = cep_rgba_from_hex (0x9a9996, 1.0);
  style->missing = cep_rgba_from_hex (0xf6f5f4, 1.0);
}

void
cep_plot_style_init_dark (CepPlotStyle *style)
{
  g_return_if_fail (style != NULL);

  style_init_common (style);
  style->background = cep_rgba_from_hex (0x1e1e1e, 1.0);
  style->foreground = cep_rgba_from_hex (0xffffff, 1.0);
  style->secondary = cep_rgba_from_hex (0xc0bfbc, 1.0);
  style->grid = cep_rgba_from_hex (0x3d3846, 1.0);
  style->frame = cep_rgba_from_hex (0x77767b, 1.0);
  style->missing = cep_rgba_from_hex (0x303030, 1.0);
}

const CepPlotStyle *
cep_plot_style_get_default (void)
{
  static CepPlotStyle light;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      cep_plot_style_init_light (&light);
      g_once_init_leave (&initialized, 1);
    }
  return &light;
}

void
cep_plot_style_paint_background (const CepPlotStyle *style,
                                 cairo_t            *cr,
                                 double              width,
                                 double              height)
{
  if (style->background.alpha <= 0.0)
    return;
  cairo_save (cr);
  cep_rgba_set_source (&style->background, cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);
}

double
cep_plot_snap (double value,
               double line_width)
{
  long pixels = lround (line_width);

  /* An odd number of units wide must sit on a half unit to cover whole pixels. */
  if (pixels % 2 == 1)
    return floor (value) + 0.5;
  return round (value);
}

gboolean
cep_plot_rect_contains (const CepPlotRect *rect,
                        double             x,
                        double             y)
{
  return x >= rect->x && x < rect->x + rect->width
         && y >= rect->y && y < rect->y + rect->height;
}
