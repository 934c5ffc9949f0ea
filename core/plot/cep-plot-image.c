/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-image.c: cell images and their crisp scaling.
 *
 * Owns the choice of filter and intermediate resolution when a cell image is drawn. Must not
 * know about colormaps; callers fill the pixels.
 */
#define G_LOG_DOMAIN "cepstra-plot-image"

#include "cep-plot-image.h"

#include <math.h>

/* Vector targets get cells rasterized at this many pixels per user unit... */
#define VECTOR_RESOLUTION 4.0
/* ...but never a bitmap larger than this on a side. */
#define VECTOR_MAX_PIXELS 4096.0

cairo_surface_t *
cep_plot_image_new (int columns,
                    int rows)
{
  cairo_surface_t *image;

  g_return_val_if_fail (columns > 0 && rows > 0, NULL);

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, columns, rows);
  if (cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      g_warning ("cannot create a %d x %d image: %s", columns, rows,
                 cairo_status_to_string (cairo_surface_status (image)));
      cairo_surface_destroy (image);
      return NULL;
    }
  cairo_surface_flush (image);
  return image;
}

guint32 *
cep_plot_image_row (cairo_surface_t *image,
                    int              row)
{
  guint8 *data = cairo_image_surface_get_data (image);

  return (guint32 *) (gpointer) (data + (gsize) row * cairo_image_surface_get_stride (image));
}

static gboolean
target_is_vector (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Size of @area in device pixels, or in fine raster pixels for vector targets. */
static void
target_pixels (cairo_t           *cr,
               const CepPlotRect *area,
               double            *width,
               double            *height)
{
  double w = area->width, h = area->height;

  if (target_is_vector (cr))
    {
      *width = MIN (ceil (fabs (w) * VECTOR_RESOLUTION), VECTOR_MAX_PIXELS);
      *height = MIN (ceil (fabs (h) * VECTOR_RESOLUTION), VECTOR_MAX_PIXELS);
      return;
    }
  cairo_user_to_device_distance (cr, &w, &h);
  *width = MAX (1.0, ceil (fabs (w)));
  *height = MAX (1.0, ceil (fabs (h)));
}

/* Paints a region of @image scaled onto (0, 0, width, height) of @cr with @filter. */
static void
paint_region (cairo_t         *cr,
              cairo_surface_t *image,
              int              source_x,
              int              source_y,
              int              source_columns,
              int              source_rows,
              double           width,
              double           height,
              cairo_filter_t   filter)
{
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_scale (cr, width / source_columns, height / source_rows);
  cairo_set_source_surface (cr, image, -source_x, -source_y);
  cairo_pattern_set_filter (cairo_get_source (cr), filter);
  /* PAD keeps the edge cells from fading into transparency under the box filter. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* A region of a cell image: what gets painted onto the area. */
typedef struct
{
  cairo_surface_t *image;
  int              x;
  int              y;
  int              columns;
  int              rows;
} Region;

/* Replaces @region by a @columns x @rows copy of it, scaled with @filter. */
static void
region_resample (Region         *region,
                 int             columns,
                 int             rows,
                 cairo_filter_t  filter)
{
  cairo_surface_t *result = cep_plot_image_new (columns, rows);
  cairo_t *cr;

  if (result != NULL)
    {
      cr = cairo_create (result);
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      paint_region (cr, region->image, region->x, region->y, region->columns, region->rows,
                    columns, rows, filter);
      cairo_destroy (cr);
    }
  cairo_surface_destroy (region->image);
  *region = (Region) { result, 0, 0, columns, rows };
}

void
cep_plot_image_paint (cairo_t           *cr,
                      cairo_surface_t   *image,
                      int                source_x,
                      int                source_y,
                      int                source_columns,
                      int                source_rows,
                      const CepPlotRect *area)
{
  Region region = { NULL, source_x, source_y, source_columns, source_rows };
  double pixels_x, pixels_y;

  g_return_if_fail (cr != NULL && image != NULL && area != NULL);
  g_return_if_fail (source_columns > 0 && source_rows > 0);

  region.image = cairo_surface_reference (image);
  target_pixels (cr, area, &pixels_x, &pixels_y);
  /* More cells than pixels: average them first, so no cell is silently skipped. */
  if (pixels_x < source_columns || pixels_y < source_rows)
    region_resample (&region, (int) MIN (pixels_x, source_columns),
                     (int) MIN (pixels_y, source_rows), CAIRO_FILTER_GOOD);
  /* Vector viewers smooth embedded bitmaps: hand them one that is already fine. */
  if (region.image != NULL && target_is_vector (cr))
    region_resample (&region, (int) pixels_x, (int) pixels_y, CAIRO_FILTER_NEAREST);
  if (region.image == NULL)
    return;
  cairo_save (cr);
  cairo_translate (cr, area->x, area->y);
  paint_region (cr, region.image, region.x, region.y, region.columns, region.rows, area->width,
                area->height, CAIRO_FILTER_NEAREST);
  cairo_restore (cr);
  cairo_surface_destroy (region.image);
}
