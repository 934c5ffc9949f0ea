/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-colormap.c: lookups into the generated colormap tables and value scales.
 *
 * Owns the mapping value -> position -> colour. Must not hold tables of its own: they are
 * generated into cep-colormap-tables.c by gen-colormaps.py.
 */
#define G_LOG_DOMAIN "cepstra-colormap"

#include "cep-colormap.h"

#include <math.h>
#include <string.h>

#include "cep-colormap-private.h"
#include "cep-plot-axis.h"

static const char * const colormap_names[CEP_N_COLORMAPS] = {
  [CEP_COLORMAP_VIRIDIS] = "viridis",
  [CEP_COLORMAP_MAGMA] = "magma",
  [CEP_COLORMAP_COOLWARM] = "coolwarm",
};

/* GNOME's palette (blue 4, orange 4, green 5, purple 3, red 3, brown 3, dark 2): distinct
 * for the usual 2-6 curves and dark enough to read on white. */
static const guint32 series_colors[] = {
  0x1c71d8, 0xe66100, 0x26a269, 0x9141ac, 0xc01c28, 0x986a44, 0x5e5c64,
};

const char *
cep_colormap_get_name (CepColormap colormap)
{
  g_return_val_if_fail (colormap < CEP_N_COLORMAPS, NULL);

  return colormap_names[colormap];
}

gboolean
cep_colormap_from_name (const char  *name,
                        CepColormap *colormap)
{
  g_return_val_if_fail (name != NULL && colormap != NULL, FALSE);

  for (guint i = 0; i < CEP_N_COLORMAPS; i++)
    if (g_ascii_strcasecmp (name, colormap_names[i]) == 0)
      {
        *colormap = i;
        return TRUE;
      }
  if (g_ascii_strcasecmp (name, "diverging") == 0)
    {
      *colormap = CEP_COLORMAP_COOLWARM;
      return TRUE;
    }
  return FALSE;
}

gboolean
cep_colormap_is_diverging (CepColormap colormap)
{
  return colormap == CEP_COLORMAP_COOLWARM;
}

const guint8 *
cep_colormap_get_table (CepColormap colormap)
{
  g_return_val_if_fail (colormap < CEP_N_COLORMAPS, NULL);

  switch (colormap)
    {
    case CEP_COLORMAP_MAGMA:
      return &cep_colormap_magma_table[0][0];
    case CEP_COLORMAP_COOLWARM:
      return &cep_colormap_coolwarm_table[0][0];
    case CEP_COLORMAP_VIRIDIS:
    case CEP_N_COLORMAPS:
    default:
      return &cep_colormap_viridis_table[0][0];
    }
}

guint
cep_colormap_index (double t)
{
  if (!(t > 0.0))
    return 0;
  if (t >= 1.0)
    return CEP_COLORMAP_SIZE - 1;
  /* Equal-width bins: [0, 1/256) is entry 0 and [255/256, 1] entry 255. */
  return MIN ((guint) (t * CEP_COLORMAP_SIZE), CEP_COLORMAP_SIZE - 1);
}

static CepRgba
rgba_from_bytes (const guint8 *rgb)
{
  CepRgba color;

  cep_rgba_init (&color, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0, 1.0);
  return color;
}

static guint32
argb_from_bytes (const guint8 *rgb)
{
  return 0xff000000u | ((guint32) rgb[0] << 16) | ((guint32) rgb[1] << 8) | rgb[2];
}

CepRgba
cep_colormap_get_color (CepColormap colormap,
                        double      t)
{
  return rgba_from_bytes (cep_colormap_get_table (colormap) + 3 * cep_colormap_index (t));
}

guint32
cep_colormap_get_argb (CepColormap colormap,
                       double      t)
{
  return argb_from_bytes (cep_colormap_get_table (colormap) + 3 * cep_colormap_index (t));
}

void
cep_color_scale_init (CepColorScale *scale,
                      CepColormap    colormap,
                      double         min,
                      double         max)
{
  g_return_if_fail (scale != NULL && colormap < CEP_N_COLORMAPS);

  scale->colormap = colormap;
  scale->min = min;
  scale->max = max;
}

void
cep_color_scale_fit_floats (CepColorScale *scale,
                            CepColormap    colormap,
                            const float   *values,
                            gsize          n,
                            gboolean       symmetric)
{
  double min, max;

  g_return_if_fail (scale != NULL);

  if (!cep_plot_range_of_floats (values, n, &min, &max))
    {
      min = symmetric ? -1.0 : 0.0;
      max = 1.0;
    }
  else if (symmetric)
    {
      max = MAX (fabs (min), fabs (max));
      min = -max;
    }
  cep_color_scale_init (scale, colormap, min, max);
}

double
cep_color_scale_position (const CepColorScale *scale,
                          double               value)
{
  if (isnan (value))
    return NAN;
  if (!(scale->max > scale->min))
    return 0.5;
  return CLAMP ((value - scale->min) / (scale->max - scale->min), 0.0, 1.0);
}

guint32
cep_color_scale_get_argb (const CepColorScale *scale,
                          double               value,
                          guint32              missing)
{
  if (isnan (value))
    return missing;
  return cep_colormap_get_argb (scale->colormap, cep_color_scale_position (scale, value));
}

guint32
cep_rgba_to_argb (const CepRgba *color)
{
  guint8 rgb[3] = {
    (guint8) lround (CLAMP (color->red, 0.0, 1.0) * 255.0),
    (guint8) lround (CLAMP (color->green, 0.0, 1.0) * 255.0),
    (guint8) lround (CLAMP (color->blue, 0.0, 1.0) * 255.0),
  };

  return argb_from_bytes (rgb);
}

guint
cep_palette_get_size (void)
{
  return CEP_PALETTE_SIZE;
}

CepRgba
cep_palette_get_color (guint index)
{
  return rgba_from_bytes (cep_colormap_categorical_table[index % CEP_PALETTE_SIZE]);
}

CepRgba
cep_palette_get_series_color (guint index)
{
  return cep_rgba_from_hex (series_colors[index % G_N_ELEMENTS (series_colors)], 1.0);
}
