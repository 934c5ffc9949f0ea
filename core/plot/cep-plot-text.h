/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-text.h: measuring and drawing short labels with Pango on a cairo context.
 *
 * One CepPlotText lives for one rendering pass: it keeps one font description per role and
 * shapes each (font, string) once, so fitting ticks or naming 150 segments of "AH" costs one
 * shaping per distinct label.
 * Anchors place the text's ink-independent logical box: (0, 0) puts the top-left corner at
 * (x, y), (0.5, 0.5) centres it, (1, 0.5) right-aligns it on a vertical centre.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "cep-plot-style.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_PLOT_FONT_BODY,      /* tick labels */
  CEP_PLOT_FONT_LABEL,     /* axis titles, legend (body size, secondary colour by default) */
  CEP_PLOT_FONT_TITLE,     /* figure title, bold and larger */
  CEP_PLOT_FONT_SMALL,     /* cell values, label-track text */
  CEP_PLOT_FONT_TINY,      /* dense category labels (forty phonemes down a confusion matrix) */
  CEP_PLOT_N_FONTS
} CepPlotFont;

typedef struct _CepPlotText CepPlotText;

CepPlotText *cep_plot_text_new        (cairo_t            *cr,
                                       const CepPlotStyle *style);
void         cep_plot_text_free       (CepPlotText        *text);

/* Logical size of @string (UTF-8) in user units. */
void         cep_plot_text_measure    (CepPlotText        *text,
                                       CepPlotFont         font,
                                       const char         *string,
                                       double             *width,
                                       double             *height);
/* Height of one line of @font (what a row of tick labels needs). */
double       cep_plot_text_line_height (CepPlotText       *text,
                                        CepPlotFont        font);
/* Draws @string in @color with its box anchored at (x, y) after rotating by @angle radians
 * around that point (-G_PI / 2 reads bottom to top, for y-axis titles). */
void         cep_plot_text_draw       (CepPlotText        *text,
                                       CepPlotFont         font,
                                       const CepRgba      *color,
                                       const char         *string,
                                       double              x,
                                       double              y,
                                       double              anchor_x,
                                       double              anchor_y,
                                       double              angle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepPlotText, cep_plot_text_free)

G_END_DECLS
