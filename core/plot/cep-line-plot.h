/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-line-plot.h: training curves: named series over steps or epochs in one or two panels.
 *
 * The usual figure has a loss panel on top (optionally log-scaled) and an accuracy panel in
 * per cent below, sharing the x axis; vertical markers show where epochs end. Series are plain
 * arrays; NaN leaves a gap. Long series (a step curve of 100k points) are reduced to the
 * minimum and maximum per pixel column while drawing, so the picture is exact and the cost
 * follows the width, not the length. A series may carry a band (low and high per point) drawn
 * filled beneath its line.
 */
#pragma once

#include <cairo.h>

#include "cep-plot-axis.h"
#include "cep-plot-style.h"

G_BEGIN_DECLS

#define CEP_LINE_PLOT_MAX_PANELS 2

typedef struct
{
  const char   *name;        /* legend entry; series of the same name share colour and entry */
  const double *x;           /* NULL: 0, 1, 2, ... */
  const double *y;           /* NaN breaks the line */
  gsize         n;
  guint         panel;       /* 0 = top, 1 = bottom */
  CepRgba       color;       /* alpha 0: a palette colour chosen by name */
  gboolean      dashed;
  gboolean      markers;     /* a dot per point, for short epoch-level series */
  double        line_width;  /* 0: the style's */
  /* Both or neither: a band filled between them under the line, in the series' colour made
   * translucent (the min–max of a group of runs around their mean); NaN breaks it. */
  const double *band_low;
  const double *band_high;
} CepLineSeries;

typedef struct
{
  const char   *y_label;
  CepPlotScale  y_scale;          /* CEP_PLOT_SCALE_LOG10 for losses spanning decades */
  double        y_min;            /* NaN: fitted to the data of this panel */
  double        y_max;
  double        y_display_scale;  /* 100 shows fractions as per cent; 0 means 1 */
} CepLinePanel;

typedef struct
{
  const char          *title;
  const char          *x_label;
  CepPlotTickKind      x_kind;           /* CEP_PLOT_TICKS_INTEGER for steps and epochs */
  double               x_display_scale;  /* 0 means 1 */
  double               x_min;            /* NaN: fitted to all series */
  double               x_max;
  guint                n_panels;         /* 1 or 2 */
  CepLinePanel         panels[CEP_LINE_PLOT_MAX_PANELS];
  const CepLineSeries *series;
  guint                n_series;
  const double        *epoch_marks;      /* x of each epoch's end, labelled 1, 2, ... */
  guint                n_epoch_marks;
  gboolean             show_legend;
  const CepPlotStyle  *style;            /* NULL = light default */
} CepLinePlot;

typedef struct
{
  double      width;
  double      height;
  guint       n_panels;
  CepPlotRect areas[CEP_LINE_PLOT_MAX_PANELS];   /* data areas */
  CepPlotAxis x_axis;                            /* shared by every panel */
  CepPlotAxis y_axes[CEP_LINE_PLOT_MAX_PANELS];
  double      legend_y;                          /* centre line of the legend row */
} CepLinePlotLayout;

/* One linear panel, integer x, legend on, everything fitted. */
void cep_line_plot_init             (CepLinePlot             *plot);
/* Two panels: "Loss" (log10 if @log_loss) and "Accuracy (%)" with fractions in [0, 1]
 * shown as per cent. */
void cep_line_plot_init_training    (CepLinePlot             *plot,
                                     gboolean                 log_loss);
/* Colour a series is drawn with (its own, or the palette's for its name). */
CepRgba cep_line_plot_series_color  (const CepLinePlot       *plot,
                                     guint                    index);

void cep_line_plot_compute_layout   (const CepLinePlot       *plot,
                                     cairo_t                 *cr,
                                     double                   width,
                                     double                   height,
                                     CepLinePlotLayout       *layout);
void cep_line_plot_draw_with_layout (const CepLinePlot       *plot,
                                     const CepLinePlotLayout *layout,
                                     cairo_t                 *cr);
void cep_line_plot_draw             (const CepLinePlot       *plot,
                                     cairo_t                 *cr,
                                     double                   width,
                                     double                   height);
/* cep_line_plot_draw() in the CepPlotDrawFunc shape (user_data = the CepLinePlot). */
void cep_line_plot_draw_func        (cairo_t                 *cr,
                                     double                   width,
                                     double                   height,
                                     gpointer                 plot);

G_END_DECLS
