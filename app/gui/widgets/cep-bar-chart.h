/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-bar-chart.h: labelled vertical bars — a class histogram, throughput per backend.
 *
 * Drawn with core/plot's axes, tick and text helpers in the same style as every other figure;
 * bar labels are rotated when they do not fit and thinned out when even that is too dense.
 * The pointer's bar is shown in a tooltip with its exact value.
 */
#pragma once

#include "cep-plot-widget.h"

G_BEGIN_DECLS

#define CEP_TYPE_BAR_CHART (cep_bar_chart_get_type ())
G_DECLARE_FINAL_TYPE (CepBarChart, cep_bar_chart, CEP, BAR_CHART, CepPlotWidget)

GtkWidget *cep_bar_chart_new          (void);

/* Copies @n values and labels; @colors (may be NULL: one series colour) gives each bar its
 * own colour, e.g. the phoneme palette so the histogram matches the label track. */
void       cep_bar_chart_set_data     (CepBarChart         *self,
                                       const double        *values,
                                       const char * const  *labels,
                                       const CepRgba       *colors,
                                       guint                n);
void       cep_bar_chart_set_y_label  (CepBarChart         *self,
                                       const char          *y_label);
void       cep_bar_chart_set_title    (CepBarChart         *self,
                                       const char          *title);
/* printf format of one double for tooltips and values printed over bars ("%.0f frames"). */
void       cep_bar_chart_set_value_format (CepBarChart     *self,
                                           const char      *format);
/* A log10 value axis (whole decades) instead of a linear one from zero: for values that span
 * orders of magnitude, e.g. backends 30× apart. Bars of zero or negative values are empty. */
void       cep_bar_chart_set_log_scale    (CepBarChart     *self,
                                           gboolean         log_scale);
gboolean   cep_bar_chart_get_log_scale    (CepBarChart     *self);
/* Print each bar's value above it (for a handful of bars). */
void       cep_bar_chart_set_show_values  (CepBarChart     *self,
                                           gboolean         show_values);

guint      cep_bar_chart_get_n_bars   (CepBarChart         *self);
double     cep_bar_chart_get_value    (CepBarChart         *self,
                                       guint                index);
const char *cep_bar_chart_get_label   (CepBarChart         *self,
                                       guint                index);
/* Index of the bar at widget x, or -1. */
int        cep_bar_chart_bar_at       (CepBarChart         *self,
                                       double               x,
                                       double               y);
/* Rectangle of bar @index as last drawn (FALSE before a draw). */
gboolean   cep_bar_chart_get_bar_area (CepBarChart         *self,
                                       guint                index,
                                       CepPlotRect         *area);

G_END_DECLS
