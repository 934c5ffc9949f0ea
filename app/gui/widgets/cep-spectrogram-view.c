/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-view.c: the spectrogram widget (core/plot's renderer, cached).
 *
 * Owns copies of the matrix, the tracks and the masks, the cached matrix image, the time
 * window and the pointer state. Must not compute features: it shows what it is given.
 */
#define G_LOG_DOMAIN "cepstra-spectrogram-view"

#include "cep-spectrogram-view.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#define MIN_VISIBLE_FRAMES 20

struct _CepSpectrogramView
{
  CepPlotWidget       parent_instance;

  CepSpectrogramPlot  plot;
  float              *values;
  guint8             *labels;
  guint8             *predicted;
  GStrv               names;
  GArray             *masks;          /* of CepSpectrogramMask */
  char               *title;
  cairo_surface_t    *image;          /* the whole matrix, built once per data change */

  GtkAdjustment      *adjustment;
  gboolean            syncing;        /* updating the adjustment from the window */
  guint               highlight_first;
  guint               highlight_n;

  CepSpectrogramLayout layout;
  gboolean            has_layout;
  double              pointer_x;
  double              pointer_y;
  guint               hover_frame;    /* G_MAXUINT: pointer outside */
};

enum
{
  SIGNAL_HOVER,
  SIGNAL_FRAME_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepSpectrogramView, cep_spectrogram_view, CEP_TYPE_PLOT_WIDGET)

GtkWidget *
cep_spectrogram_view_new (void)
{
  return g_object_new (CEP_TYPE_SPECTROGRAM_VIEW, NULL);
}

/* ---- what is shown ---- */

static void
drop_image (CepSpectrogramView *self)
{
  g_clear_pointer (&self->image, cairo_surface_destroy);
  self->plot.image = NULL;
}

static void
update_accessible_description (CepSpectrogramView *self)
{
  g_autofree char *text = NULL;

  if (self->values == NULL)
    text = g_strdup (_("No utterance"));
  else
    text = g_strdup_printf ("%s: %u frames by %u coefficients, showing frames %u to %u",
                            self->title != NULL ? self->title : "Features",
                            self->plot.n_frames, self->plot.n_coefficients,
                            cep_spectrogram_view_get_first_frame (self),
                            cep_spectrogram_view_get_first_frame (self)
                            + cep_spectrogram_view_get_n_visible (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
sync_adjustment (CepSpectrogramView *self)
{
  guint n = self->plot.n_frames;
  guint visible = cep_spectrogram_view_get_n_visible (self);

  self->syncing = TRUE;
  gtk_adjustment_configure (self->adjustment, cep_spectrogram_view_get_first_frame (self), 0,
                            MAX (n, 1), 1, MAX (visible * 0.9, 1), MAX (visible, 1));
  self->syncing = FALSE;
}

static void
window_changed (CepSpectrogramView *self)
{
  sync_adjustment (self);
  update_accessible_description (self);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_spectrogram_view_set_matrix (CepSpectrogramView *self,
                                 const float        *values,
                                 guint               n_frames,
                                 guint               n_coefficients)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  drop_image (self);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->labels, g_free);
  g_clear_pointer (&self->predicted, g_free);
  g_array_set_size (self->masks, 0);
  self->highlight_n = 0;
  if (values == NULL || n_frames == 0 || n_coefficients == 0)
    n_frames = n_coefficients = 0;
  else
    self->values = g_memdup2 (values, (gsize) n_frames * n_coefficients * sizeof (float));
  self->plot.values = self->values;
  self->plot.n_frames = n_frames;
  self->plot.n_coefficients = n_coefficients;
  self->plot.labels = NULL;
  self->plot.predicted = NULL;
  self->plot.masks = NULL;
  self->plot.n_masks = 0;
  self->plot.zero_masked = FALSE;
  self->plot.first_frame = 0;
  self->plot.n_visible = 0;
  self->hover_frame = G_MAXUINT;
  window_changed (self);
}

static guint8 *
copy_track (CepSpectrogramView *self,
            const guint8       *track)
{
  if (track == NULL || self->values == NULL)
    return NULL;
  return g_memdup2 (track, self->plot.n_frames);
}

void
cep_spectrogram_view_set_labels (CepSpectrogramView *self,
                                 const guint8       *labels,
                                 const char * const *names,
                                 guint               n_names)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  g_free (self->labels);
  self->labels = copy_track (self, labels);
  g_strfreev (self->names);
  self->names = g_new0 (char *, n_names + 1);
  for (guint i = 0; i < n_names && names != NULL; i++)
    self->names[i] = g_strdup (names[i]);
  self->plot.labels = self->labels;
  self->plot.label_names = (const char * const *) self->names;
  self->plot.n_label_names = names != NULL ? n_names : 0;
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_spectrogram_view_set_predicted (CepSpectrogramView *self,
                                    const guint8       *predicted)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  g_free (self->predicted);
  self->predicted = copy_track (self, predicted);
  self->plot.predicted = self->predicted;
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_spectrogram_view_set_masks (CepSpectrogramView       *self,
                                const CepSpectrogramMask *masks,
                                guint                     n_masks,
                                gboolean                  zero_masked)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  g_array_set_size (self->masks, 0);
  if (masks != NULL)
    g_array_append_vals (self->masks, masks, n_masks);
  self->plot.masks = (const CepSpectrogramMask *) self->masks->data;
  self->plot.n_masks = self->masks->len;
  /* Zeroed values change the matrix image; tinted bands are drawn over it. */
  if (zero_masked || self->plot.zero_masked)
    drop_image (self);
  self->plot.zero_masked = zero_masked;
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_spectrogram_view_set_highlight (CepSpectrogramView *self,
                                    guint               first,
                                    guint               n)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  self->highlight_first = first;
  self->highlight_n = n;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cep_spectrogram_view_set_colormap (CepSpectrogramView *self,
                                   CepColormap         colormap)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  if (self->plot.colormap == colormap)
    return;
  self->plot.colormap = colormap;
  drop_image (self);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

void
cep_spectrogram_view_set_title (CepSpectrogramView *self,
                                const char         *title)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));

  g_free (self->title);
  self->title = g_strdup (title);
  self->plot.title = self->title;
  update_accessible_description (self);
  cep_plot_widget_invalidate (CEP_PLOT_WIDGET (self));
}

guint
cep_spectrogram_view_get_n_frames (CepSpectrogramView *self)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), 0);
  return self->plot.n_frames;
}

guint
cep_spectrogram_view_get_n_coefficients (CepSpectrogramView *self)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), 0);
  return self->plot.n_coefficients;
}

float
cep_spectrogram_view_get_value (CepSpectrogramView *self,
                                guint               frame,
                                guint               coefficient)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), NAN);

  if (frame >= self->plot.n_frames || coefficient >= self->plot.n_coefficients)
    return NAN;
  if (self->plot.zero_masked && cep_spectrogram_plot_is_masked (&self->plot, frame, coefficient))
    return 0.0f;
  return self->values[(gsize) frame * self->plot.n_coefficients + coefficient];
}

static guint8
track_at (CepSpectrogramView *self,
          const guint8       *track,
          guint               frame)
{
  if (track == NULL || frame >= self->plot.n_frames)
    return CEP_SPECTROGRAM_NO_LABEL;
  return track[frame];
}

guint8
cep_spectrogram_view_get_label (CepSpectrogramView *self,
                                guint               frame)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), CEP_SPECTROGRAM_NO_LABEL);
  return track_at (self, self->labels, frame);
}

guint8
cep_spectrogram_view_get_predicted (CepSpectrogramView *self,
                                    guint               frame)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), CEP_SPECTROGRAM_NO_LABEL);
  return track_at (self, self->predicted, frame);
}

const char *
cep_spectrogram_view_get_label_name (CepSpectrogramView *self,
                                     guint8              id)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), NULL);

  if (self->names == NULL || id >= self->plot.n_label_names)
    return NULL;
  return self->names[id];
}

/* ---- the time window ---- */

GtkAdjustment *
cep_spectrogram_view_get_adjustment (CepSpectrogramView *self)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), NULL);
  return self->adjustment;
}

guint
cep_spectrogram_view_get_first_frame (CepSpectrogramView *self)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), 0);
  return self->plot.first_frame;
}

guint
cep_spectrogram_view_get_n_visible (CepSpectrogramView *self)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), 0);

  if (self->plot.n_visible == 0 || self->plot.n_visible > self->plot.n_frames)
    return self->plot.n_frames - MIN (self->plot.first_frame, self->plot.n_frames);
  return self->plot.n_visible;
}

static void
set_window (CepSpectrogramView *self,
            double              first,
            double              visible)
{
  double n = self->plot.n_frames;

  if (n <= 0)
    return;
  visible = CLAMP (visible, MIN (MIN_VISIBLE_FRAMES, n), n);
  first = CLAMP (first, 0, n - visible);
  self->plot.first_frame = (guint) lround (first);
  self->plot.n_visible = visible >= n ? 0 : (guint) lround (visible);
  window_changed (self);
}

void
cep_spectrogram_view_zoom (CepSpectrogramView *self,
                           double              factor,
                           double              anchor_frame)
{
  double first, visible, new_visible, fraction;

  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));
  g_return_if_fail (factor > 0);

  first = self->plot.first_frame;
  visible = cep_spectrogram_view_get_n_visible (self);
  if (visible <= 0)
    return;
  new_visible = visible / factor;
  fraction = CLAMP ((anchor_frame - first) / visible, 0.0, 1.0);
  set_window (self, anchor_frame - fraction * new_visible, new_visible);
}

void
cep_spectrogram_view_zoom_fit (CepSpectrogramView *self)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));
  set_window (self, 0, self->plot.n_frames);
}

void
cep_spectrogram_view_scroll_to (CepSpectrogramView *self,
                                guint               first_frame)
{
  g_return_if_fail (CEP_IS_SPECTROGRAM_VIEW (self));
  set_window (self, first_frame, cep_spectrogram_view_get_n_visible (self));
}

static void
on_adjustment_value_changed (GtkAdjustment      *adjustment,
                             CepSpectrogramView *self)
{
  if (self->syncing)
    return;
  set_window (self, gtk_adjustment_get_value (adjustment),
              cep_spectrogram_view_get_n_visible (self));
}

/* ---- drawing ---- */

static void
cep_spectrogram_view_draw (CepPlotWidget      *widget,
                           cairo_t            *cr,
                           const CepPlotStyle *style,
                           double              width,
                           double              height)
{
  CepSpectrogramView *self = CEP_SPECTROGRAM_VIEW (widget);

  if (self->values == NULL)
    return;
  self->plot.style = style;
  if (self->image == NULL)
    self->image = cep_spectrogram_plot_create_image (&self->plot);
  self->plot.image = self->image;
  cep_spectrogram_plot_compute_layout (&self->plot, cr, width, height, &self->layout);
  cep_spectrogram_plot_draw_with_layout (&self->plot, &self->layout, cr);
  self->has_layout = TRUE;
  self->plot.style = NULL;
}

static double
frame_to_x (CepSpectrogramView *self,
            double              frame)
{
  const CepPlotRect *m = &self->layout.matrix;

  return m->x + (frame - self->layout.first_frame) * m->width / MAX (self->layout.n_visible, 1);
}

static void
append_outline (GtkSnapshot   *snapshot,
                const graphene_rect_t *rect,
                const GdkRGBA *color,
                float          line)
{
  GskRoundedRect outline;
  float widths[4] = { line, line, line, line };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

/* The context window of the masked sample: an outline over its frames. */
static void
snapshot_highlight (CepSpectrogramView *self,
                    GtkSnapshot        *snapshot)
{
  const CepPlotRect *m = &self->layout.matrix;
  double left, right;
  GdkRGBA color;

  if (self->highlight_n == 0)
    return;
  left = MAX (frame_to_x (self, self->highlight_first), m->x);
  right = MIN (frame_to_x (self, self->highlight_first + self->highlight_n), m->x + m->width);
  if (right <= left)
    return;
  gdk_rgba_parse (&color, cep_plot_widget_is_dark (CEP_PLOT_WIDGET (self)) ? "#ffffff" : "#000000");
  append_outline (snapshot, &GRAPHENE_RECT_INIT (left, m->y - 1, right - left, m->height + 2),
                  &color, 2);
}

/* The lowest drawn part of the figure's data column: the last label track, or the matrix. */
static double
track_bottom (CepSpectrogramView *self)
{
  const CepSpectrogramLayout *layout = &self->layout;

  if (layout->predicted.height > 0)
    return layout->predicted.y + layout->predicted.height;
  if (layout->labels.height > 0)
    return layout->labels.y + layout->labels.height;
  return layout->matrix.y + layout->matrix.height;
}

static void
snapshot_crosshair (CepSpectrogramView *self,
                    GtkSnapshot        *snapshot)
{
  const CepPlotRect *m = &self->layout.matrix;
  double x;
  double bottom;
  GdkRGBA color = { 1, 1, 1, 0.8 };

  if (self->hover_frame == G_MAXUINT)
    return;
  x = frame_to_x (self, self->hover_frame + 0.5);
  if (x < m->x || x > m->x + m->width)
    return;
  bottom = track_bottom (self);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0.5 },
                             &GRAPHENE_RECT_INIT (x - 1.5, m->y, 3, bottom - m->y));
  gtk_snapshot_append_color (snapshot, &color,
                             &GRAPHENE_RECT_INIT (x - 0.5, m->y, 1, bottom - m->y));
}

static void
cep_spectrogram_view_snapshot_overlay (CepPlotWidget *widget,
                                       GtkSnapshot   *snapshot,
                                       double         width,
                                       double         height)
{
  CepSpectrogramView *self = CEP_SPECTROGRAM_VIEW (widget);

  if (!self->has_layout || self->values == NULL)
    return;
  snapshot_highlight (self, snapshot);
  snapshot_crosshair (self, snapshot);
}

gboolean
cep_spectrogram_view_get_layout (CepSpectrogramView   *self,
                                 CepSpectrogramLayout *layout)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), FALSE);

  if (!self->has_layout)
    return FALSE;
  *layout = self->layout;
  return TRUE;
}

gboolean
cep_spectrogram_view_locate (CepSpectrogramView *self,
                             double              x,
                             double              y,
                             guint              *frame,
                             guint              *coefficient)
{
  g_return_val_if_fail (CEP_IS_SPECTROGRAM_VIEW (self), FALSE);

  if (!self->has_layout || self->values == NULL)
    return FALSE;
  return cep_spectrogram_layout_locate (&self->layout, &self->plot, x, y, frame, coefficient);
}

/* ---- input ---- */

static void
update_hover (CepSpectrogramView *self)
{
  guint frame = G_MAXUINT, coefficient = G_MAXUINT;

  if (!cep_spectrogram_view_locate (self, self->pointer_x, self->pointer_y, &frame, &coefficient))
    frame = coefficient = G_MAXUINT;
  if (frame == self->hover_frame && frame == G_MAXUINT)
    return;
  self->hover_frame = frame;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_HOVER], 0, frame, coefficient);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CepSpectrogramView       *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  update_hover (self);
}

static void
on_leave (GtkEventControllerMotion *controller,
          CepSpectrogramView       *self)
{
  self->pointer_x = self->pointer_y = -1;
  update_hover (self);
}

static double
pointer_frame (CepSpectrogramView *self)
{
  guint frame, coefficient;

  if (cep_spectrogram_view_locate (self, self->pointer_x, self->pointer_y, &frame, &coefficient))
    return frame;
  return self->plot.first_frame + cep_spectrogram_view_get_n_visible (self) / 2.0;
}

/* Wheel: pan in time; with Ctrl, zoom around the pointer. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CepSpectrogramView       *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (
    GTK_EVENT_CONTROLLER (controller));
  double visible = cep_spectrogram_view_get_n_visible (self);

  if (self->values == NULL)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    cep_spectrogram_view_zoom (self, pow (1.25, -dy), pointer_frame (self));
  else
    set_window (self, self->plot.first_frame + (dx + dy) * visible / 10.0, visible);
  return TRUE;
}

static void
on_click_released (GtkGestureClick    *gesture,
                   int                 n_press,
                   double              x,
                   double              y,
                   CepSpectrogramView *self)
{
  guint frame, coefficient;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (cep_spectrogram_view_locate (self, x, y, &frame, &coefficient))
    g_signal_emit (self, signals[SIGNAL_FRAME_ACTIVATED], 0, frame);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CepSpectrogramView    *self)
{
  double visible = cep_spectrogram_view_get_n_visible (self);
  double centre = self->plot.first_frame + visible / 2.0;

  switch (keyval)
    {
    case GDK_KEY_Left:
      set_window (self, self->plot.first_frame - visible / 10.0, visible);
      return TRUE;
    case GDK_KEY_Right:
      set_window (self, self->plot.first_frame + visible / 10.0, visible);
      return TRUE;
    case GDK_KEY_Home:
      set_window (self, 0, visible);
      return TRUE;
    case GDK_KEY_End:
      set_window (self, self->plot.n_frames, visible);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      cep_spectrogram_view_zoom (self, 1.5, centre);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      cep_spectrogram_view_zoom (self, 1 / 1.5, centre);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
add_controllers (CepSpectrogramView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (
    GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *key = gtk_event_controller_key_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  g_signal_connect (click, "released", G_CALLBACK (on_click_released), self);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

/* ---- GObject ---- */

static void
cep_spectrogram_view_dispose (GObject *object)
{
  CepSpectrogramView *self = CEP_SPECTROGRAM_VIEW (object);

  drop_image (self);
  g_clear_object (&self->adjustment);
  G_OBJECT_CLASS (cep_spectrogram_view_parent_class)->dispose (object);
}

static void
cep_spectrogram_view_finalize (GObject *object)
{
  CepSpectrogramView *self = CEP_SPECTROGRAM_VIEW (object);

  g_free (self->values);
  g_free (self->labels);
  g_free (self->predicted);
  g_strfreev (self->names);
  g_free (self->title);
  g_array_unref (self->masks);
  G_OBJECT_CLASS (cep_spectrogram_view_parent_class)->finalize (object);
}

static void
cep_spectrogram_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 200;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 320;
}

static void
cep_spectrogram_view_class_init (CepSpectrogramViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  CepPlotWidgetClass *plot_class = CEP_PLOT_WIDGET_CLASS (klass);

  object_class->dispose = cep_spectrogram_view_dispose;
  object_class->finalize = cep_spectrogram_view_finalize;
  widget_class->measure = cep_spectrogram_view_measure;
  plot_class->draw = cep_spectrogram_view_draw;
  plot_class->snapshot_overlay = cep_spectrogram_view_snapshot_overlay;

  /* (frame, coefficient) under the pointer; G_MAXUINT when there is none. */
  signals[SIGNAL_HOVER] = g_signal_new ("hover", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_FRAME_ACTIVATED] = g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                  G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "spectrogram");
}

static void
cep_spectrogram_view_init (CepSpectrogramView *self)
{
  cep_spectrogram_plot_init (&self->plot);
  self->plot.labels_title = _("Phonemes");
  self->plot.predicted_title = _("Predicted");
  self->masks = g_array_new (FALSE, TRUE, sizeof (CepSpectrogramMask));
  self->hover_frame = G_MAXUINT;
  self->adjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  g_signal_connect (self->adjustment, "value-changed",
                    G_CALLBACK (on_adjustment_value_changed), self);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  add_controllers (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Spectrogram"), -1);
  update_accessible_description (self);
}
