/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-widget.c: cached core/plot figures in snapshot.
 *
 * Owns the node cache and the light/dark style; must not know what a subclass draws.
 */
#define G_LOG_DOMAIN "cepstra-plot-widget"

#include "cep-plot-widget.h"

#include <adwaita.h>

#include "cep-plot-file.h"

typedef struct
{
  GskRenderNode *node;
  int            node_width;
  int            node_height;
  gboolean       node_dark;
  int            node_scale;
  CepPlotStyle   style;
  guint          n_renders;
  gulong         dark_handler;
} CepPlotWidgetPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CepPlotWidget, cep_plot_widget, GTK_TYPE_WIDGET)

static AdwStyleManager *
style_manager (void)
{
  return adw_style_manager_get_default ();
}

gboolean
cep_plot_widget_is_dark (CepPlotWidget *self)
{
  g_return_val_if_fail (CEP_IS_PLOT_WIDGET (self), FALSE);
  return adw_style_manager_get_dark (style_manager ());
}

/* The widget sits on the theme's view or card background, so the figure keeps it. */
static void
update_style (CepPlotWidget *self)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  if (cep_plot_widget_is_dark (self))
    cep_plot_style_init_dark (&priv->style);
  else
    cep_plot_style_init_light (&priv->style);
  priv->style.background.alpha = 0.0;
}

const CepPlotStyle *
cep_plot_widget_get_style (CepPlotWidget *self)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  g_return_val_if_fail (CEP_IS_PLOT_WIDGET (self), NULL);
  update_style (self);
  return &priv->style;
}

void
cep_plot_widget_invalidate (CepPlotWidget *self)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  g_return_if_fail (CEP_IS_PLOT_WIDGET (self));
  g_clear_pointer (&priv->node, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_dark_changed (AdwStyleManager *manager,
                 GParamSpec      *pspec,
                 CepPlotWidget   *self)
{
  cep_plot_widget_invalidate (self);
}

void
cep_plot_widget_draw (CepPlotWidget      *self,
                      cairo_t            *cr,
                      const CepPlotStyle *style,
                      double              width,
                      double              height)
{
  CepPlotWidgetClass *klass = CEP_PLOT_WIDGET_GET_CLASS (self);

  g_return_if_fail (CEP_IS_PLOT_WIDGET (self));
  if (klass->draw != NULL && width >= 1 && height >= 1)
    klass->draw (self, cr, style, width, height);
}

/* The figure is rendered once into pixels at the widget's scale and kept: replaying a
 * recorded cairo drawing on every frame costs a renderer as much as drawing it again (a
 * spectrogram's scaled cell image, hundreds of glyphs); pixels cost one blit. */
static cairo_surface_t *
render_figure (CepPlotWidget *self,
               int            width,
               int            height,
               int            scale)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale,
                                                         height * scale);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  update_style (self);
  cep_plot_widget_draw (self, cr, &priv->style, width, height);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  priv->n_renders++;
  return surface;
}

/* GL and Vulkan renderers upload a texture once and keep it on the GPU; GTK 4.8's cairo
 * renderer converts a texture pixel by pixel on every frame, but blits a cairo node that
 * paints an image surface. Each gets the node it draws fastest. */
static gboolean
uses_cairo_renderer (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer == NULL || GSK_IS_CAIRO_RENDERER (renderer);
}

static GskRenderNode *
surface_node (cairo_surface_t *surface,
              int              width,
              int              height,
              gboolean         cairo_renderer)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  cairo_t *cr;
  GskRenderNode *node;

  if (cairo_renderer)
    {
      node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
      cr = gsk_cairo_node_get_draw_context (node);
      cairo_set_source_surface (cr, surface, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      return node;
    }
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface)
                                      * cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy,
                                      cairo_surface_reference (surface));
  /* CAIRO_FORMAT_ARGB32 is GDK_MEMORY_DEFAULT on either byte order. */
  texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                    cairo_image_surface_get_height (surface),
                                    GDK_MEMORY_DEFAULT, bytes,
                                    cairo_image_surface_get_stride (surface));
  return gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static GskRenderNode *
record_figure (CepPlotWidget *self,
               int            width,
               int            height)
{
  int scale = MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);
  cairo_surface_t *surface = render_figure (self, width, height, scale);
  GskRenderNode *node = surface_node (surface, width, height,
                                      uses_cairo_renderer (GTK_WIDGET (self)));

  cairo_surface_destroy (surface);
  return node;
}

static void
cep_plot_widget_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  CepPlotWidget *self = CEP_PLOT_WIDGET (widget);
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);
  CepPlotWidgetClass *klass = CEP_PLOT_WIDGET_GET_CLASS (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  gboolean dark = cep_plot_widget_is_dark (self);

  if (width < 1 || height < 1)
    return;
  if (priv->node != NULL
      && (priv->node_width != width || priv->node_height != height || priv->node_dark != dark
          || priv->node_scale != scale))
    g_clear_pointer (&priv->node, gsk_render_node_unref);
  if (priv->node == NULL)
    {
      priv->node = record_figure (self, width, height);
      priv->node_width = width;
      priv->node_height = height;
      priv->node_dark = dark;
      priv->node_scale = scale;
    }
  if (priv->node != NULL)
    gtk_snapshot_append_node (snapshot, priv->node);
  if (klass->snapshot_overlay != NULL)
    klass->snapshot_overlay (self, snapshot, width, height);
}

typedef struct
{
  CepPlotWidget *self;
  CepPlotStyle   style;
} ExportData;

static void
export_draw (cairo_t *cr,
             double   width,
             double   height,
             gpointer user_data)
{
  ExportData *data = user_data;

  cep_plot_style_paint_background (&data->style, cr, width, height);
  cep_plot_widget_draw (data->self, cr, &data->style, width, height);
}

gboolean
cep_plot_widget_export (CepPlotWidget  *self,
                        const char     *path,
                        int             width,
                        int             height,
                        GError        **error)
{
  ExportData data = { self };

  g_return_val_if_fail (CEP_IS_PLOT_WIDGET (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  cep_plot_style_init_light (&data.style);
  return cep_plot_save (path, width, height, export_draw, &data, error);
}

guint
cep_plot_widget_get_n_renders (CepPlotWidget *self)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  g_return_val_if_fail (CEP_IS_PLOT_WIDGET (self), 0);
  return priv->n_renders;
}

static void
cep_plot_widget_dispose (GObject *object)
{
  CepPlotWidget *self = CEP_PLOT_WIDGET (object);
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  g_clear_signal_handler (&priv->dark_handler, style_manager ());
  g_clear_pointer (&priv->node, gsk_render_node_unref);
  G_OBJECT_CLASS (cep_plot_widget_parent_class)->dispose (object);
}

static void
cep_plot_widget_class_init (CepPlotWidgetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_plot_widget_dispose;
  widget_class->snapshot = cep_plot_widget_snapshot;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cep_plot_widget_init (CepPlotWidget *self)
{
  CepPlotWidgetPrivate *priv = cep_plot_widget_get_instance_private (self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "plot");
  priv->dark_handler = g_signal_connect_object (style_manager (), "notify::dark",
                                                G_CALLBACK (on_dark_changed), self, 0);
  update_style (self);
}
