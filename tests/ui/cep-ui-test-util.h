/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-ui-test-util.h: what every in-process GTK test needs — init, waiting on the main loop,
 * the demo dataset, rendering widgets offscreen and saving screenshots.
 */
#pragma once

#include <adwaita.h>

#include "cep-session.h"

G_BEGIN_DECLS

/* gtk_test_init + adw_init; a private XDG_DATA_HOME (run folders) removed at exit. */
void             cep_ui_test_init            (int          *argc,
                                              char       ***argv);
/* Runs the main loop until @done (data) is TRUE or @timeout_ms passes; TRUE if done. */
gboolean         cep_ui_test_wait_for        (gboolean    (*done) (gpointer data),
                                              gpointer      data,
                                              guint         timeout_ms);
/* Runs the main loop for @ms milliseconds. */
void             cep_ui_test_run_for         (guint         ms);
/* The demo dataset's root when it holds partitions, else NULL (the caller skips). */
char            *cep_ui_test_demo_root       (void);
/* A session with the demo dataset loaded (through the real GTask), or NULL without one. */
CepSession      *cep_ui_test_load_demo       (void);
/* A window of @width x @height holding @child, presented and drawn once. */
GtkWindow       *cep_ui_test_window_new      (GtkWidget    *child,
                                              int           width,
                                              int           height);
/* The widget rendered by the cairo renderer, as an ARGB32 image surface. */
cairo_surface_t *cep_ui_test_render          (GtkWidget    *widget);
/* Pixel at (x, y) as 0xAARRGGBB. */
guint32          cep_ui_test_pixel           (cairo_surface_t *image,
                                              int              x,
                                              int              y);
/* Largest per-channel difference of two pixels. */
guint            cep_ui_test_rgb_distance    (guint32       a,
                                              guint32       b);
/* Distinct colours in the (x, y, width, height) rectangle of @image: 1 for a blank area, a
 * few for a frame or plain text, dozens for a plot or a spectrogram. */
guint            cep_ui_test_count_colors    (cairo_surface_t *image,
                                              int              x,
                                              int              y,
                                              int              width,
                                              int              height);
/* Asserts that @widget is shown in @image, a rendering of @root: mapped, with a size, inside
 * the image, and drawn with at least @min_colors colours there. */
void             cep_ui_test_assert_drawn    (GtkWidget       *root,
                                              cairo_surface_t *image,
                                              GtkWidget       *widget,
                                              guint            min_colors);
/* Gives @widget a "win" action group with the "toast" and "show-error" actions that pages
 * report through (cep_widget_report*); returns the messages they receive, in order (error
 * dialogs as "HEADING: MESSAGE"), owned by @widget. */
GPtrArray       *cep_ui_test_capture_reports (GtkWidget    *widget);
/* The colours a widget that a screenshot must show needs at least: more than a blank area
 * (1) and its edge. */
#define CEP_UI_TEST_MIN_COLORS 3

/* Renders @root to $G_TEST_BUILDDIR/screenshots/@name.png, then asserts what it must show:
 * each widget of the NULL-terminated list from @first_shown on (at least one) is drawn in it
 * with at least CEP_UI_TEST_MIN_COLORS colours (cep_ui_test_assert_drawn). Returns the image
 * for further checks (cairo_surface_destroy). */
cairo_surface_t *cep_ui_test_screenshot      (GtkWidget    *root,
                                              const char   *name,
                                              GtkWidget    *first_shown,
                                              ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;
/* Saves @image as screenshot @name: for an image whose pixels the caller has checked. */
void             cep_ui_test_save_screenshot (cairo_surface_t *image,
                                              const char      *name);
/* The template child @name (bound with gtk_widget_class_bind_template_child) of @root or of
 * the first descendant whose template has one: a page's named widgets wherever the page's
 * parts keep them. NULL when none has it. */
GObject         *cep_ui_test_find_child      (GtkWidget    *root,
                                              const char   *name);

G_END_DECLS
