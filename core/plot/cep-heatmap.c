/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap.c: drawing a heatmap from its layout.
 *
 * Owns the cell colours, cell numbers, the band outline, labels and legend. Must not decide
 * sizes; cep-heatmap-layout.c does.
 */
#define G_LOG_DOMAIN "cepstra-heatmap"

#include "cep-heatmap-private.h"

#include <math.h>
#include <string.h>

#include "cep-colorbar.h"
#include "cep-plot-image.h"

void
cep_heatmap_init (CepHeatmap *heatmap)
{
  g_return_if_fail (heatmap != NULL);

  memset (heatmap, 0, sizeof *heatmap);
  heatmap->square_cells = TRUE;
  heatmap->mode = CEP_HEATMAP_CONTINUOUS;
  heatmap->colormap = CEP_COLORMAP_VIRIDIS;
  heatmap->min = NAN;
  heatmap->max = NAN;
  heatmap->false_color = cep_rgba_from_hex (0xffffff, 1.0);
  heatmap->true_color = cep_rgba_from_hex (0xc01c28, 1.0);
  heatmap->false_label = "independent";
  heatmap->true_label = "dependent";
  heatmap->cell_skip_zero = TRUE;
  heatmap->band_halfwidth = -1;
}

const CepPlotStyle *
_cep_heatmap_get_style (const CepHeatmap *heatmap)
{
  return heatmap->style != NULL ? heatmap->style : cep_plot_style_get_default ();
}

double
_cep_heatmap_padding (const CepHeatmap *heatmap)
{
  return round (_cep_heatmap_get_style (heatmap)->font_size * 0.75);
}

void
cep_heatmap_get_scale (const CepHeatmap *heatmap,
                       CepColorScale    *scale)
{
  g_return_if_fail (heatmap != NULL && scale != NULL);

  cep_color_scale_fit_floats (scale, heatmap->colormap, heatmap->values,
                              (gsize) heatmap->n_rows * heatmap->n_columns, heatmap->symmetric);
  if (!isnan (heatmap->min))
    scale->min = heatmap->min;
  if (!isnan (heatmap->max))
    scale->max = heatmap->max;
}

static guint32
cell_argb (const CepHeatmap    *heatmap,
           const CepColorScale *scale,
           float                value,
           guint32              missing)
{
  if (heatmap->mode != CEP_HEATMAP_BOOLEAN)
    return cep_color_scale_get_argb (scale, value, missing);
  if (isnan (value))
    return missing;
  return cep_rgba_to_argb (value != 0.0f ? &heatmap->true_color : &heatmap->false_color);
}

cairo_surface_t *
cep_heatmap_create_image (const CepHeatmap *heatmap)
{
  guint32 missing = cep_rgba_to_argb (&_cep_heatmap_get_style (heatmap)->missing);
  cairo_surface_t *image;
  CepColorScale scale;

  g_return_val_if_fail (heatmap != NULL && heatmap->values != NULL, NULL);

  image = cep_plot_image_new (heatmap->n_columns, heatmap->n_rows);
  if (image == NULL)
    return NULL;
  cep_heatmap_get_scale (heatmap, &scale);
  for (guint r = 0; r < heatmap->n_rows; r++)
    {
      const float *values = heatmap->values + (gsize) r * heatmap->n_columns;
      guint32 *pixels = cep_plot_image_row (image, heatmap->origin_bottom
                                                   ? heatmap->n_rows - 1 - r : r);

      for (guint c = 0; c < heatmap->n_columns; c++)
        pixels[c] = cell_argb (heatmap, &scale, values[c], missing);
    }
  cairo_surface_mark_dirty (image);
  return image;
}

void
_cep_heatmap_column_axis (const CepHeatmap  *heatmap,
                          const CepPlotRect *cells,
                          CepPlotAxis       *axis)
{
  cep_plot_axis_init (axis, -0.5, heatmap->n_columns - 0.5, cells->x, cells->x + cells->width);
  axis->kind = CEP_PLOT_TICKS_INTEGER;
}

void
_cep_heatmap_row_axis (const CepHeatmap  *heatmap,
                       const CepPlotRect *cells,
                       CepPlotAxis       *axis)
{
  double top = cells->y, bottom = cells->y + cells->height;

  cep_plot_axis_init (axis, -0.5, heatmap->n_rows - 0.5, heatmap->origin_bottom ? bottom : top,
                      heatmap->origin_bottom ? top : bottom);
  axis->kind = CEP_PLOT_TICKS_INTEGER;
}

void
_cep_heatmap_index_ticks (CepPlotText       *text,
                          const CepPlotAxis *axis,
                          CepPlotEdge        edge,
                          guint              every,
                          CepPlotTicks      *ticks)
{
  guint last = (guint) (axis->max + 0.5);

  if (every == 0)
    {
      cep_plot_fit_ticks (text, axis, edge, ticks);
      return;
    }
  /* A stride the caller asked for, thinned only if it would overflow the tick array. */
  every = MAX (every, (last + CEP_PLOT_MAX_TICKS - 1) / CEP_PLOT_MAX_TICKS);
  ticks->n = 0;
  ticks->step = every;
  for (guint i = 0; i < last && ticks->n < CEP_PLOT_MAX_TICKS; i += every)
    ticks->values[ticks->n++] = i;
}

void
_cep_heatmap_format_cell (const CepHeatmap *heatmap,
                          double            value,
                          char             *buffer,
                          gsize             size)
{
  g_snprintf (buffer, size, "%.*f%s", (int) MIN (heatmap->cell_decimals, 6), value,
              heatmap->cell_suffix != NULL ? heatmap->cell_suffix : "");
}

static void
draw_cells (const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            cairo_t                *cr)
{
  cairo_surface_t *image = heatmap->image;

  if (image == NULL)
    image = cep_heatmap_create_image (heatmap);
  else
    cairo_surface_reference (image);
  if (image == NULL)
    return;
  cep_plot_image_paint (cr, image, 0, 0, heatmap->n_columns, heatmap->n_rows, &layout->cells);
  cairo_surface_destroy (image);
}

static CepRgba
cell_color (const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            float                   value)
{
  if (heatmap->mode == CEP_HEATMAP_BOOLEAN)
    return value != 0.0f ? heatmap->true_color : heatmap->false_color;
  return cep_colormap_get_color (layout->scale.colormap,
                                 cep_color_scale_position (&layout->scale, value));
}

static void
draw_cell_numbers (const CepHeatmap       *heatmap,
                   const CepHeatmapLayout *layout,
                   CepPlotText            *text)
{
  char number[CEP_HEATMAP_LABEL_SIZE];

  for (guint r = 0; r < heatmap->n_rows; r++)
    for (guint c = 0; c < heatmap->n_columns; c++)
      {
        gsize index = (gsize) r * heatmap->n_columns + c;
        double value = heatmap->cell_values[index], x, y;
        CepRgba fill, ink;

        if (isnan (value) || (heatmap->cell_skip_zero && value == 0.0))
          continue;
        fill = cell_color (heatmap, layout, heatmap->values[index]);
        ink = cep_rgba_contrasting_text (&fill);
        _cep_heatmap_format_cell (heatmap, value, number, sizeof number);
        cep_heatmap_layout_cell_center (heatmap, layout, r, c, &x, &y);
        cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &ink, number, x, y, 0.5, 0.5, 0.0);
      }
}

/* Left or right boundary of the band in row @row: the cell column it starts or ends at. */
static double
band_edge_x (const CepHeatmap       *heatmap,
             const CepHeatmapLayout *layout,
             guint                   row,
             gboolean                right)
{
  double cell_width = layout->cells.width / heatmap->n_columns;
  int k = heatmap->band_halfwidth;
  int column = right ? MIN ((int) row + k + 1, (int) heatmap->n_columns)
                     : MAX ((int) row - k, 0);

  return layout->cells.x + column * cell_width;
}

static double
row_edge_y (const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            guint                   row,
            gboolean                far)
{
  double cell_height = layout->cells.height / heatmap->n_rows;
  guint visual = heatmap->origin_bottom ? heatmap->n_rows - 1 - row : row;

  /* "far" is the edge away from row 0 along the rows' direction. */
  if (heatmap->origin_bottom)
    return layout->cells.y + (visual + (far ? 0 : 1)) * cell_height;
  return layout->cells.y + (visual + (far ? 1 : 0)) * cell_height;
}

static void
band_step (const CepHeatmap       *heatmap,
           const CepHeatmapLayout *layout,
           cairo_t                *cr,
           guint                   row,
           gboolean                right)
{
  double x = band_edge_x (heatmap, layout, row, right);

  /* Down a row on the left side, up a row on the right side. */
  cairo_line_to (cr, x, row_edge_y (heatmap, layout, row, right));
  cairo_line_to (cr, x, row_edge_y (heatmap, layout, row, !right));
}

static void
band_path (const CepHeatmap       *heatmap,
           const CepHeatmapLayout *layout,
           cairo_t                *cr,
           guint                   last)
{
  cairo_move_to (cr, band_edge_x (heatmap, layout, 0, FALSE),
                 row_edge_y (heatmap, layout, 0, FALSE));
  for (guint r = 0; r <= last; r++)
    band_step (heatmap, layout, cr, r, FALSE);
  for (guint r = last + 1; r-- > 0;)
    band_step (heatmap, layout, cr, r, TRUE);
  cairo_close_path (cr);
}

/* Point (@column, @row) in continuous cell-edge coordinates, in figure units. */
static void
cell_point (const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            double                  column,
            double                  row,
            double                 *x,
            double                 *y)
{
  double cell_height = layout->cells.height / heatmap->n_rows;

  *x = layout->cells.x + column * layout->cells.width / heatmap->n_columns;
  *y = heatmap->origin_bottom ? layout->cells.y + layout->cells.height - row * cell_height
                              : layout->cells.y + row * cell_height;
}

/* Small cells make a staircase look like noise: draw the lines |i - j| = K + 1/2 instead,
 * which run through the middle of every step. */
static void
diagonal_band_path (const CepHeatmap       *heatmap,
                    const CepHeatmapLayout *layout,
                    cairo_t                *cr)
{
  double offset = heatmap->band_halfwidth + 0.5, x, y;

  for (int side = -1; side <= 1; side += 2)
    {
      cell_point (heatmap, layout, side * offset, 0.0, &x, &y);
      cairo_move_to (cr, x, y);
      cell_point (heatmap, layout, heatmap->n_rows + side * offset, heatmap->n_rows, &x, &y);
      cairo_line_to (cr, x, y);
    }
}

static void
draw_band (const CepHeatmap       *heatmap,
           const CepHeatmapLayout *layout,
           cairo_t                *cr)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);
  double cell_size = MIN (layout->cells.width / heatmap->n_columns,
                          layout->cells.height / heatmap->n_rows);
  double dashes[] = { 5.0, 3.0 };
  guint k = (guint) heatmap->band_halfwidth;

  if (heatmap->band_halfwidth < 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, layout->cells.x, layout->cells.y, layout->cells.width,
                   layout->cells.height);
  cairo_clip (cr);
  if (cell_size >= 6.0)
    band_path (heatmap, layout, cr, MIN (heatmap->n_rows, heatmap->n_columns + k) - 1);
  else
    diagonal_band_path (heatmap, layout, cr);
  /* A halo in the background colour under the dashes keeps the outline visible on dark and
   * on light cells alike. */
  cairo_set_line_width (cr, 3.0);
  cep_rgba_set_source (&style->background, cr);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cep_rgba_set_source (&style->foreground, cr);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_explicit_row_labels (const CepHeatmap       *heatmap,
                          const CepHeatmapLayout *layout,
                          CepPlotText            *text,
                          cairo_t                *cr)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);
  double x = layout->cells.x - 0.5 - CEP_PLOT_TICK_LENGTH;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cep_rgba_set_source (&style->frame, cr);
  for (guint r = 0; r < heatmap->n_rows; r += layout->row_every)
    {
      double cx, cy;

      cep_heatmap_layout_cell_center (heatmap, layout, r, 0, &cx, &cy);
      cairo_move_to (cr, x, cep_plot_snap (cy, 1.0));
      cairo_line_to (cr, layout->cells.x - 0.5, cep_plot_snap (cy, 1.0));
      cep_plot_text_draw (text, layout->row_font, &style->foreground, heatmap->row_labels[r],
                          x - CEP_PLOT_TICK_GAP, cy, 1.0, 0.5, 0.0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static void
draw_explicit_column_labels (const CepHeatmap       *heatmap,
                             const CepHeatmapLayout *layout,
                             CepPlotText            *text,
                             cairo_t                *cr)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);
  double y = layout->cells.y + layout->cells.height + 0.5 + CEP_PLOT_TICK_LENGTH;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cep_rgba_set_source (&style->frame, cr);
  for (guint c = 0; c < heatmap->n_columns; c += layout->column_every)
    {
      const char *label = heatmap->column_labels[c];
      double cx, cy;

      cep_heatmap_layout_cell_center (heatmap, layout, 0, c, &cx, &cy);
      cairo_move_to (cr, cep_plot_snap (cx, 1.0), y - CEP_PLOT_TICK_LENGTH);
      cairo_line_to (cr, cep_plot_snap (cx, 1.0), y);
      if (layout->rotate_column_labels)
        cep_plot_text_draw (text, layout->column_font, &style->foreground, label, cx,
                            y + CEP_PLOT_TICK_GAP, 1.0, 0.5, -G_PI / 2);
      else
        cep_plot_text_draw (text, layout->column_font, &style->foreground, label, cx,
                            y + CEP_PLOT_TICK_GAP, 0.5, 0.0, 0.0);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Returns how far the labels reach outside the edge, for the axis title beyond them. */
static double
draw_index_labels (const CepHeatmap       *heatmap,
                   const CepHeatmapLayout *layout,
                   CepPlotText            *text,
                   cairo_t                *cr,
                   CepPlotEdge             edge)
{
  CepPlotAxis axis;
  CepPlotTicks ticks;

  if (edge == CEP_PLOT_EDGE_LEFT)
    _cep_heatmap_row_axis (heatmap, &layout->cells, &axis);
  else
    _cep_heatmap_column_axis (heatmap, &layout->cells, &axis);
  _cep_heatmap_index_ticks (text, &axis, edge, edge == CEP_PLOT_EDGE_LEFT
                                               ? heatmap->row_label_every
                                               : heatmap->column_label_every, &ticks);
  cep_plot_draw_ticks (cr, text, _cep_heatmap_get_style (heatmap), &axis, &ticks, &layout->cells,
                       edge, TRUE);
  return cep_plot_ticks_extent (text, &axis, &ticks, edge);
}

static double
explicit_extent (CepPlotText        *text,
                 CepPlotFont         font,
                 const char * const *labels,
                 guint               n,
                 gboolean            along_width)
{
  double extent = 0.0;

  for (guint i = 0; i < n; i++)
    {
      double width, height;

      cep_plot_text_measure (text, font, labels[i] != NULL ? labels[i] : "", &width, &height);
      extent = MAX (extent, along_width ? width : height);
    }
  return CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP + extent;
}

static void
draw_labels (const CepHeatmap       *heatmap,
             const CepHeatmapLayout *layout,
             CepPlotText            *text,
             cairo_t                *cr)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);
  double gap = _cep_heatmap_padding (heatmap) / 2;
  double left, bottom;

  if (heatmap->row_labels != NULL)
    {
      draw_explicit_row_labels (heatmap, layout, text, cr);
      left = explicit_extent (text, layout->row_font, heatmap->row_labels, heatmap->n_rows, TRUE);
    }
  else
    left = draw_index_labels (heatmap, layout, text, cr, CEP_PLOT_EDGE_LEFT);
  if (heatmap->column_labels != NULL)
    {
      draw_explicit_column_labels (heatmap, layout, text, cr);
      bottom = explicit_extent (text, layout->column_font, heatmap->column_labels,
                                heatmap->n_columns, layout->rotate_column_labels);
    }
  else
    bottom = draw_index_labels (heatmap, layout, text, cr, CEP_PLOT_EDGE_BOTTOM);
  cep_plot_draw_axis_title (text, style, heatmap->y_label, &layout->cells, CEP_PLOT_EDGE_LEFT,
                            left + gap);
  cep_plot_draw_axis_title (text, style, heatmap->x_label, &layout->cells, CEP_PLOT_EDGE_BOTTOM,
                            bottom + gap);
}

static void
draw_title (const CepHeatmap       *heatmap,
            const CepHeatmapLayout *layout,
            CepPlotText            *text)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);

  cep_plot_text_draw (text, CEP_PLOT_FONT_TITLE, &style->foreground, heatmap->title,
                      layout->cells.x + layout->cells.width / 2,
                      layout->cells.y - _cep_heatmap_padding (heatmap), 0.5, 1.0, 0.0);
}

static void
draw_legend (const CepHeatmap       *heatmap,
             const CepHeatmapLayout *layout,
             CepPlotText            *text,
             cairo_t                *cr)
{
  const CepPlotStyle *style = _cep_heatmap_get_style (heatmap);
  CepRgba colors[2] = { heatmap->false_color, heatmap->true_color };
  const char *labels[2] = { heatmap->false_label, heatmap->true_label };

  if (heatmap->mode == CEP_HEATMAP_BOOLEAN)
    cep_swatch_legend_draw (cr, text, style, colors, labels, 2, &layout->legend);
  else
    cep_colorbar_draw (cr, text, style, &layout->scale, heatmap->colorbar_label,
                       &layout->legend);
}

void
cep_heatmap_draw_with_layout (const CepHeatmap       *heatmap,
                              const CepHeatmapLayout *layout,
                              cairo_t                *cr)
{
  const CepPlotStyle *style;
  g_autoptr(CepPlotText) text = NULL;

  g_return_if_fail (heatmap != NULL && layout != NULL && cr != NULL);
  g_return_if_fail (heatmap->values != NULL && heatmap->n_rows > 0 && heatmap->n_columns > 0);

  style = _cep_heatmap_get_style (heatmap);
  text = cep_plot_text_new (cr, style);
  cep_plot_style_paint_background (style, cr, layout->width, layout->height);
  draw_cells (heatmap, layout, cr);
  if (layout->cell_text)
    draw_cell_numbers (heatmap, layout, text);
  draw_band (heatmap, layout, cr);
  cep_plot_draw_outline (cr, &style->frame, &layout->cells);
  draw_labels (heatmap, layout, text, cr);
  draw_title (heatmap, layout, text);
  draw_legend (heatmap, layout, text, cr);
}

void
cep_heatmap_draw (const CepHeatmap *heatmap,
                  cairo_t          *cr,
                  double            width,
                  double            height)
{
  CepHeatmapLayout layout;

  cep_heatmap_compute_layout (heatmap, cr, width, height, &layout);
  cep_heatmap_draw_with_layout (heatmap, &layout, cr);
}

void
cep_heatmap_draw_func (cairo_t *cr,
                       double   width,
                       double   height,
                       gpointer heatmap)
{
  cep_heatmap_draw (heatmap, cr, width, height);
}

void
cep_heatmap_normalize_rows (const float *counts,
                            guint        n_rows,
                            guint        n_columns,
                            float       *percent)
{
  for (guint r = 0; r < n_rows; r++)
    {
      const float *row = counts + (gsize) r * n_columns;
      double sum = 0.0;

      for (guint c = 0; c < n_columns; c++)
        sum += row[c];
      for (guint c = 0; c < n_columns; c++)
        percent[(gsize) r * n_columns + c] = sum > 0.0 ? (float) (100.0 * row[c] / sum) : NAN;
    }
}
