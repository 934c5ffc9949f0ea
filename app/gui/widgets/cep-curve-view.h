/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-view.h: training curves — core/plot's line plot in a widget.
 *
 * Holds its own copies of the series (so a live run can keep appending to its arrays while
 * the figure is drawn) and a CepLinePlot for panels, axes and titles. Setting new data only
 * invalidates the cached figure: however many events arrive, GTK draws it at most once per
 * frame. The pointer shows a cross-hair and the series' values at that x in a tooltip.
 */
#pragma once

#include "cep-line-plot.h"
#include "cep-plot-widget.h"

G_BEGIN_DECLS

#define CEP_TYPE_CURVE_VIEW (cep_curve_view_get_type ())
G_DECLARE_FINAL_TYPE (CepCurveView, cep_curve_view, CEP, CURVE_VIEW, CepPlotWidget)

GtkWidget   *cep_curve_view_new           (void);

/* The figure's settings (panels, titles, x axis); call cep_curve_view_changed() after
 * editing. Series and epoch marks set here are ignored: use the functions below. */
CepLinePlot *cep_curve_view_get_plot      (CepCurveView        *self);
void         cep_curve_view_changed       (CepCurveView        *self);

void         cep_curve_view_clear         (CepCurveView        *self);
/* Adds a series (copying @n points of @x and @y; @x NULL: 0, 1, 2, ...) and returns its
 * index. @template gives name, panel, colour, dashes, markers and width, and its band (@n
 * points each, copied too). */
guint        cep_curve_view_add_series    (CepCurveView        *self,
                                           const CepLineSeries *template,
                                           const double        *x,
                                           const double        *y,
                                           gsize                n);
guint        cep_curve_view_get_n_series  (CepCurveView        *self);
gsize        cep_curve_view_get_n_points  (CepCurveView        *self,
                                           guint                series);
void         cep_curve_view_set_epoch_marks (CepCurveView      *self,
                                             const double      *marks,
                                             guint              n);

/* The layout of the last draw, for tests (FALSE before one). */
gboolean     cep_curve_view_get_layout    (CepCurveView        *self,
                                           CepLinePlotLayout   *layout);
/* "x = 120: train loss 1.23, dev loss 1.31" for the point under widget x (NULL outside). */
char        *cep_curve_view_describe_at   (CepCurveView        *self,
                                           double               x);

G_END_DECLS
