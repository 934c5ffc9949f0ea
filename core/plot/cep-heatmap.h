/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap.h: a rows x columns matrix drawn as coloured cells.
 *
 * Used for the confusion matrix (true class on y, predicted on x, phoneme labels on both
 * axes, counts or row-normalized percentages, numbers in the cells when they fit) and the
 * dependency matrix (input frame on x, output frame on y; boolean white/red like SpeechBrain's
 * plot, or a continuous sensitivity map; the expected |i - j| <= K band outlined).
 *
 * Drawing is split in two so a widget can map the pointer back to a cell: compute a layout
 * (where the cells, labels and legend go), then draw with it. cep_heatmap_draw() does both.
 */
#pragma once

#include <cairo.h>

#include "cep-colormap.h"
#include "cep-plot-style.h"
#include "cep-plot-text.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_HEATMAP_CONTINUOUS,   /* colormap over [min, max], colour bar */
  CEP_HEATMAP_BOOLEAN,      /* non-zero -> true_color, zero -> false_color, swatch legend */
} CepHeatmapMode;

typedef struct
{
  /* The matrix. */
  guint               n_rows;
  guint               n_columns;
  const float        *values;          /* n_rows x n_columns, row-major; NaN = missing */
  const char * const *row_labels;      /* n_rows strings, or NULL for indices */
  const char * const *column_labels;   /* n_columns strings, or NULL for indices */
  guint               row_label_every; /* label every n-th row; 0 = as dense as fits */
  guint               column_label_every;
  gboolean            origin_bottom;   /* row 0 at the bottom instead of the top */
  gboolean            square_cells;

  /* Colours. */
  CepHeatmapMode      mode;
  CepColormap         colormap;
  double              min;             /* NaN = fit to the data */
  double              max;
  gboolean            symmetric;       /* fitted range centred on zero */
  CepRgba             false_color;
  CepRgba             true_color;
  const char         *false_label;
  const char         *true_label;

  /* Text. */
  const char         *title;
  const char         *x_label;
  const char         *y_label;
  const char         *colorbar_label;
  const float        *cell_values;     /* numbers printed in cells (may differ from values) */
  guint               cell_decimals;   /* digits after the point in cell numbers */
  const char         *cell_suffix;     /* appended to cell numbers ("%"), or NULL */
  gboolean            cell_skip_zero;  /* leave cells whose number is 0 empty */

  /* Overlay: outline of the cells with |row - column| <= band_halfwidth; < 0 = none. */
  int                 band_halfwidth;

  const CepPlotStyle *style;           /* NULL = light default */
  cairo_surface_t    *image;           /* cached cep_heatmap_create_image(), or NULL */
} CepHeatmap;

typedef struct
{
  double        width;
  double        height;
  CepPlotRect   cells;           /* the matrix area */
  CepPlotRect   legend;          /* colour bar or swatches */
  CepColorScale scale;           /* the continuous scale actually used */
  CepPlotFont   row_font;
  CepPlotFont   column_font;
  guint         row_every;       /* label stride actually used */
  guint         column_every;
  gboolean      rotate_column_labels;
  gboolean      cell_text;       /* the cell numbers fit and are drawn */
} CepHeatmapLayout;

/* Continuous viridis fitted to the data, square cells, white/red booleans ("independent",
 * "dependent"), whole cell numbers without zeros, no band. */
void             cep_heatmap_init             (CepHeatmap             *heatmap);

/* The colour scale a heatmap uses: its min/max, or fitted to the values. */
void             cep_heatmap_get_scale        (const CepHeatmap       *heatmap,
                                               CepColorScale          *scale);
/* One pixel per cell, row 0 on top, already coloured; what a widget caches. */
cairo_surface_t *cep_heatmap_create_image     (const CepHeatmap       *heatmap);

void             cep_heatmap_compute_layout   (const CepHeatmap       *heatmap,
                                               cairo_t                *cr,
                                               double                  width,
                                               double                  height,
                                               CepHeatmapLayout       *layout);
void             cep_heatmap_draw_with_layout (const CepHeatmap       *heatmap,
                                               const CepHeatmapLayout *layout,
                                               cairo_t                *cr);
void             cep_heatmap_draw             (const CepHeatmap       *heatmap,
                                               cairo_t                *cr,
                                               double                  width,
                                               double                  height);
/* cep_heatmap_draw() in the CepPlotDrawFunc shape (user_data = the CepHeatmap). */
void             cep_heatmap_draw_func        (cairo_t                *cr,
                                               double                  width,
                                               double                  height,
                                               gpointer                heatmap);
/* The cell under (x, y), for hover read-outs; FALSE outside the cells. */
gboolean         cep_heatmap_layout_cell_at   (const CepHeatmap       *heatmap,
                                               const CepHeatmapLayout *layout,
                                               double                  x,
                                               double                  y,
                                               guint                  *row,
                                               guint                  *column);
/* Centre of a cell in figure coordinates (inverse of cell_at). */
void             cep_heatmap_layout_cell_center (const CepHeatmap       *heatmap,
                                                 const CepHeatmapLayout *layout,
                                                 guint                   row,
                                                 guint                   column,
                                                 double                 *x,
                                                 double                 *y);

/* Each row of @counts as percentages of its sum (rows summing to 0 become NaN). */
void             cep_heatmap_normalize_rows   (const float            *counts,
                                               guint                   n_rows,
                                               guint                   n_columns,
                                               float                  *percent);

G_END_DECLS
