/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-text.c: Pango text for the renderers.
 *
 * Owns the font descriptions derived from a CepPlotStyle and the shaped layouts of one
 * rendering pass: renderers measure the same tick labels and names many times while they fit
 * ticks and segments, and shaping is what text costs, so each (font, string) is shaped once
 * and kept until the pass ends. Must not decide where labels go; the renderers do that with
 * the measurements it returns.
 */
#define G_LOG_DOMAIN "cepstra-plot-text"

#include "cep-plot-text.h"

#include <pango/pangocairo.h>

struct _CepPlotText
{
  cairo_t              *cr;
  PangoContext         *context;
  PangoFontDescription *fonts[CEP_PLOT_N_FONTS];
  GHashTable           *layouts;   /* "font\x1fstring" -> PangoLayout */
};

static PangoFontDescription *
font_for_role (const CepPlotStyle *style,
               CepPlotFont         font)
{
  PangoFontDescription *description = pango_font_description_from_string (style->font_family);
  double size = style->font_size;

  if (font == CEP_PLOT_FONT_TITLE)
    {
      size *= style->title_scale;
      pango_font_description_set_weight (description, PANGO_WEIGHT_BOLD);
    }
  else if (font == CEP_PLOT_FONT_SMALL)
    size *= style->small_scale;
  else if (font == CEP_PLOT_FONT_TINY)
    size *= style->tiny_scale;
  /* Absolute size: user units, independent of the surface's resolution. */
  pango_font_description_set_absolute_size (description, size * PANGO_SCALE);
  return description;
}

CepPlotText *
cep_plot_text_new (cairo_t            *cr,
                   const CepPlotStyle *style)
{
  CepPlotText *text;

  g_return_val_if_fail (cr != NULL, NULL);

  if (style == NULL)
    style = cep_plot_style_get_default ();
  text = g_new0 (CepPlotText, 1);
  text->cr = cairo_reference (cr);
  text->context = pango_cairo_create_context (cr);
  for (guint i = 0; i < CEP_PLOT_N_FONTS; i++)
    text->fonts[i] = font_for_role (style, i);
  text->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  return text;
}

void
cep_plot_text_free (CepPlotText *text)
{
  if (text == NULL)
    return;
  for (guint i = 0; i < CEP_PLOT_N_FONTS; i++)
    pango_font_description_free (text->fonts[i]);
  g_hash_table_unref (text->layouts);
  g_object_unref (text->context);
  cairo_destroy (text->cr);
  g_free (text);
}

/* The shaped layout of @string in @font, made on first use. */
static PangoLayout *
text_layout (CepPlotText *text,
             CepPlotFont  font,
             const char  *string)
{
  g_autofree char *key = g_strdup_printf ("%u\x1f%s", font, string);
  PangoLayout *layout = g_hash_table_lookup (text->layouts, key);

  if (layout != NULL)
    return layout;
  layout = pango_layout_new (text->context);
  pango_layout_set_font_description (layout, text->fonts[font]);
  pango_layout_set_text (layout, string, -1);
  g_hash_table_insert (text->layouts, g_steal_pointer (&key), layout);
  return layout;
}

void
cep_plot_text_measure (CepPlotText *text,
                       CepPlotFont  font,
                       const char  *string,
                       double      *width,
                       double      *height)
{
  PangoRectangle logical;

  g_return_if_fail (text != NULL && font < CEP_PLOT_N_FONTS && string != NULL);

  pango_layout_get_extents (text_layout (text, font, string), NULL, &logical);
  if (width != NULL)
    *width = (double) logical.width / PANGO_SCALE;
  if (height != NULL)
    *height = (double) logical.height / PANGO_SCALE;
}

double
cep_plot_text_line_height (CepPlotText *text,
                           CepPlotFont  font)
{
  double height;

  cep_plot_text_measure (text, font, "0Ag", NULL, &height);
  return height;
}

void
cep_plot_text_draw (CepPlotText   *text,
                    CepPlotFont    font,
                    const CepRgba *color,
                    const char    *string,
                    double         x,
                    double         y,
                    double         anchor_x,
                    double         anchor_y,
                    double         angle)
{
  double width, height;

  g_return_if_fail (text != NULL && color != NULL);

  if (string == NULL || *string == '\0')
    return;
  cep_plot_text_measure (text, font, string, &width, &height);
  cairo_save (text->cr);
  cairo_translate (text->cr, x, y);
  if (angle != 0.0)
    cairo_rotate (text->cr, angle);
  cairo_move_to (text->cr, -anchor_x * width, -anchor_y * height);
  cep_rgba_set_source (color, text->cr);
  /* Metrics are unhinted (Pango >= 1.44), so a layout shaped once draws right under any
   * translation or rotation. */
  pango_cairo_show_layout (text->cr, text_layout (text, font, string));
  cairo_restore (text->cr);
}
