/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-style.h: the colours, fonts and little geometry types every renderer shares.
 *
 * A style is plain data so that the GUI can fill one from its theme (light or dark, its own
 * font) and the CLI can use the defaults. Renderers take a `const CepPlotStyle *` and treat
 * NULL as the light default. Nothing here draws data.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double red;
  double green;
  double blue;
  double alpha;
} CepRgba;

typedef struct
{
  double x;
  double y;
  double width;
  double height;
} CepPlotRect;

typedef struct
{
  const char *font_family;       /* Pango family list, e.g. "Cantarell, Sans" */
  double      font_size;         /* body text (tick labels) in user units (pixels at scale 1) */
  double      title_scale;       /* title size relative to font_size */
  double      small_scale;       /* cell values, label-track text */
  double      tiny_scale;        /* dense category labels, the last size before labels are skipped */
  CepRgba     background;        /* alpha 0 leaves the surface untouched */
  CepRgba     foreground;        /* text, axis lines, ticks */
  CepRgba     secondary;         /* axis titles, legend text, epoch labels */
  CepRgba     grid;
  CepRgba     frame;             /* outline of plot areas */
  CepRgba     missing;           /* NaN cells */
  double      line_width;        /* data lines */
} CepPlotStyle;

/* Light and dark defaults in the spirit of GNOME's palette. */
void                cep_plot_style_init_light   (CepPlotStyle       *style);
void                cep_plot_style_init_dark    (CepPlotStyle       *style);
/* The light style as a static object; what renderers use for NULL. */
const CepPlotStyle *cep_plot_style_get_default  (void);

void                cep_rgba_init               (CepRgba            *color,
                                                 double              red,
                                                 double              green,
                                                 double              blue,
                                                 double              alpha);
/* 0xRRGGBB with the given alpha. */
CepRgba             cep_rgba_from_hex           (guint32             rgb,
                                                 double              alpha);
void                cep_rgba_set_source         (const CepRgba      *color,
                                                 cairo_t            *cr);
/* WCAG relative luminance (0 black .. 1 white) of the opaque colour. */
double              cep_rgba_luminance          (const CepRgba      *color);
/* Black or white, whichever reads better on @background. */
CepRgba             cep_rgba_contrasting_text   (const CepRgba      *background);

/* Fills the whole @width x @height area with the style's background (if it has one). */
void                cep_plot_style_paint_background (const CepPlotStyle *style,
                                                     cairo_t            *cr,
                                                     double              width,
                                                     double              height);

/* Snaps a user-space coordinate so that a line of @line_width user units is crisp on a
 * device of any integer scale. */
double              cep_plot_snap               (double              value,
                                                 double              line_width);

gboolean            cep_plot_rect_contains      (const CepPlotRect  *rect,
                                                 double              x,
                                                 double              y);

G_END_DECLS
