/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-test-util.h: rendering figures into image surfaces and reading pixels back.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "cep-plot-style.h"

G_BEGIN_DECLS

typedef void (*CepTestDrawFunc) (cairo_t *cr,
                                 double   width,
                                 double   height,
                                 gpointer data);

/* An opaque-white-backed ARGB32 image of the figure. */
cairo_surface_t *cep_test_render         (int              width,
                                          int              height,
                                          CepTestDrawFunc  draw,
                                          gpointer         data);
/* A cairo context on a small scratch surface, for layout computations. */
cairo_t         *cep_test_scratch_context (void);
/* Pixel at integer coordinates, as 0xAARRGGBB (un-premultiplied for opaque pixels). */
guint32          cep_test_pixel           (cairo_surface_t *image,
                                           int              x,
                                           int              y);
guint32          cep_test_pixel_at        (cairo_surface_t *image,
                                           double           x,
                                           double           y);
/* Largest per-channel difference between two pixels (alpha ignored). */
guint            cep_test_rgb_distance    (guint32          a,
                                           guint32          b);
/* Asserts that two pixels agree within @tolerance per channel, printing both on failure. */
#define cep_test_assert_rgb(a, b, tolerance) \
  cep_test_assert_rgb_impl (a, b, tolerance, #a, #b, __FILE__, __LINE__)
void             cep_test_assert_rgb_impl (guint32          a,
                                           guint32          b,
                                           guint            tolerance,
                                           const char      *a_text,
                                           const char      *b_text,
                                           const char      *file,
                                           int              line);
/* Luminance-like brightness (0..765) of a pixel: r + g + b. */
guint            cep_test_brightness      (guint32          pixel);
/* Writes @image to $CEPSTRA_PLOT_TEST_OUTPUT/@name when that variable is set (to look at). */
void             cep_test_keep_image      (cairo_surface_t *image,
                                           const char      *name);

G_END_DECLS
