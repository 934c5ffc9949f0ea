/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-curve-view.c: the line-plot widget.
 *
 * Owns series copies, the plot settings and the hover state. Must not compute the curves it
 * shows; it only finds the point nearest the pointer for the read-out.
 */
#define G_LOG_DOMAIN "cepstra-curve-view"

#include "cep-curve-view.h"

#include <math.h>

typedef struct
{
  CepLineSeries  style;
  char          *name;
  GArray        *x;       /* double, or NULL for indices */
  GArray        *y;
  GArray        *band_low;   /* NULL without a band */
  GArray        *band_high;
} Series;

struct _CepCurveView
{
  CepPlotWidget      parent_instance;

  CepLinePlot        plot;
  GArray            *series;       /* of Series */
  GArray            *line_series;  /* of CepLineSeries, rebuilt at draw time */
  GArray            *epoch_marks;  /* double */
  CepLinePlotLayout  layout;
  gboolean           has_layout;
  double             pointer_x;    /* < 0: outside */
};

G_DEFINE_FINAL_TYPE (CepCurveView, cep_curve_view, CEP_TYPE_PLOT_WIDGET)

GtkWidget *
cep_curve_view_new (void)
{
  return g_object_new (CEP_TYPE_CURVE_VIEW, NULL);
}

CepLinePlot *
cep_curve_view_get_plot (CepCurveView *self)
{
  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), NULL);
  return &self->plot;
}

void
cep_curve_view_changed (CepCurveView *self)
{
  g_return_if_fail (CEP_IS_CURVE_VIEW (self));
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

static void
series_clear (gpointer data)
{
  Series *series = data;

  g_free (series->name);
  g_clear_pointer (&series->x, g_array_unref);
  g_clear_pointer (&series->y, g_array_unref);
  g_clear_pointer (&series->band_low, g_array_unref);
  g_clear_pointer (&series->band_high, g_array_unref);
}

void
cep_curve_view_clear (CepCurveView *self)
{
  g_return_if_fail (CEP_IS_CURVE_VIEW (self));

  g_array_set_size (self->series, 0);
  g_array_set_size (self->epoch_marks, 0);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

static GArray *
copy_doubles (const double *values,
              gsize         n)
{
  GArray *array = g_array_sized_new (FALSE, FALSE, sizeof (double), n);

  if (n > 0)
    g_array_append_vals (array, values, n);
  return array;
}

guint
cep_curve_view_add_series (CepCurveView        *self,
                           const CepLineSeries *template,
                           const double        *x,
                           const double        *y,
                           gsize                n)
{
  Series series = { 0 };

  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), 0);
  g_return_val_if_fail (template != NULL, 0);
  g_return_val_if_fail (y != NULL || n == 0, 0);

  series.style = *template;
  series.name = g_strdup (template->name);
  series.x = x != NULL ? copy_doubles (x, n) : NULL;
  series.y = copy_doubles (y, n);
  if (template->band_low != NULL && template->band_high != NULL)
    {
      series.band_low = copy_doubles (template->band_low, n);
      series.band_high = copy_doubles (template->band_high, n);
    }
  g_array_append_val (self->series, series);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
  return self->series->len - 1;
}

guint
cep_curve_view_get_n_series (CepCurveView *self)
{
  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), 0);
  return self->series->len;
}

gsize
cep_curve_view_get_n_points (CepCurveView *self,
                             guint         series)
{
  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  return g_array_index (self->series, Series, series).y->len;
}

void
cep_curve_view_set_epoch_marks (CepCurveView *self,
                                const double *marks,
                                guint         n)
{
  g_return_if_fail (CEP_IS_CURVE_VIEW (self));

  g_array_set_size (self->epoch_marks, 0);
  if (marks != NULL && n > 0)
    g_array_append_vals (self->epoch_marks, marks, n);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

/* The plot borrows the series arrays for one draw. */
static void
point_plot_at_series (CepCurveView *self)
{
  g_array_set_size (self->line_series, 0);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *series = &g_array_index (self->series, Series, i);
      CepLineSeries line = series->style;

      line.name = series->name;
      line.x = series->x != NULL ? (const double *) series->x->data : NULL;
      line.y = (const double *) series->y->data;
      line.n = series->y->len;
      line.band_low = series->band_low != NULL ? (const double *) series->band_low->data : NULL;
      line.band_high = series->band_high != NULL ? (const double *) series->band_high->data
                                                 : NULL;
      g_array_append_val (self->line_series, line);
    }
  self->plot.series = (const CepLineSeries *) self->line_series->data;
  self->plot.n_series = self->line_series->len;
  self->plot.epoch_marks = (const double *) self->epoch_marks->data;
  self->plot.n_epoch_marks = self->epoch_marks->len;
}

static void
cep_curve_view_draw (CepPlotWidget      *widget,
                     cairo_t            *cr,
                     const CepPlotStyle *style,
                     double              width,
                     double              height)
{
  CepCurveView *self = CEP_CURVE_VIEW (widget);

  point_plot_at_series (self);
  self->plot.style = style;
  cep_line_plot_compute_layout (&self->plot, cr, width, height, &self->layout);
  cep_line_plot_draw_with_layout (&self->plot, &self->layout, cr);
  self->has_layout = TRUE;
  self->plot.style = NULL;
}

gboolean
cep_curve_view_get_layout (CepCurveView      *self,
                           CepLinePlotLayout *layout)
{
  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), FALSE);

  if (!self->has_layout)
    return FALSE;
  *layout = self->layout;
  return TRUE;
}

/* ---- hover ---- */

static double
series_x (const Series *series,
          gsize         i)
{
  return series->x != NULL ? g_array_index (series->x, double, i) : (double) i;
}

/* Index of the point with the largest x <= @x (x grows along a series), or -1. */
static gssize
point_before (const Series *series,
              double        x)
{
  gsize low = 0, high = series->y->len;

  if (high == 0 || series_x (series, 0) > x)
    return -1;
  while (high - low > 1)
    {
      gsize middle = (low + high) / 2;

      if (series_x (series, middle) <= x)
        low = middle;
      else
        high = middle;
    }
  return (gssize) low;
}

static gboolean
inside_x (CepCurveView *self,
          double        x)
{
  const CepPlotRect *area = &self->layout.areas[0];

  return self->has_layout && x >= area->x && x <= area->x + area->width;
}

char *
cep_curve_view_describe_at (CepCurveView *self,
                            double        x)
{
  GString *text;
  double value;

  g_return_val_if_fail (CEP_IS_CURVE_VIEW (self), NULL);

  if (!inside_x (self, x) || self->series->len == 0)
    return NULL;
  value = cep_plot_axis_from_pixel (&self->layout.x_axis, x);
  /* Steps and epochs are whole: the read-out names the one under the pointer, not 63.9. */
  if (self->plot.x_kind == CEP_PLOT_TICKS_INTEGER)
    value = round (value);
  text = g_string_new (NULL);
  g_string_append_printf (text, "%s %.*f", self->plot.x_label != NULL ? self->plot.x_label : "x",
                          self->plot.x_kind == CEP_PLOT_TICKS_INTEGER ? 0 : 2,
                          value * (self->plot.x_display_scale > 0 ? self->plot.x_display_scale
                                                                  : 1.0));
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *series = &g_array_index (self->series, Series, i);
      gssize index = point_before (series, value);
      double y, scale = self->plot.panels[series->style.panel].y_display_scale;

      if (index < 0 || series->name == NULL)
        continue;
      y = g_array_index (series->y, double, index) * (scale > 0 ? scale : 1);
      if (!isnan (y))
        g_string_append_printf (text, "\n%s: %.4g", series->name, y);
    }
  return g_string_free (text, FALSE);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  g_autofree char *text = cep_curve_view_describe_at (CEP_CURVE_VIEW (widget), x);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
cep_curve_view_snapshot_overlay (CepPlotWidget *widget,
                                 GtkSnapshot   *snapshot,
                                 double         width,
                                 double         height)
{
  CepCurveView *self = CEP_CURVE_VIEW (widget);
  const CepPlotRect *top = &self->layout.areas[0];
  const CepPlotRect *bottom = &self->layout.areas[MAX (self->layout.n_panels, 1) - 1];
  GdkRGBA color = { 0.5, 0.5, 0.5, 0.7 };

  if (!inside_x (self, self->pointer_x))
    return;
  gtk_snapshot_append_color (snapshot, &color,
                             &GRAPHENE_RECT_INIT (self->pointer_x - 0.5, top->y, 1,
                                                  bottom->y + bottom->height - top->y));
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CepCurveView             *self)
{
  self->pointer_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          CepCurveView             *self)
{
  self->pointer_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- GObject ---- */

static void
cep_curve_view_finalize (GObject *object)
{
  CepCurveView *self = CEP_CURVE_VIEW (object);

  g_array_unref (self->series);
  g_array_unref (self->line_series);
  g_array_unref (self->epoch_marks);
  G_OBJECT_CLASS (cep_curve_view_parent_class)->finalize (object);
}

static void
cep_curve_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  /* Vertically as small as allowed: the page decides who takes the extra height. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 100;
}

static void
cep_curve_view_class_init (CepCurveViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CepPlotWidgetClass *plot_class = CEP_PLOT_WIDGET_CLASS (klass);

  object_class->finalize = cep_curve_view_finalize;
  widget_class->measure = cep_curve_view_measure;
  plot_class->draw = cep_curve_view_draw;
  plot_class->snapshot_overlay = cep_curve_view_snapshot_overlay;
  gtk_widget_class_set_css_name (widget_class, "curveview");
}

static void
cep_curve_view_init (CepCurveView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  cep_line_plot_init (&self->plot);
  self->series = g_array_new (FALSE, TRUE, sizeof (Series));
  g_array_set_clear_func (self->series, series_clear);
  self->line_series = g_array_new (FALSE, TRUE, sizeof (CepLineSeries));
  self->epoch_marks = g_array_new (FALSE, FALSE, sizeof (double));
  self->pointer_x = -1;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Training curves", -1);
}
