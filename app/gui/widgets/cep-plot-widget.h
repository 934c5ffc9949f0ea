/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-widget.h: the base of every drawing widget — a core/plot figure inside snapshot.
 *
 * A subclass draws its figure with a core/plot renderer in the draw vfunc; the base class
 * renders that drawing once into a texture and shows it on every frame until the
 * size, the style (light or dark) or the subclass's data changes (cep_plot_widget_invalidate).
 * Cheap, fast-changing marks (a hover cross-hair) go on top in snapshot_overlay, so moving the
 * pointer never re-runs the renderer. It computes nothing: the figure's numbers come from core.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-plot-style.h"

G_BEGIN_DECLS

#define CEP_TYPE_PLOT_WIDGET (cep_plot_widget_get_type ())
G_DECLARE_DERIVABLE_TYPE (CepPlotWidget, cep_plot_widget, CEP, PLOT_WIDGET, GtkWidget)

struct _CepPlotWidgetClass
{
  GtkWidgetClass parent_class;

  /* Draws the whole figure into @width x @height with @style. Runs only when the cached
   * node is stale; @style is the widget's (light or dark) or, for exports, the light one. */
  void (*draw)             (CepPlotWidget      *self,
                            cairo_t            *cr,
                            const CepPlotStyle *style,
                            double              width,
                            double              height);
  /* Marks drawn over the cached figure on every frame; may be NULL. */
  void (*snapshot_overlay) (CepPlotWidget      *self,
                            GtkSnapshot        *snapshot,
                            double              width,
                            double              height);

  gpointer padding[4];
};

/* Drops the cached figure and queues a redraw; call after changing what draw() shows. */
void                cep_plot_widget_invalidate     (CepPlotWidget  *self);
/* The style the widget draws with now (follows the light or dark application style). */
const CepPlotStyle *cep_plot_widget_get_style      (CepPlotWidget  *self);
gboolean            cep_plot_widget_is_dark        (CepPlotWidget  *self);
/* Writes the figure at @width x @height to a PNG or SVG (by extension) in the light style on
 * white, atomically. Errors name the file. */
gboolean            cep_plot_widget_export         (CepPlotWidget  *self,
                                                    const char     *path,
                                                    int             width,
                                                    int             height,
                                                    GError        **error);
/* Draws the figure directly (no cache) — for benchmarks and exports. */
void                cep_plot_widget_draw           (CepPlotWidget      *self,
                                                    cairo_t            *cr,
                                                    const CepPlotStyle *style,
                                                    double              width,
                                                    double              height);
/* How often the figure was drawn for the screen: tests check that the cache holds. */
guint               cep_plot_widget_get_n_renders  (CepPlotWidget  *self);

G_END_DECLS
