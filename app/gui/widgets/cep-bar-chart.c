/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-bar-chart.c: bars drawn with core/plot's axis, tick and text helpers.
 *
 * Owns copies of the values and labels and the geometry of the last draw (for tooltips).
 * Must not compute the values it shows.
 */
#define G_LOG_DOMAIN "cepstra-bar-chart"

#include "cep-bar-chart.h"

#include <math.h>

#include "cep-colormap.h"
#include "cep-plot-axis.h"
#include "cep-plot-frame.h"
#include "cep-plot-text.h"

#define PADDING 6.0
#define BAR_GAP 0.2   /* fraction of a slot left empty */

struct _CepBarChart
{
  CepPlotWidget parent_instance;

  GArray       *values;     /* double */
  GStrv         labels;
  GArray       *colors;     /* CepRgba, empty = series colour */
  char         *y_label;
  char         *title;
  char         *value_format;
  gboolean      show_values;

  gboolean      log_scale;
  CepPlotRect   area;       /* last drawn data area */
  CepPlotAxis   axis;       /* last drawn value axis */
  gboolean      rotate_labels;
  gboolean      has_area;
};

enum
{
  PROP_0,
  PROP_LOG_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepBarChart, cep_bar_chart, CEP_TYPE_PLOT_WIDGET)

GtkWidget *
cep_bar_chart_new (void)
{
  return g_object_new (CEP_TYPE_BAR_CHART, NULL);
}

static void
update_accessible (CepBarChart *self)
{
  GString *text = g_string_new (self->title != NULL ? self->title : "Bar chart");

  g_string_append_printf (text, ": %u bars", self->values->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  text->str, -1);
  g_string_free (text, TRUE);
}

void
cep_bar_chart_set_data (CepBarChart        *self,
                        const double       *values,
                        const char * const *labels,
                        const CepRgba      *colors,
                        guint               n)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));

  g_array_set_size (self->values, 0);
  g_array_set_size (self->colors, 0);
  g_strfreev (self->labels);
  self->labels = g_new0 (char *, n + 1);
  if (values != NULL)
    g_array_append_vals (self->values, values, n);
  if (colors != NULL)
    g_array_append_vals (self->colors, colors, n);
  for (guint i = 0; i < n; i++)
    self->labels[i] = g_strdup (labels != NULL && labels[i] != NULL ? labels[i] : "");
  update_accessible (self);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
cep_bar_chart_set_y_label (CepBarChart *self,
                           const char  *y_label)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));
  replace_string (&self->y_label, y_label);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_bar_chart_set_title (CepBarChart *self,
                         const char  *title)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));
  replace_string (&self->title, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title != NULL ? title : "Bar chart", -1);
  update_accessible (self);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_bar_chart_set_value_format (CepBarChart *self,
                                const char  *format)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));
  replace_string (&self->value_format, format != NULL ? format : "%g");
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_bar_chart_set_show_values (CepBarChart *self,
                               gboolean     show_values)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));
  self->show_values = show_values;
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

guint
cep_bar_chart_get_n_bars (CepBarChart *self)
{
  g_return_val_if_fail (CEP_IS_BAR_CHART (self), 0);
  return self->values->len;
}

double
cep_bar_chart_get_value (CepBarChart *self,
                         guint        index)
{
  g_return_val_if_fail (CEP_IS_BAR_CHART (self), NAN);
  g_return_val_if_fail (index < self->values->len, NAN);
  return g_array_index (self->values, double, index);
}

const char *
cep_bar_chart_get_label (CepBarChart *self,
                         guint        index)
{
  g_return_val_if_fail (CEP_IS_BAR_CHART (self), NULL);
  g_return_val_if_fail (index < self->values->len, NULL);
  return self->labels[index];
}

/* ---- geometry ---- */

static double
slot_width (CepBarChart *self)
{
  return self->area.width / MAX (self->values->len, 1);
}

gboolean
cep_bar_chart_get_bar_area (CepBarChart *self,
                            guint        index,
                            CepPlotRect *area)
{
  double slot, value, base, top;

  g_return_val_if_fail (CEP_IS_BAR_CHART (self), FALSE);

  if (!self->has_area || index >= self->values->len)
    return FALSE;
  slot = slot_width (self);
  value = g_array_index (self->values, double, index);
  base = self->area.y + self->area.height;
  /* A bar that a log axis cannot show (zero, negative) is drawn empty, not below the axis. */
  if (!isfinite (value) || value <= 0 || (self->log_scale && value <= self->axis.min))
    top = base;
  else
    top = MAX (cep_plot_axis_to_pixel (&self->axis, value), self->area.y);
  area->x = self->area.x + index * slot + slot * BAR_GAP / 2;
  area->width = slot * (1 - BAR_GAP);
  area->y = top;
  area->height = base - top;
  return TRUE;
}

void
cep_bar_chart_set_log_scale (CepBarChart *self,
                             gboolean     log_scale)
{
  g_return_if_fail (CEP_IS_BAR_CHART (self));

  if (self->log_scale == !!log_scale)
    return;
  self->log_scale = !!log_scale;
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_SCALE]);
}

gboolean
cep_bar_chart_get_log_scale (CepBarChart *self)
{
  g_return_val_if_fail (CEP_IS_BAR_CHART (self), FALSE);
  return self->log_scale;
}

int
cep_bar_chart_bar_at (CepBarChart *self,
                      double       x,
                      double       y)
{
  int index;

  g_return_val_if_fail (CEP_IS_BAR_CHART (self), -1);

  if (!self->has_area || self->values->len == 0 || x < self->area.x
      || x >= self->area.x + self->area.width || y > self->area.y + self->area.height)
    return -1;
  index = (int) ((x - self->area.x) / slot_width (self));
  return index < (int) self->values->len ? index : -1;
}

/* Labels are thinned to every @every-th bar so that rotated labels do not overlap. */
static guint
label_stride (CepPlotText *text,
              double       slot)
{
  double line = cep_plot_text_line_height (text, CEP_PLOT_FONT_SMALL);

  return slot >= line ? 1 : (guint) ceil (line / MAX (slot, 0.5));
}

static double
widest_label (CepBarChart *self,
              CepPlotText *text)
{
  double widest = 0;

  for (guint i = 0; i < self->values->len; i++)
    {
      double width, height;

      cep_plot_text_measure (text, CEP_PLOT_FONT_SMALL, self->labels[i], &width, &height);
      widest = MAX (widest, width);
    }
  return widest;
}

/* Labels lie flat under their bars when they fit there, and are turned otherwise. */
static gboolean
labels_rotated (CepBarChart *self,
                CepPlotText *text,
                double       slot)
{
  return widest_label (self, text) > slot * 0.95;
}

static double
labels_extent (CepBarChart *self,
               CepPlotText *text,
               double       slot)
{
  self->rotate_labels = labels_rotated (self, text, slot);
  if (!self->rotate_labels)
    return cep_plot_text_line_height (text, CEP_PLOT_FONT_SMALL) + CEP_PLOT_TICK_GAP;
  return widest_label (self, text) + CEP_PLOT_TICK_GAP;
}

static void
draw_bar_labels (CepBarChart        *self,
                 CepPlotText        *text,
                 const CepPlotStyle *style)
{
  double slot = slot_width (self);
  gboolean rotated = self->rotate_labels;
  guint every = rotated ? label_stride (text, slot) : 1;
  double y = self->area.y + self->area.height + CEP_PLOT_TICK_GAP;

  for (guint i = 0; i < self->values->len; i += every)
    {
      double x = self->area.x + (i + 0.5) * slot;

      if (rotated)
        cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &style->foreground, self->labels[i], x, y,
                            1.0, 0.5, -G_PI / 2);
      else
        cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &style->foreground, self->labels[i], x, y,
                            0.5, 0.0, 0);
    }
}

static CepRgba
bar_color (CepBarChart *self,
           guint        index)
{
  if (index < self->colors->len)
    return g_array_index (self->colors, CepRgba, index);
  return cep_palette_get_series_color (0);
}

static void
format_value (CepBarChart *self,
              double       value,
              char        *buffer,
              gsize        size)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_snprintf (buffer, size, self->value_format, value);
#pragma GCC diagnostic pop
}

static void
draw_bars (CepBarChart        *self,
           cairo_t            *cr,
           CepPlotText        *text,
           const CepPlotStyle *style)
{
  for (guint i = 0; i < self->values->len; i++)
    {
      CepPlotRect bar;
      CepRgba color = bar_color (self, i);

      if (!cep_bar_chart_get_bar_area (self, i, &bar) || bar.height <= 0)
        continue;
      cep_rgba_set_source (&color, cr);
      cairo_rectangle (cr, bar.x, bar.y, bar.width, bar.height);
      cairo_fill (cr);
      if (self->show_values)
        {
          char buffer[64];

          format_value (self, g_array_index (self->values, double, i), buffer, sizeof buffer);
          cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &style->foreground, buffer,
                              bar.x + bar.width / 2, bar.y - 2, 0.5, 1.0, 0);
        }
    }
}

/* Linear from zero with some headroom for the printed values; or log10 over whole decades
 * around the positive values, so a 30× slower backend is still a bar one can read. */
static void
value_axis (CepBarChart *self,
            double       bottom,
            double       top,
            CepPlotAxis *axis)
{
  const double *values = (const double *) self->values->data;
  double smallest = G_MAXDOUBLE, max = 0;

  cep_plot_range_of_doubles (values, self->values->len, &(double) { 0 }, &max);
  if (!self->log_scale)
    {
      cep_plot_axis_init (axis, 0, max > 0 ? max * 1.08 : 1, bottom, top);
      return;
    }
  for (guint i = 0; i < self->values->len; i++)
    if (isfinite (values[i]) && values[i] > 0)
      smallest = MIN (smallest, values[i]);
  if (smallest == G_MAXDOUBLE)
    smallest = max = 1;
  cep_plot_axis_init (axis, smallest / 2, max * 1.5, bottom, top);
  cep_plot_axis_set_log (axis);
  cep_plot_axis_expand_to_ticks (axis, 8);
}

static void
cep_bar_chart_draw (CepPlotWidget      *widget,
                    cairo_t            *cr,
                    const CepPlotStyle *style,
                    double              width,
                    double              height)
{
  CepBarChart *self = CEP_BAR_CHART (widget);
  g_autoptr (CepPlotText) text = cep_plot_text_new (cr, style);
  double top = PADDING, bottom, left;
  double title_height = cep_plot_text_line_height (text, CEP_PLOT_FONT_TITLE);
  double label_height = cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL);
  CepPlotAxis axis;
  CepPlotTicks ticks;

  self->has_area = FALSE;
  if (self->values->len == 0)
    return;
  if (self->title != NULL)
    {
      cep_plot_text_draw (text, CEP_PLOT_FONT_TITLE, &style->foreground, self->title,
                          width / 2, top, 0.5, 0, 0);
      top += title_height + PADDING;
    }
  if (self->show_values)
    top += cep_plot_text_line_height (text, CEP_PLOT_FONT_SMALL);
  /* The slot width is estimated before the left margin is known; it only decides whether
   * labels are turned. */
  bottom = height - PADDING - labels_extent (self, text,
                                             (width - 4 * PADDING) / self->values->len);
  value_axis (self, bottom, top, &axis);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_LEFT, &ticks);
  left = PADDING + (self->y_label != NULL ? label_height + PADDING : 0)
         + cep_plot_ticks_extent (text, &axis, &ticks, CEP_PLOT_EDGE_LEFT);
  self->area = (CepPlotRect) { left, top, MAX (width - left - PADDING, 1), MAX (bottom - top, 1) };
  self->axis = axis;
  self->has_area = TRUE;

  cep_plot_draw_grid (cr, style, &axis, &ticks, &self->area, FALSE);
  draw_bars (self, cr, text, style);
  cep_plot_draw_ticks (cr, text, style, &axis, &ticks, &self->area, CEP_PLOT_EDGE_LEFT, TRUE);
  cep_plot_draw_axis_title (text, style, self->y_label, &self->area, CEP_PLOT_EDGE_LEFT,
                            cep_plot_ticks_extent (text, &axis, &ticks, CEP_PLOT_EDGE_LEFT)
                            + PADDING / 2);
  draw_bar_labels (self, text, style);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  CepBarChart *self = CEP_BAR_CHART (widget);
  int index = cep_bar_chart_bar_at (self, x, y);
  char value[64];
  g_autofree char *markup = NULL;

  if (index < 0)
    return FALSE;
  format_value (self, g_array_index (self->values, double, index), value, sizeof value);
  markup = g_markup_printf_escaped ("<b>%s</b>: %s", self->labels[index], value);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
cep_bar_chart_finalize (GObject *object)
{
  CepBarChart *self = CEP_BAR_CHART (object);

  g_array_unref (self->values);
  g_array_unref (self->colors);
  g_strfreev (self->labels);
  g_free (self->y_label);
  g_free (self->title);
  g_free (self->value_format);
  G_OBJECT_CLASS (cep_bar_chart_parent_class)->finalize (object);
}

static void
cep_bar_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 180;
}

static void
cep_bar_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CepBarChart *self = CEP_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      g_value_set_boolean (value, self->log_scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_bar_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CepBarChart *self = CEP_BAR_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      cep_bar_chart_set_log_scale (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_bar_chart_class_init (CepBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cep_bar_chart_finalize;
  object_class->get_property = cep_bar_chart_get_property;
  object_class->set_property = cep_bar_chart_set_property;
  properties[PROP_LOG_SCALE] =
    g_param_spec_boolean ("log-scale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  widget_class->measure = cep_bar_chart_measure;
  CEP_PLOT_WIDGET_CLASS (klass)->draw = cep_bar_chart_draw;
  gtk_widget_class_set_css_name (widget_class, "barchart");
}

static void
cep_bar_chart_init (CepBarChart *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->colors = g_array_new (FALSE, FALSE, sizeof (CepRgba));
  self->labels = g_new0 (char *, 1);
  self->value_format = g_strdup ("%g");
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Bar chart", -1);
}
