/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-ui-test-util.c: shared helpers of the ui tests.
 */
#define G_LOG_DOMAIN "cepstra-ui-test"

#include "cep-ui-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdarg.h>

static char *data_home;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
remove_data_home (void)
{
  if (data_home != NULL)
    remove_tree (data_home);
  g_clear_pointer (&data_home, g_free);
}

/* What AdwApplication does for the real program: the app's style.css from its resources. */
static void
load_application_style (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/io/github/cepstra/Cepstra/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

void
cep_ui_test_init (int    *argc,
                  char ***argv)
{
  data_home = g_dir_make_tmp ("cepstra-ui-test-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  /* Before anything asks GLib for it: GLib caches the user data dir. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  atexit (remove_data_home);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  load_application_style ();
}

typedef struct
{
  gboolean timed_out;
} Timeout;

static gboolean
on_timeout (gpointer data)
{
  ((Timeout *) data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
cep_ui_test_wait_for (gboolean (*done) (gpointer data),
                      gpointer    data,
                      guint       timeout_ms)
{
  Timeout timeout = { FALSE };
  guint source = g_timeout_add (timeout_ms, on_timeout, &timeout);

  while (!done (data) && !timeout.timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timeout.timed_out)
    g_source_remove (source);
  return done (data);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
cep_ui_test_run_for (guint ms)
{
  cep_ui_test_wait_for (never, NULL, ms);
}

char *
cep_ui_test_demo_root (void)
{
  g_autofree char *root = cep_dataset_find_demo_root ();
  g_autoptr (CepDataset) dataset = NULL;

  if (root == NULL)
    return NULL;
  dataset = cep_dataset_open (root, NULL, NULL);
  return dataset != NULL ? g_steal_pointer (&root) : NULL;
}

typedef struct
{
  gboolean done;
  gboolean ok;
} LoadResult;

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LoadResult *load = user_data;
  g_autoptr (GError) error = NULL;

  load->ok = cep_session_load_finish (CEP_SESSION (source), result, &error);
  g_assert_no_error (error);
  load->done = TRUE;
}

static gboolean
load_done (gpointer data)
{
  return ((LoadResult *) data)->done;
}

CepSession *
cep_ui_test_load_demo (void)
{
  g_autofree char *root = cep_ui_test_demo_root ();
  CepSession *session;
  LoadResult load = { FALSE, FALSE };

  if (root == NULL)
    return NULL;
  session = cep_session_new ();
  cep_session_load_async (session, NULL, NULL, on_loaded, &load);
  g_assert_true (cep_ui_test_wait_for (load_done, &load, 60000));
  g_assert_true (load.ok);
  return session;
}

static gboolean
window_drawn (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

GtkWindow *
cep_ui_test_window_new (GtkWidget *child,
                        int        width,
                        int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  g_assert_true (cep_ui_test_wait_for (window_drawn, child, 10000));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return window;
}

/* The widget's last frame as a node (what GtkWidgetPaintable replays), waiting for a frame
 * when a pending relayout or an unmapped window has none yet. */
static GskRenderNode *
widget_node (GtkWidget *widget,
             int        width,
             int        height)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
      GskRenderNode *node;

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node != NULL)
        return node;
      gtk_widget_queue_draw (widget);
      cep_ui_test_run_for (20);
    }
  return NULL;
}

cairo_surface_t *
cep_ui_test_render (GtkWidget *widget)
{
  g_autoptr (GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width, height;
  cairo_surface_t *image;

  /* A widget with a pending layout has no node to render yet. */
  gtk_test_widget_wait_for_draw (GTK_WIDGET (gtk_widget_get_root (widget)));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  node = widget_node (widget, width, height);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  gdk_texture_download (texture, cairo_image_surface_get_data (image),
                        cairo_image_surface_get_stride (image));
  cairo_surface_mark_dirty (image);
  return image;
}

guint32
cep_ui_test_pixel (cairo_surface_t *image,
                   int              x,
                   int              y)
{
  const guint8 *data = cairo_image_surface_get_data (image);

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, cairo_image_surface_get_width (image));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (image));
  return ((const guint32 *) (data + y * cairo_image_surface_get_stride (image)))[x];
}

guint
cep_ui_test_rgb_distance (guint32 a,
                          guint32 b)
{
  guint distance = 0;

  for (int shift = 0; shift <= 16; shift += 8)
    {
      int d = (int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff);

      distance = MAX (distance, (guint) ABS (d));
    }
  return distance;
}

void
cep_ui_test_save_screenshot (cairo_surface_t *image,
                             const char      *name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_mkdir_with_parents (dir, 0755);
  g_assert_cmpint (cairo_surface_write_to_png (image, path), ==, CAIRO_STATUS_SUCCESS);
  g_test_message ("screenshot: %s", path);
}

/* Saved before it is checked, so a screenshot that fails can be looked at. */
cairo_surface_t *
cep_ui_test_screenshot (GtkWidget  *root,
                        const char *name,
                        GtkWidget  *first_shown,
                        ...)
{
  cairo_surface_t *image = cep_ui_test_render (root);
  va_list args;

  cep_ui_test_save_screenshot (image, name);
  g_assert_nonnull (first_shown);
  va_start (args, first_shown);
  for (GtkWidget *shown = first_shown; shown != NULL; shown = va_arg (args, GtkWidget *))
    {
      g_test_message ("screenshot %s must show %s", name, G_OBJECT_TYPE_NAME (shown));
      cep_ui_test_assert_drawn (root, image, shown, CEP_UI_TEST_MIN_COLORS);
    }
  va_end (args);
  return image;
}

static void
on_toast (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  g_ptr_array_add (user_data, g_variant_dup_string (parameter, NULL));
}

static void
on_show_error (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  const char *heading, *message;

  g_variant_get (parameter, "(&s&s)", &heading, &message);
  g_ptr_array_add (user_data, g_strdup_printf ("%s: %s", heading, message));
}

GPtrArray *
cep_ui_test_capture_reports (GtkWidget *widget)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { "toast", on_toast, "s" },
    { "show-error", on_show_error, "(ss)" },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries),
                                   messages);
  gtk_widget_insert_action_group (widget, "win", G_ACTION_GROUP (group));
  g_object_set_data_full (G_OBJECT (widget), "cep-ui-test-reports", messages,
                          (GDestroyNotify) g_ptr_array_unref);
  return messages;
}

guint
cep_ui_test_count_colors (cairo_surface_t *image,
                          int              x,
                          int              y,
                          int              width,
                          int              height)
{
  g_autoptr (GHashTable) colors = g_hash_table_new (NULL, NULL);

  for (int row = y; row < y + height; row++)
    for (int column = x; column < x + width; column++)
      g_hash_table_add (colors, GUINT_TO_POINTER (cep_ui_test_pixel (image, column, row)));
  return g_hash_table_size (colors);
}

void
cep_ui_test_assert_drawn (GtkWidget       *root,
                          cairo_surface_t *image,
                          GtkWidget       *widget,
                          guint            min_colors)
{
  graphene_rect_t bounds;
  int x, y, width, height;
  guint n_colors;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  x = MAX ((int) ceilf (bounds.origin.x), 0);
  y = MAX ((int) ceilf (bounds.origin.y), 0);
  width = MIN ((int) bounds.size.width, cairo_image_surface_get_width (image) - x);
  height = MIN ((int) bounds.size.height, cairo_image_surface_get_height (image) - y);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  n_colors = cep_ui_test_count_colors (image, x, y, width, height);
  g_test_message ("%s at %d,%d %dx%d: %u colours", G_OBJECT_TYPE_NAME (widget), x, y, width,
                  height, n_colors);
  if (n_colors < min_colors)
    g_error ("%s at %d,%d %dx%d is drawn with %u colours, fewer than %u: it is not shown",
             G_OBJECT_TYPE_NAME (widget), x, y, width, height, n_colors, min_colors);
}

GObject *
cep_ui_test_find_child (GtkWidget  *root,
                        const char *name)
{
  GObject *found = gtk_widget_get_template_child (root, G_OBJECT_TYPE (root), name);

  for (GtkWidget *child = gtk_widget_get_first_child (root); found == NULL && child != NULL;
       child = gtk_widget_get_next_sibling (child))
    found = cep_ui_test_find_child (child, name);
  return found;
}
