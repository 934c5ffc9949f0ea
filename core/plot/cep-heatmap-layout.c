/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap-layout.c: where a heatmap's cells, labels and legend go.
 *
 * Owns the margins (measured from the actual labels), the label font and stride, square cells
 * and the decision to rotate column labels or print numbers in cells. Must not draw.
 */
#define G_LOG_DOMAIN "cepstra-heatmap"

#include "cep-heatmap-private.h"

#include <math.h>

#include "cep-colorbar.h"

/* Cell numbers need this much room around them, in user units. */
#define CELL_TEXT_MARGIN 3.0

/* Category labels are one short word each: stacked (rows, or rotated columns) at this fraction
 * of a text line they still leave a clear gap between capitals, which is what lets forty
 * phonemes all be named. */
#define STACKED_LABEL_PACKING 0.85

typedef struct
{
  CepPlotText      *text;
  const CepHeatmap *heatmap;
  double            padding;
  double            legend_width;   /* legend strip plus its gap */
  double            title_height;
  double            x_title_height;
  double            y_title_width;
} LayoutContext;

static double
widest_explicit_label (CepPlotText        *text,
                       CepPlotFont         font,
                       const char * const *labels,
                       guint               n)
{
  double widest = 0.0;

  for (guint i = 0; i < n; i++)
    {
      double width;

      cep_plot_text_measure (text, font, labels[i] != NULL ? labels[i] : "", &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

static double
row_label_extent (const LayoutContext *context,
                  CepPlotFont          font,
                  const CepPlotRect   *cells)
{
  const CepHeatmap *heatmap = context->heatmap;
  CepPlotAxis axis;
  CepPlotTicks ticks;

  if (heatmap->row_labels != NULL)
    return CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP
           + widest_explicit_label (context->text, font, heatmap->row_labels, heatmap->n_rows);
  _cep_heatmap_row_axis (heatmap, cells, &axis);
  _cep_heatmap_index_ticks (context->text, &axis, CEP_PLOT_EDGE_LEFT, heatmap->row_label_every,
                            &ticks);
  return cep_plot_ticks_extent (context->text, &axis, &ticks, CEP_PLOT_EDGE_LEFT);
}

static double
legend_width (const LayoutContext *context,
              const CepColorScale *scale,
              double               height)
{
  const CepHeatmap *heatmap = context->heatmap;
  const char *labels[2] = { heatmap->false_label, heatmap->true_label };

  if (heatmap->mode == CEP_HEATMAP_BOOLEAN)
    return cep_swatch_legend_get_width (context->text, labels, 2);
  return cep_colorbar_get_width (context->text, scale, heatmap->colorbar_label, height);
}

static double
optional_line (CepPlotText *text,
               CepPlotFont  font,
               const char  *string,
               double       gap)
{
  if (string == NULL || *string == '\0')
    return 0.0;
  return cep_plot_text_line_height (text, font) + gap;
}

static void
context_init (LayoutContext    *context,
              const CepHeatmap *heatmap,
              CepPlotText      *text,
              CepHeatmapLayout *layout)
{
  context->text = text;
  context->heatmap = heatmap;
  context->padding = _cep_heatmap_padding (heatmap);
  context->title_height = optional_line (text, CEP_PLOT_FONT_TITLE, heatmap->title,
                                         context->padding);
  context->x_title_height = optional_line (text, CEP_PLOT_FONT_LABEL, heatmap->x_label,
                                           context->padding / 2);
  context->y_title_width = optional_line (text, CEP_PLOT_FONT_LABEL, heatmap->y_label,
                                          context->padding / 2);
  context->legend_width = 2 * context->padding
                          + legend_width (context, &layout->scale,
                                          layout->height - 2 * context->padding);
}

/* Cell size for an area, whole units once cells are large enough to show it. */
static void
fit_cells (const CepHeatmap *heatmap,
           double            available_width,
           double            available_height,
           CepPlotRect      *cells)
{
  double cell_width = MAX (available_width, 1.0) / heatmap->n_columns;
  double cell_height = MAX (available_height, 1.0) / heatmap->n_rows;

  if (heatmap->square_cells)
    cell_width = cell_height = MIN (cell_width, cell_height);
  if (cell_width >= 4.0)
    cell_width = floor (cell_width);
  if (cell_height >= 4.0)
    cell_height = floor (cell_height);
  cells->width = cell_width * heatmap->n_columns;
  cells->height = cell_height * heatmap->n_rows;
}

static double
column_label_extent (const LayoutContext *context,
                     CepPlotFont          font,
                     gboolean             rotated)
{
  const CepHeatmap *heatmap = context->heatmap;
  double size;

  if (heatmap->column_labels != NULL && rotated)
    size = widest_explicit_label (context->text, font, heatmap->column_labels,
                                  heatmap->n_columns);
  else
    size = cep_plot_text_line_height (context->text, heatmap->column_labels != NULL
                                                     ? font : CEP_PLOT_FONT_BODY);
  return CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP + size;
}

/* Cells for one choice of label font and column label orientation. */
static void
layout_cells (const LayoutContext *context,
              CepPlotFont          font,
              gboolean             rotated,
              CepHeatmapLayout    *layout)
{
  double padding = context->padding;
  double row_extent = row_label_extent (context, font, &layout->cells);
  double column_extent = column_label_extent (context, font, rotated);
  double left_block = context->y_title_width + row_extent;
  double block_width, block_height;

  fit_cells (context->heatmap,
             layout->width - 2 * padding - left_block - context->legend_width,
             layout->height - 2 * padding - context->title_height - context->x_title_height
             - column_extent,
             &layout->cells);
  /* Centre the block of titles, labels, cells and legend in the figure. */
  block_width = left_block + layout->cells.width + context->legend_width;
  block_height = context->title_height + layout->cells.height + column_extent
                 + context->x_title_height;
  layout->cells.x = round (MAX (padding, (layout->width - block_width) / 2) + left_block);
  layout->cells.y = round (MAX (padding, (layout->height - block_height) / 2)
                           + context->title_height);
  layout->row_font = layout->column_font = font;
  layout->rotate_column_labels = rotated;
}

/* Labels every n-th cell: as dense as fits, or, once some must be skipped anyway ("relaxed"),
 * a round 1-2-5 stride so they read as 0, 10, 20 rather than 0, 7, 14. */
static guint
stride_for (double   needed,
            double   cell_size,
            guint    requested,
            gboolean relaxed)
{
  guint stride;

  if (requested > 0)
    return requested;
  stride = MAX (1u, (guint) ceil (needed / MAX (cell_size, 1e-6) - 1e-9));
  if (relaxed && stride > 1)
    stride = (guint) cep_plot_nice_step (stride, 2);
  return stride;
}

static void
choose_strides (const LayoutContext *context,
                gboolean             relaxed,
                CepHeatmapLayout    *layout)
{
  const CepHeatmap *heatmap = context->heatmap;
  double cell_width = layout->cells.width / heatmap->n_columns;
  double cell_height = layout->cells.height / heatmap->n_rows;
  double line = cep_plot_text_line_height (context->text, layout->row_font);
  double column_needed = relaxed ? line : STACKED_LABEL_PACKING * line;

  if (heatmap->column_labels != NULL && !layout->rotate_column_labels)
    column_needed = widest_explicit_label (context->text, layout->column_font,
                                           heatmap->column_labels, heatmap->n_columns)
                    + (relaxed ? line : line / 2);
  layout->row_every = stride_for (relaxed ? 1.5 * line : STACKED_LABEL_PACKING * line, cell_height,
                                  heatmap->row_label_every, relaxed);
  layout->column_every = stride_for (column_needed, cell_width, heatmap->column_label_every,
                                     relaxed);
}

static gboolean
column_labels_fit_flat (const LayoutContext    *context,
                        CepPlotFont             font,
                        const CepHeatmapLayout *layout)
{
  const CepHeatmap *heatmap = context->heatmap;
  double widest;

  if (heatmap->column_labels == NULL)
    return TRUE;
  widest = widest_explicit_label (context->text, font, heatmap->column_labels,
                                  heatmap->n_columns);
  /* Same rule as choose_strides(): half a line between neighbouring labels. */
  return widest + cep_plot_text_line_height (context->text, font) / 2
         <= layout->cells.width / heatmap->n_columns;
}

/* Relaxed: labels are skipped anyway, so they stay flat (easier to read) and sparse. */
static void
layout_with_font (const LayoutContext *context,
                  CepPlotFont          font,
                  gboolean             relaxed,
                  CepHeatmapLayout    *layout)
{
  layout_cells (context, font, FALSE, layout);
  if (!relaxed && !column_labels_fit_flat (context, font, layout))
    layout_cells (context, font, TRUE, layout);
  choose_strides (context, relaxed, layout);
}

static gboolean
labels_skipped (const CepHeatmap       *heatmap,
                const CepHeatmapLayout *layout)
{
  return (heatmap->row_labels != NULL && heatmap->row_label_every == 0 && layout->row_every > 1)
         || (heatmap->column_labels != NULL && heatmap->column_label_every == 0
             && layout->column_every > 1);
}

static void
decide_cell_text (const LayoutContext *context,
                  CepHeatmapLayout    *layout)
{
  const CepHeatmap *heatmap = context->heatmap;
  double widest = 0.0, low, high;
  char number[CEP_HEATMAP_LABEL_SIZE];
  gsize n = (gsize) heatmap->n_rows * heatmap->n_columns;

  layout->cell_text = FALSE;
  if (heatmap->cell_values == NULL
      || !cep_plot_range_of_floats (heatmap->cell_values, n, &low, &high))
    return;
  for (guint i = 0; i < 2; i++)
    {
      double width;

      _cep_heatmap_format_cell (heatmap, i == 0 ? low : high, number, sizeof number);
      cep_plot_text_measure (context->text, CEP_PLOT_FONT_SMALL, number, &width, NULL);
      widest = MAX (widest, width);
    }
  layout->cell_text = widest + CELL_TEXT_MARGIN <= layout->cells.width / heatmap->n_columns
                      && cep_plot_text_line_height (context->text, CEP_PLOT_FONT_SMALL)
                         <= layout->cells.height / heatmap->n_rows;
}

static void
place_legend (const LayoutContext *context,
              CepHeatmapLayout    *layout)
{
  layout->legend.x = layout->cells.x + layout->cells.width + 2 * context->padding;
  layout->legend.y = layout->cells.y;
  layout->legend.width = context->legend_width - 2 * context->padding;
  layout->legend.height = layout->cells.height;
}

void
cep_heatmap_compute_layout (const CepHeatmap *heatmap,
                            cairo_t          *cr,
                            double            width,
                            double            height,
                            CepHeatmapLayout *layout)
{
  g_autoptr(CepPlotText) text = NULL;
  LayoutContext context;

  g_return_if_fail (heatmap != NULL && cr != NULL && layout != NULL);
  g_return_if_fail (heatmap->n_rows > 0 && heatmap->n_columns > 0);

  text = cep_plot_text_new (cr, _cep_heatmap_get_style (heatmap));
  layout->width = width;
  layout->height = height;
  cep_heatmap_get_scale (heatmap, &layout->scale);
  /* A first guess for index axes, whose label widths depend on the axis length. */
  layout->cells = (CepPlotRect) { 0, 0, width, height };
  context_init (&context, heatmap, text, layout);
  layout_with_font (&context, CEP_PLOT_FONT_BODY, FALSE, layout);
  /* Forty phoneme labels would rather be small, even tiny, than skip every other one; two
   * hundred frame numbers are skipped anyway, and then read best at the body size, flat and
   * round. */
  if (labels_skipped (heatmap, layout))
    layout_with_font (&context, CEP_PLOT_FONT_SMALL, FALSE, layout);
  if (labels_skipped (heatmap, layout))
    layout_with_font (&context, CEP_PLOT_FONT_TINY, FALSE, layout);
  if (labels_skipped (heatmap, layout))
    layout_with_font (&context, CEP_PLOT_FONT_BODY, TRUE, layout);
  decide_cell_text (&context, layout);
  place_legend (&context, layout);
}

gboolean
cep_heatmap_layout_cell_at (const CepHeatmap       *heatmap,
                            const CepHeatmapLayout *layout,
                            double                  x,
                            double                  y,
                            guint                  *row,
                            guint                  *column)
{
  const CepPlotRect *cells = &layout->cells;
  guint r, c;

  if (!cep_plot_rect_contains (cells, x, y))
    return FALSE;
  c = MIN ((guint) ((x - cells->x) / cells->width * heatmap->n_columns), heatmap->n_columns - 1);
  r = MIN ((guint) ((y - cells->y) / cells->height * heatmap->n_rows), heatmap->n_rows - 1);
  if (heatmap->origin_bottom)
    r = heatmap->n_rows - 1 - r;
  if (row != NULL)
    *row = r;
  if (column != NULL)
    *column = c;
  return TRUE;
}

void
cep_heatmap_layout_cell_center (const CepHeatmap       *heatmap,
                                const CepHeatmapLayout *layout,
                                guint                   row,
                                guint                   column,
                                double                 *x,
                                double                 *y)
{
  const CepPlotRect *cells = &layout->cells;
  guint visual_row = heatmap->origin_bottom ? heatmap->n_rows - 1 - row : row;

  *x = cells->x + (column + 0.5) * cells->width / heatmap->n_columns;
  *y = cells->y + (visual_row + 0.5) * cells->height / heatmap->n_rows;
}
