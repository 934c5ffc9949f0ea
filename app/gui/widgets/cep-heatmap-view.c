/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap-view.c: the heatmap widget.
 *
 * Owns the figure, its cached cell image and the hovered cell. Must not compute the matrix.
 */
#define G_LOG_DOMAIN "cepstra-heatmap-view"

#include "cep-heatmap-view.h"

#include <math.h>
#include <string.h>

struct _CepHeatmapView
{
  CepPlotWidget     parent_instance;

  CepHeatmapFigure  figure;
  gboolean          has_figure;
  cairo_surface_t  *image;
  CepHeatmapLayout  layout;
  gboolean          has_layout;
  guint             hover_row;      /* G_MAXUINT: none */
  guint             hover_column;
  char             *readout;        /* what the hovered cell holds, from the page */
};

/* The read-out label: its distance from the cell, inner padding and corner radius. */
#define READOUT_GAP     8.0
#define READOUT_PADDING 6.0
#define READOUT_RADIUS  6.0

enum
{
  SIGNAL_HOVER,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepHeatmapView, cep_heatmap_view, CEP_TYPE_PLOT_WIDGET)

GtkWidget *
cep_heatmap_view_new (void)
{
  return g_object_new (CEP_TYPE_HEATMAP_VIEW, NULL);
}

static void
drop_figure (CepHeatmapView *self)
{
  if (self->has_figure)
    cep_heatmap_figure_clear (&self->figure);
  memset (&self->figure, 0, sizeof self->figure);
  g_clear_pointer (&self->image, cairo_surface_destroy);
  self->has_figure = FALSE;
  self->has_layout = FALSE;
}

void
cep_heatmap_view_set_figure (CepHeatmapView   *self,
                             CepHeatmapFigure *figure)
{
  g_return_if_fail (CEP_IS_HEATMAP_VIEW (self));

  drop_figure (self);
  self->hover_row = self->hover_column = G_MAXUINT;
  g_clear_pointer (&self->readout, g_free);
  if (figure != NULL)
    {
      self->figure = *figure;
      memset (figure, 0, sizeof *figure);
      self->has_figure = TRUE;
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      self->figure.title != NULL ? self->figure.title : "", -1);
    }
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

gboolean
cep_heatmap_view_has_figure (CepHeatmapView *self)
{
  g_return_val_if_fail (CEP_IS_HEATMAP_VIEW (self), FALSE);
  return self->has_figure;
}

const CepHeatmap *
cep_heatmap_view_get_heatmap (CepHeatmapView *self)
{
  g_return_val_if_fail (CEP_IS_HEATMAP_VIEW (self), NULL);
  return self->has_figure ? &self->figure.heatmap : NULL;
}

float
cep_heatmap_view_get_value (CepHeatmapView *self,
                            guint           row,
                            guint           column)
{
  const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (self);

  if (heatmap == NULL || row >= heatmap->n_rows || column >= heatmap->n_columns)
    return NAN;
  return heatmap->values[(gsize) row * heatmap->n_columns + column];
}

const char *
cep_heatmap_view_get_row_label (CepHeatmapView *self,
                                guint           row)
{
  const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (self);

  if (heatmap == NULL || heatmap->row_labels == NULL || row >= heatmap->n_rows)
    return NULL;
  return heatmap->row_labels[row];
}

const char *
cep_heatmap_view_get_column_label (CepHeatmapView *self,
                                   guint           column)
{
  const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (self);

  if (heatmap == NULL || heatmap->column_labels == NULL || column >= heatmap->n_columns)
    return NULL;
  return heatmap->column_labels[column];
}

static void
cep_heatmap_view_draw (CepPlotWidget      *widget,
                       cairo_t            *cr,
                       const CepPlotStyle *style,
                       double              width,
                       double              height)
{
  CepHeatmapView *self = CEP_HEATMAP_VIEW (widget);
  CepHeatmap *heatmap = &self->figure.heatmap;

  if (!self->has_figure || heatmap->n_rows == 0 || heatmap->n_columns == 0)
    return;
  heatmap->style = style;
  if (self->image == NULL)
    self->image = cep_heatmap_create_image (heatmap);
  heatmap->image = self->image;
  cep_heatmap_compute_layout (heatmap, cr, width, height, &self->layout);
  cep_heatmap_draw_with_layout (heatmap, &self->layout, cr);
  self->has_layout = TRUE;
  heatmap->style = NULL;
}

gboolean
cep_heatmap_view_get_layout (CepHeatmapView   *self,
                             CepHeatmapLayout *layout)
{
  g_return_val_if_fail (CEP_IS_HEATMAP_VIEW (self), FALSE);

  if (!self->has_layout)
    return FALSE;
  *layout = self->layout;
  return TRUE;
}

gboolean
cep_heatmap_view_cell_at (CepHeatmapView *self,
                          double          x,
                          double          y,
                          guint          *row,
                          guint          *column)
{
  g_return_val_if_fail (CEP_IS_HEATMAP_VIEW (self), FALSE);

  if (!self->has_layout)
    return FALSE;
  return cep_heatmap_layout_cell_at (&self->figure.heatmap, &self->layout, x, y, row, column);
}

void
cep_heatmap_view_set_readout (CepHeatmapView *self,
                              const char     *text)
{
  g_return_if_fail (CEP_IS_HEATMAP_VIEW (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  if (g_strcmp0 (text, self->readout) == 0)
    return;
  g_free (self->readout);
  self->readout = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text != NULL ? text
                                  : self->has_figure && self->figure.title != NULL
                                    ? self->figure.title : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
cep_heatmap_view_get_readout (CepHeatmapView *self)
{
  g_return_val_if_fail (CEP_IS_HEATMAP_VIEW (self), NULL);
  return self->readout;
}

void
cep_heatmap_view_get_hover (CepHeatmapView *self,
                            guint          *row,
                            guint          *column)
{
  g_return_if_fail (CEP_IS_HEATMAP_VIEW (self));
  *row = self->hover_row;
  *column = self->hover_column;
}

/* Right of the cell, or left of it where the widget ends; never outside the widget. */
static void
place_readout (double  cell_x,
               double  cell_y,
               double  cell_width,
               double  box_width,
               double  box_height,
               double  width,
               double  height,
               double *x,
               double *y)
{
  *x = cell_x + cell_width / 2 + READOUT_GAP;
  if (*x + box_width > width)
    *x = cell_x - cell_width / 2 - READOUT_GAP - box_width;
  *x = CLAMP (*x, 0.0, MAX (0.0, width - box_width));
  *y = CLAMP (cell_y - box_height / 2, 0.0, MAX (0.0, height - box_height));
}

/* A dark label with light text reads on the viridis cells and both window styles alike. */
static void
snapshot_readout (CepHeatmapView *self,
                  GtkSnapshot    *snapshot,
                  double          cell_x,
                  double          cell_y,
                  double          cell_width,
                  double          width,
                  double          height)
{
  g_autoptr(PangoLayout) layout = NULL;
  const GdkRGBA background = { 0.1, 0.1, 0.12, 0.88 }, ink = { 1, 1, 1, 1 };
  GskRoundedRect box;
  int text_width, text_height;
  double x, y, box_width, box_height;

  if (self->readout == NULL)
    return;
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->readout);
  pango_layout_set_width (layout, (int) (MAX (width / 2, 160.0) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  box_width = text_width + 2 * READOUT_PADDING;
  box_height = text_height + 2 * READOUT_PADDING;
  place_readout (cell_x, cell_y, cell_width, box_width, box_height, width, height, &x, &y);
  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, y, box_width, box_height),
                                   READOUT_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &background, &box.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + READOUT_PADDING,
                                                          y + READOUT_PADDING));
  gtk_snapshot_append_layout (snapshot, layout, &ink);
  gtk_snapshot_restore (snapshot);
}

/* The hovered cell: a two-tone outline, visible on light and dark cells alike, and the
 * page's read-out beside it. */
static void
cep_heatmap_view_snapshot_overlay (CepPlotWidget *widget,
                                   GtkSnapshot   *snapshot,
                                   double         width,
                                   double         height)
{
  CepHeatmapView *self = CEP_HEATMAP_VIEW (widget);
  const CepPlotRect *cells = &self->layout.cells;
  const CepHeatmap *heatmap = &self->figure.heatmap;
  double cx, cy, w, h;
  GskRoundedRect outline;
  const GdkRGBA black = { 0, 0, 0, 0.9 }, white = { 1, 1, 1, 0.9 };

  if (!self->has_layout || self->hover_row == G_MAXUINT)
    return;
  w = cells->width / heatmap->n_columns;
  h = cells->height / heatmap->n_rows;
  cep_heatmap_layout_cell_center (heatmap, &self->layout, self->hover_row, self->hover_column,
                                  &cx, &cy);
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (cx - w / 2 - 2, cy - h / 2 - 2,
                                                                  w + 4, h + 4), 0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 2, 2, 2, 2 },
                              (GdkRGBA[4]) { black, black, black, black });
  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (cx - w / 2 - 1, cy - h / 2 - 1,
                                                                  w + 2, h + 2), 0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 1, 1, 1, 1 },
                              (GdkRGBA[4]) { white, white, white, white });
  snapshot_readout (self, snapshot, cx, cy, w, width, height);
}

static void
set_hover (CepHeatmapView *self,
           guint           row,
           guint           column)
{
  if (row == self->hover_row && column == self->hover_column)
    return;
  self->hover_row = row;
  self->hover_column = column;
  if (row == G_MAXUINT)
    cep_heatmap_view_set_readout (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_HOVER], 0, row, column);
}

/* Arrow keys move the outlined cell, so the read-out is there for keyboard users too;
 * the first press starts at the top-left cell. */
static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CepHeatmapView        *self)
{
  const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (self);
  int row = (int) self->hover_row, column = (int) self->hover_column;
  int d_row = 0, d_column = 0;

  if (heatmap == NULL || heatmap->n_rows == 0 || heatmap->n_columns == 0)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up: case GDK_KEY_KP_Up: d_row = heatmap->origin_bottom ? 1 : -1; break;
    case GDK_KEY_Down: case GDK_KEY_KP_Down: d_row = heatmap->origin_bottom ? -1 : 1; break;
    case GDK_KEY_Left: case GDK_KEY_KP_Left: d_column = -1; break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: d_column = 1; break;
    case GDK_KEY_Escape: set_hover (self, G_MAXUINT, G_MAXUINT); return TRUE;
    default: return FALSE;
    }
  if (self->hover_row == G_MAXUINT)
    row = column = 0;
  else
    {
      row = CLAMP (row + d_row, 0, (int) heatmap->n_rows - 1);
      column = CLAMP (column + d_column, 0, (int) heatmap->n_columns - 1);
    }
  set_hover (self, (guint) row, (guint) column);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CepHeatmapView           *self)
{
  guint row, column;

  if (cep_heatmap_view_cell_at (self, x, y, &row, &column))
    set_hover (self, row, column);
  else
    set_hover (self, G_MAXUINT, G_MAXUINT);
}

static void
on_leave (GtkEventControllerMotion *controller,
          CepHeatmapView           *self)
{
  set_hover (self, G_MAXUINT, G_MAXUINT);
}

static void
cep_heatmap_view_dispose (GObject *object)
{
  drop_figure (CEP_HEATMAP_VIEW (object));
  g_clear_pointer (&CEP_HEATMAP_VIEW (object)->readout, g_free);
  G_OBJECT_CLASS (cep_heatmap_view_parent_class)->dispose (object);
}

static void
cep_heatmap_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = 200;
  *natural = 400;
}

static void
cep_heatmap_view_class_init (CepHeatmapViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CepPlotWidgetClass *plot_class = CEP_PLOT_WIDGET_CLASS (klass);

  object_class->dispose = cep_heatmap_view_dispose;
  widget_class->measure = cep_heatmap_view_measure;
  plot_class->draw = cep_heatmap_view_draw;
  plot_class->snapshot_overlay = cep_heatmap_view_snapshot_overlay;
  /* (row, column) under the pointer; G_MAXUINT for none. */
  signals[SIGNAL_HOVER] = g_signal_new ("hover", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_UINT, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "heatmapview");
}

static void
cep_heatmap_view_init (CepHeatmapView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->hover_row = self->hover_column = G_MAXUINT;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Heatmap", -1);
}
