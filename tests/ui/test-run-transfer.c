/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-run-transfer.c: the Run History's "Import Run…" and "Export to PyTorch…" on the demo
 * dataset — a run folder made elsewhere is imported (its own folder untouched) and listed
 * beside the local runs with a toast; exporting the selected run writes the PyTorch project
 * and says where; a folder that is not a run is refused with a dialog naming the file. The
 * file choosers are not driven: the tests start where the chosen folder is known.
 */
#include "cep-run-item.h"
#include "cep-run-transfer.h"
#include "cep-train-page.h"
#include "cep-ui-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  CepSession   *session;
  CepTrainPage *page;
  GtkWindow    *window;
  char         *tmp;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = cep_ui_test_load_demo ();
  if (fixture->session == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  fixture->page = g_object_new (CEP_TYPE_TRAIN_PAGE, NULL);
  cep_train_page_set_session (fixture->page, fixture->session);
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->page), 1024, 650);
  fixture->tmp = g_dir_make_tmp ("cep-ui-transfer-XXXXXX", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->session);
  g_free (fixture->tmp);
}

static void
copy_file (const char *from_dir,
           const char *to_dir,
           const char *relative)
{
  g_autofree char *from = g_build_filename (from_dir, relative, NULL);
  g_autofree char *to = g_build_filename (to_dir, relative, NULL);
  g_autofree char *folder = g_path_get_dirname (to);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* The committed fixture run, as if copied back from a cluster, trained on the demo dataset
 * this session opened (data.root null: the embedded demo). */
static char *
make_foreign_run (Fixture *fixture)
{
  g_autofree char *fixture_run = g_build_filename (CEP_FIXTURES_DIR, "blocks", "run", NULL);
  char *run = g_build_filename (fixture->tmp, "from-cluster", NULL);
  g_autofree char *experiment = g_build_filename (run, "experiment.json", NULL);
  const char *files[] = { "experiment.json", "metrics.jsonl", "checkpoints/last.safetensors",
                          "checkpoints/best.safetensors" };
  g_autofree char *json = NULL;
  g_autofree char *root = NULL;
  g_autofree char *rooted = NULL;
  g_auto (GStrv) pieces = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    copy_file (fixture_run, run, files[i]);
  g_assert_true (g_file_get_contents (experiment, &json, NULL, NULL));
  root = g_strdup ("\"root\": null");
  pieces = g_strsplit (json, "\"root\": \"data/demo/dataset\"", -1);
  g_assert_cmpuint (g_strv_length (pieces), ==, 2);
  rooted = g_strjoinv (root, pieces);
  g_assert_true (g_file_set_contents (experiment, rooted, -1, NULL));
  return run;
}

static void
on_imported (GtkWidget *owner,
             gpointer   user_data)
{
  cep_train_page_refresh_history (CEP_TRAIN_PAGE (owner));
}

static gboolean
history_lists_run (gpointer data)
{
  Fixture *fixture = data;

  return cep_train_page_get_n_history (fixture->page) == 1;
}

static gboolean
has_two_reports (gpointer data)
{
  return ((GPtrArray *) data)->len >= 2;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *inside = g_build_filename (path, name, NULL);
      if (g_file_test (inside, G_FILE_TEST_IS_DIR) && !g_file_test (inside, G_FILE_TEST_IS_SYMLINK))
        remove_tree (inside);
      else
        g_remove (inside);
    }
  g_rmdir (path);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = cep_ui_test_find_child (GTK_WIDGET (fixture->page), name);

  g_assert_nonnull (object);
  return object;
}

static void
test_import_and_export (Fixture       *fixture,
                        gconstpointer  data)
{
  GPtrArray *reports;
  g_autofree char *foreign = NULL;
  g_autofree char *project = NULL;
  g_autofree char *train_py = NULL;
  GListModel *history;
  g_autoptr (CepRunItem) item = NULL;
  const CepRunInfo *info;

  if (fixture->session == NULL)
    return;
  reports = cep_ui_test_capture_reports (GTK_WIDGET (fixture->window));
  foreign = make_foreign_run (fixture);
  cep_run_transfer_import_from (GTK_WIDGET (fixture->page), foreign, NULL, on_imported, NULL);
  g_assert_true (cep_ui_test_wait_for (history_lists_run, fixture, 20000));
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (reports, 0), "-blocks-fixture"));
  history = G_LIST_MODEL (gtk_column_view_get_model (child (fixture, "column_view")));
  item = g_list_model_get_item (history, 0);
  info = cep_run_item_get_info (item);
  g_assert_true (g_str_has_suffix (info->id, "-blocks-fixture"));
  g_assert_cmpuint (info->epochs_done, ==, 2);
  gtk_stack_set_visible_child_name (child (fixture, "view_stack"), "history");
  cep_ui_test_run_for (300);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "train-page-imported-run",
                                                 child (fixture, "runs_table"), NULL));

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (history), 0);
  project = g_build_filename (fixture->tmp, "project", NULL);
  cep_run_transfer_export_torch_to (GTK_WIDGET (fixture->page), info->dir, project);
  g_assert_true (cep_ui_test_wait_for (has_two_reports, reports, 20000));
  g_assert_nonnull (strstr (g_ptr_array_index (reports, 1), project));
  train_py = g_build_filename (project, "train.py", NULL);
  g_assert_true (g_file_test (train_py, G_FILE_TEST_IS_REGULAR));
  remove_tree (fixture->tmp);
}

int
main (int    argc,
      char **argv)
{
  cep_ui_test_init (&argc, &argv);
  g_test_add ("/ui/train/import-and-export-run", Fixture, NULL, fixture_set_up,
              test_import_and_export, fixture_tear_down);
  return g_test_run ();
}
