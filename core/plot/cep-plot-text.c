/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-text.c: Pango text for the renderers.
 *
 * Owns the font descriptions derived from a CepPlotStyle and one reusable layout. Must not
 * decide where labels go; the renderers do that with the measurements it returns.
 */
#define G_LOG_DOMAIN "cepstra-plot-text"

#include "cep-plot-text.h"

#include <pango/pangocairo.h>

struct _CepPlotText
{
  cairo_t              *cr;
  PangoLayout          *layout;
  PangoFontDescription *fonts[CEP_PLOT_N_FONTS];
  CepPlotFont           current;
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
  text->layout = pango_cairo_create_layout (cr);
  for (guint i = 0; i < CEP_PLOT_N_FONTS; i++)
    text->fonts[i] = font_for_role (style, i);
  text->current = CEP_PLOT_N_FONTS;
  return text;
}

void
cep_plot_text_free (CepPlotText *text)
{
  if (text == NULL)
    return;
  for (guint i = 0; i < CEP_PLOT_N_FONTS; i++)
    pango_font_description_free (text->fonts[i]);
  g_object_unref (text->layout);
  cairo_destroy (text->cr);
  g_free (text);
}

static void
text_prepare (CepPlotText *text,
              CepPlotFont  font,
              const char  *string)
{
  if (font != text->current)
    {
      pango_layout_set_font_description (text->layout, text->fonts[font]);
      text->current = font;
    }
  pango_layout_set_text (text->layout, string, -1);
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

  text_prepare (text, font, string);
  pango_layout_get_extents (text->layout, NULL, &logical);
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
  pango_cairo_update_layout (text->cr, text->layout);
  pango_cairo_show_layout (text->cr, text->layout);
  cairo_restore (text->cr);
}
