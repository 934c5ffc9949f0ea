/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-frame.c: ticks, grid, outline and axis titles around a plot area.
 *
 * Owns the look of axes shared by every renderer. Must not know what data is plotted.
 */
#define G_LOG_DOMAIN "cepstra-plot-frame"

#include "cep-plot-frame.h"

#include <math.h>

#define TICK_LABEL_SIZE 32
/* Ticks on a vertical axis at least this many text lines apart: dense enough to read values
 * off, sparse enough to stay calm. */
#define VERTICAL_SPACING 3.0

static gboolean
edge_is_vertical (CepPlotEdge edge)
{
  return edge == CEP_PLOT_EDGE_LEFT || edge == CEP_PLOT_EDGE_RIGHT;
}

static double
widest_label (CepPlotText        *text,
              const CepPlotAxis  *axis,
              const CepPlotTicks *ticks)
{
  char label[TICK_LABEL_SIZE];
  double widest = 0.0;

  for (guint i = 0; i < ticks->n; i++)
    {
      double width;

      cep_plot_axis_format_tick (axis, ticks, ticks->values[i], label, sizeof label);
      cep_plot_text_measure (text, CEP_PLOT_FONT_BODY, label, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

static double
smallest_tick_spacing (const CepPlotAxis  *axis,
                       const CepPlotTicks *ticks)
{
  double spacing = INFINITY;

  for (guint i = 1; i < ticks->n; i++)
    spacing = MIN (spacing, fabs (cep_plot_axis_to_pixel (axis, ticks->values[i])
                                  - cep_plot_axis_to_pixel (axis, ticks->values[i - 1])));
  return spacing;
}

static gboolean
ticks_fit (CepPlotText        *text,
           const CepPlotAxis  *axis,
           CepPlotEdge         edge,
           const CepPlotTicks *ticks)
{
  double line = cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  double needed;

  if (edge_is_vertical (edge))
    needed = VERTICAL_SPACING * line;
  else
    needed = widest_label (text, axis, ticks) + line;
  return smallest_tick_spacing (axis, ticks) >= needed;
}

void
cep_plot_fit_ticks (CepPlotText       *text,
                    const CepPlotAxis *axis,
                    CepPlotEdge        edge,
                    CepPlotTicks      *ticks)
{
  double line = cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  guint max_ticks = cep_plot_axis_max_ticks (axis, edge_is_vertical (edge)
                                                   ? VERTICAL_SPACING * line : line);

  /* Label widths depend on the step, so shrink until the widest label fits its slot. */
  for (; max_ticks > 2; max_ticks--)
    {
      cep_plot_axis_get_ticks (axis, max_ticks, ticks);
      if (ticks_fit (text, axis, edge, ticks))
        return;
    }
  cep_plot_axis_get_ticks (axis, 2, ticks);
}

double
cep_plot_ticks_extent (CepPlotText        *text,
                       const CepPlotAxis  *axis,
                       const CepPlotTicks *ticks,
                       CepPlotEdge         edge)
{
  double size;

  if (edge_is_vertical (edge))
    size = widest_label (text, axis, ticks);
  else
    size = cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  return CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP + size;
}

/* Where an edge lies and which way is "outside" (+1 right/down, -1 left/up). */
static void
edge_line (const CepPlotRect *area,
           CepPlotEdge        edge,
           double            *position,
           double            *outward)
{
  switch (edge)
    {
    case CEP_PLOT_EDGE_LEFT:
      *position = area->x;
      *outward = -1.0;
      break;
    case CEP_PLOT_EDGE_RIGHT:
      *position = area->x + area->width;
      *outward = 1.0;
      break;
    case CEP_PLOT_EDGE_TOP:
      *position = area->y;
      *outward = -1.0;
      break;
    case CEP_PLOT_EDGE_BOTTOM:
    default:
      *position = area->y + area->height;
      *outward = 1.0;
      break;
    }
}

static void
draw_tick_label (CepPlotText        *text,
                 const CepPlotStyle *style,
                 const char         *label,
                 CepPlotEdge         edge,
                 double              along,
                 double              across)
{
  switch (edge)
    {
    case CEP_PLOT_EDGE_LEFT:
      cep_plot_text_draw (text, CEP_PLOT_FONT_BODY, &style->foreground, label, across, along,
                          1.0, 0.5, 0.0);
      break;
    case CEP_PLOT_EDGE_RIGHT:
      cep_plot_text_draw (text, CEP_PLOT_FONT_BODY, &style->foreground, label, across, along,
                          0.0, 0.5, 0.0);
      break;
    case CEP_PLOT_EDGE_TOP:
      cep_plot_text_draw (text, CEP_PLOT_FONT_BODY, &style->foreground, label, along, across,
                          0.5, 1.0, 0.0);
      break;
    case CEP_PLOT_EDGE_BOTTOM:
    default:
      cep_plot_text_draw (text, CEP_PLOT_FONT_BODY, &style->foreground, label, along, across,
                          0.5, 0.0, 0.0);
      break;
    }
}

static void
draw_tick_mark (cairo_t     *cr,
                CepPlotEdge  edge,
                double       along,
                double       position,
                double       outward)
{
  along = cep_plot_snap (along, 1.0);
  if (edge_is_vertical (edge))
    {
      cairo_move_to (cr, position, along);
      cairo_line_to (cr, position + outward * CEP_PLOT_TICK_LENGTH, along);
    }
  else
    {
      cairo_move_to (cr, along, position);
      cairo_line_to (cr, along, position + outward * CEP_PLOT_TICK_LENGTH);
    }
}

void
cep_plot_draw_ticks (cairo_t            *cr,
                     CepPlotText        *text,
                     const CepPlotStyle *style,
                     const CepPlotAxis  *axis,
                     const CepPlotTicks *ticks,
                     const CepPlotRect  *area,
                     CepPlotEdge         edge,
                     gboolean            with_labels)
{
  double position, outward, label_at;
  char label[TICK_LABEL_SIZE];

  edge_line (area, edge, &position, &outward);
  /* The outline sits half a unit outside the area; ticks start there. */
  position += outward * 0.5;
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cep_rgba_set_source (&style->frame, cr);
  for (guint i = 0; i < ticks->n; i++)
    draw_tick_mark (cr, edge, cep_plot_axis_to_pixel (axis, ticks->values[i]), position, outward);
  cairo_stroke (cr);
  cairo_restore (cr);
  if (!with_labels)
    return;
  label_at = position + outward * (CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP);
  for (guint i = 0; i < ticks->n; i++)
    {
      cep_plot_axis_format_tick (axis, ticks, ticks->values[i], label, sizeof label);
      draw_tick_label (text, style, label, edge, cep_plot_axis_to_pixel (axis, ticks->values[i]),
                       label_at);
    }
}

void
cep_plot_draw_grid (cairo_t            *cr,
                    const CepPlotStyle *style,
                    const CepPlotAxis  *axis,
                    const CepPlotTicks *ticks,
                    const CepPlotRect  *area,
                    gboolean            vertical_lines)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cep_rgba_set_source (&style->grid, cr);
  for (guint i = 0; i < ticks->n; i++)
    {
      double at = cep_plot_snap (cep_plot_axis_to_pixel (axis, ticks->values[i]), 1.0);

      if (vertical_lines)
        {
          cairo_move_to (cr, at, area->y);
          cairo_line_to (cr, at, area->y + area->height);
        }
      else
        {
          cairo_move_to (cr, area->x, at);
          cairo_line_to (cr, area->x + area->width, at);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
cep_plot_draw_outline (cairo_t           *cr,
                       const CepRgba     *color,
                       const CepPlotRect *area)
{
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cep_rgba_set_source (color, cr);
  cairo_rectangle (cr, area->x - 0.5, area->y - 0.5, area->width + 1.0, area->height + 1.0);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
cep_plot_draw_axis_title (CepPlotText        *text,
                          const CepPlotStyle *style,
                          const char         *title,
                          const CepPlotRect  *area,
                          CepPlotEdge         edge,
                          double              offset)
{
  double position, outward;

  if (title == NULL || *title == '\0')
    return;
  edge_line (area, edge, &position, &outward);
  position += outward * offset;
  if (edge == CEP_PLOT_EDGE_LEFT)
    cep_plot_text_draw (text, CEP_PLOT_FONT_LABEL, &style->secondary, title, position,
                        area->y + area->height / 2, 0.5, 1.0, -G_PI / 2);
  else if (edge == CEP_PLOT_EDGE_RIGHT)
    cep_plot_text_draw (text, CEP_PLOT_FONT_LABEL, &style->secondary, title, position,
                        area->y + area->height / 2, 0.5, 1.0, G_PI / 2);
  else
    cep_plot_text_draw (text, CEP_PLOT_FONT_LABEL, &style->secondary, title,
                        area->x + area->width / 2, position, 0.5, outward > 0 ? 0.0 : 1.0, 0.0);
}
