/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-file.h: rendering a figure into a PNG or SVG file.
 *
 * The figure is any draw callback of the CepPlotDrawFunc shape (every renderer has one). The
 * file is written atomically: encoded in memory, written to a temporary file beside the
 * target, synced and renamed, so a reader never sees half a PNG. Errors name the file.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define CEP_PLOT_ERROR (cep_plot_error_quark ())
GQuark cep_plot_error_quark (void);

typedef enum
{
  CEP_PLOT_ERROR_INVALID,   /* bad size or arguments */
  CEP_PLOT_ERROR_RENDER,    /* cairo failed to render or encode */
  CEP_PLOT_ERROR_IO,        /* the file could not be written */
} CepPlotError;

/* Draws a figure of @width x @height user units onto @cr. */
typedef void (*CepPlotDrawFunc) (cairo_t *cr,
                                 double   width,
                                 double   height,
                                 gpointer user_data);

/* A @width x @height pixel PNG. */
gboolean cep_plot_save_png        (const char       *path,
                                   int               width,
                                   int               height,
                                   CepPlotDrawFunc   draw,
                                   gpointer          user_data,
                                   GError          **error);
/* The same figure at @scale device pixels per user unit (2 for crisp HiDPI images). */
gboolean cep_plot_save_png_scaled (const char       *path,
                                   int               width,
                                   int               height,
                                   double            scale,
                                   CepPlotDrawFunc   draw,
                                   gpointer          user_data,
                                   GError          **error);
/* An SVG of @width x @height points. */
gboolean cep_plot_save_svg        (const char       *path,
                                   int               width,
                                   int               height,
                                   CepPlotDrawFunc   draw,
                                   gpointer          user_data,
                                   GError          **error);
/* PNG or SVG by the extension of @path (".png", ".svg", case-insensitive). */
gboolean cep_plot_save            (const char       *path,
                                   int               width,
                                   int               height,
                                   CepPlotDrawFunc   draw,
                                   gpointer          user_data,
                                   GError          **error);

G_END_DECLS
