/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-model-page.c: the Model page edits the session's model, and every number it shows is
 * core/nn's for the edited spec — presets, budget shapes, layer edits, context, the limit.
 */
#include "cep-model-page.h"
#include "cep-model-presets.h"
#include "cep-format.h"
#include "cep-ui-test-util.h"

typedef struct
{
  CepSession   *session;
  CepModelPage *page;
  GtkWindow    *window;
} Fixture;

/* No dataset needed: a session starts with the seed notebook's experiment (tiny, D = 28). */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->session = cep_session_new ();
  fixture->page = g_object_new (CEP_TYPE_MODEL_PAGE, NULL);
  cep_model_page_set_session (fixture->page, fixture->session);
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->page), 1024, 650);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->session);
}

static CepModelSpec *
model (Fixture *fixture)
{
  return cep_session_get_experiment (fixture->session)->model;
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                   CEP_TYPE_MODEL_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

/* The big number is the spec's parameter count. */
static void
assert_params_shown (Fixture *fixture)
{
  g_autofree char *expected = cep_format_count (cep_model_spec_count_params (model (fixture)));

  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, expected);
  g_assert_cmpstr (gtk_label_get_label (child (fixture, "params_label")), ==, expected);
}

static void
test_presets (Fixture       *fixture,
              gconstpointer  data)
{
  /* The starting experiment is tiny, and the page says so. */
  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "preset_row")), ==, 1);
  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, "1,423,914");
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 3);
  g_assert_null (cep_model_page_get_warning (fixture->page));

  g_assert_true (cep_model_page_select_preset (fixture->page, "full"));
  /* The bug: the spec kept the old preset's name, so a full run was saved as "tiny". */
  g_assert_cmpstr (model (fixture)->name, ==, "full");
  gtk_spin_button_set_value (child (fixture, "context_spin"), 25);
  g_assert_cmpstr (model (fixture)->name, ==, "full");
  g_assert_cmpstr (cep_experiment_get_display_name (
                     cep_session_get_experiment (fixture->session)), ==, "full");
  gtk_spin_button_set_value (child (fixture, "context_spin"), 30);
  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, "18,864,938");
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 7);
  g_assert_null (cep_model_page_get_warning (fixture->page));
  /* Past the limit: the warning core writes. */
  gtk_spin_button_set_value (child (fixture, "limit_spin"), 15);
  g_assert_cmpuint (model (fixture)->param_limit, ==, 15000000);
  g_assert_nonnull (cep_model_page_get_warning (fixture->page));
  g_assert_nonnull (strstr (cep_model_page_get_warning (fixture->page), "15,000,000"));
  g_assert_true (gtk_widget_get_visible (child (fixture, "limit_warning")));

  g_assert_true (cep_model_page_select_preset (fixture->page, "baseline"));
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 0);
  g_assert_cmpuint (model (fixture)->context, ==, 20);
  g_assert_cmpstr (model (fixture)->name, ==, "baseline");
  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, "48,258");
  g_assert_cmpuint (model (fixture)->param_limit, ==, 15000000);
}

static void
test_shape_budget (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_true (cep_model_page_select_preset (fixture->page, "pyramid"));
  g_assert_true (gtk_widget_get_visible (child (fixture, "budget_row")));
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 6);
  g_assert_cmpuint (cep_model_spec_count_params (model (fixture)), <=, 20000000);
  /* Widest first, narrowing. */
  g_assert_cmpuint (cep_model_page_get_layer_width (fixture->page, 0), >,
                    cep_model_page_get_layer_width (fixture->page, 5));
  gtk_spin_button_set_value (child (fixture, "budget_spin"), 2.0);
  gtk_spin_button_set_value (child (fixture, "depth_spin"), 3);
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 3);
  g_assert_cmpuint (cep_model_spec_count_params (model (fixture)), <=, 2000000);
  g_assert_cmpuint (cep_model_spec_count_params (model (fixture)), >, 1500000);
  assert_params_shown (fixture);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-pyramid", child (fixture, "diagram"),
                                                 child (fixture, "params_label"), NULL));
}

static void
test_layer_edits (Fixture       *fixture,
                  gconstpointer  data)
{
  guint64 before = cep_model_spec_count_params (model (fixture));

  /* A new layer copies the last (512, BatchNorm): 512·512 + 512 weights and biases plus
   * 2·512 BatchNorm parameters more. */
  cep_model_page_add_layer (fixture->page);
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 4);
  /* No preset any more: runs say so instead of borrowing tiny's name. */
  g_assert_cmpstr (model (fixture)->name, ==, "custom");
  g_assert_cmpuint (cep_model_spec_count_params (model (fixture)), ==,
                    before + 512 * 512 + 512 + 2 * 512);
  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "preset_row")), ==, 0);
  assert_params_shown (fixture);

  cep_model_page_set_layer_width (fixture->page, 0, 1024);
  g_assert_cmpuint (cep_model_spec_get_block (model (fixture), 0)->width, ==, 1024);
  cep_model_page_move_layer (fixture->page, 0, 1);
  g_assert_cmpuint (cep_model_page_get_layer_width (fixture->page, 1), ==, 1024);
  g_assert_cmpuint (cep_model_spec_get_block_input_width (model (fixture), 0), ==, 1708);
  g_assert_cmpuint (cep_model_spec_get_block (model (fixture), 0)->width, ==, 512);
  cep_model_page_remove_layer (fixture->page, 1);
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 3);
  g_assert_true (cep_model_spec_validate (model (fixture), NULL));
  assert_params_shown (fixture);
}

static void
test_context_and_classifier (Fixture       *fixture,
                             gconstpointer  data)
{
  gtk_spin_button_set_value (child (fixture, "context_spin"), 10);
  g_assert_cmpuint (model (fixture)->context, ==, 10);
  g_assert_cmpuint (cep_model_spec_get_input_dim (model (fixture)), ==, 21 * 28);
  g_assert_cmpstr (gtk_label_get_label (child (fixture, "input_label")), ==,
                   "(2·10 + 1) × 28 = 588");
  assert_params_shown (fixture);
  /* One side on its own skews the window; the other rows follow the model. */
  gtk_spin_button_set_value (child (fixture, "context_future_spin"), 2);
  g_assert_cmpuint (cep_model_spec_get_context_past (model (fixture)), ==, 10);
  g_assert_cmpuint (cep_model_spec_get_context_future (model (fixture)), ==, 2);
  g_assert_cmpstr (gtk_label_get_label (child (fixture, "input_label")), ==,
                   "(10 + 2 + 1) × 28 = 364");
  gtk_spin_button_set_value (child (fixture, "context_past_spin"), 12);
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "context_spin")), ==, 12);
  g_assert_cmpuint (cep_model_spec_get_context_future (model (fixture)), ==, 2);
  /* K makes it symmetric again, and the side rows show it. */
  gtk_spin_button_set_value (child (fixture, "context_spin"), 10);
  g_assert_true (cep_model_spec_is_symmetric (model (fixture)));
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "context_future_spin")), ==, 10);
  gtk_spin_button_set_value (child (fixture, "smoothing_spin"), 0.1);
  g_assert_cmpfloat_with_epsilon (model (fixture)->label_smoothing, 0.1, 1e-9);
  adw_combo_row_set_selected (child (fixture, "init_row"), CEP_INIT_KAIMING_NORMAL);
  g_assert_cmpint (cep_model_spec_get_block (model (fixture), 0)->init, ==,
                   CEP_INIT_KAIMING_NORMAL);
  g_assert_cmpint (model (fixture)->head.init, ==, CEP_INIT_KAIMING_NORMAL);
}

/* Another page replacing the model (a run's experiment) is shown at once. */
static void
test_follows_session (Fixture       *fixture,
                      gconstpointer  data)
{
  CepExperiment *experiment = cep_experiment_new ();

  cep_experiment_set_model (experiment, cep_model_preset_new ("full", 28, 42, NULL));
  cep_session_set_experiment (fixture->session, experiment);
  g_assert_cmpuint (cep_model_page_get_n_layers (fixture->page), ==, 7);
  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, "18,864,938");
  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "preset_row")), ==, 2);
}

/* The @nth descendant of @root of @type, depth first. */
static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             guint     *nth)
{
  if (g_type_is_a (G_OBJECT_TYPE (root), type) && (*nth)-- == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, nth);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
block_row (Fixture *fixture,
           guint    position)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (child (fixture, "layer_list"), position);

  g_assert_nonnull (row);
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  return GTK_WIDGET (row);
}

static gpointer
row_widget (Fixture *fixture,
            guint    position,
            GType    type,
            guint    nth)
{
  GtkWidget *found = find_widget (block_row (fixture, position), type, &nth);

  g_assert_nonnull (found);
  return found;
}

static const CepBlock *
block_at (Fixture *fixture,
          guint    position)
{
  return cep_model_spec_get_block (model (fixture), position);
}

/* Rows are built from each kind's fields in core and bound to them: an edit in a row reaches
 * the spec, a change from elsewhere reaches the same row (not a rebuilt one), a kind's
 * variant and a field's relevance show and hide rows. */
static void
test_block_rows (Fixture       *fixture,
                 gconstpointer  data)
{
  guint n = cep_model_spec_get_n_blocks (model (fixture));
  GtkSpinButton *p_spin;
  CepModelSpec *changed;
  AdwComboRow *function_row, *init_row;
  GtkWidget *std_row;

  g_assert_cmpuint (cep_model_page_get_n_blocks (fixture->page), ==, n);
  g_assert_nonnull (gtk_list_box_get_row_at_index (child (fixture, "layer_list"), n - 1));
  g_assert_null (gtk_list_box_get_row_at_index (child (fixture, "layer_list"), n));

  /* Add Block ▸ Dropout */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "dropout"));
  g_assert_cmpuint (cep_model_spec_get_n_blocks (model (fixture)), ==, n + 1);
  g_assert_cmpint (block_at (fixture, n)->kind, ==, CEP_BLOCK_DROPOUT);
  g_assert_cmpstr (model (fixture)->name, ==, "custom");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture, n))),
                   ==, "Dropout");

  /* Row → spec */
  p_spin = row_widget (fixture, n, GTK_TYPE_SPIN_BUTTON, 0);
  gtk_spin_button_set_value (p_spin, 0.3);
  g_assert_cmpfloat_with_epsilon (block_at (fixture, n)->p, 0.3, 1e-9);
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (block_row (fixture,
                                                                                        n))),
                            "0.3"));

  /* Spec → the same row, without an echo back */
  changed = cep_model_spec_copy (model (fixture));
  g_array_index (changed->blocks, CepBlock, n).p = 0.45;
  cep_experiment_set_model (cep_session_get_experiment (fixture->session), changed);
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_MODEL);
  g_assert_true (row_widget (fixture, n, GTK_TYPE_SPIN_BUTTON, 0) == (gpointer) p_spin);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (p_spin), 0.45, 1e-9);
  g_assert_cmpfloat_with_epsilon (block_at (fixture, n)->p, 0.45, 1e-9);

  /* An activation's function is its variant; LeakyReLU brings its slope row. */
  g_assert_cmpint (block_at (fixture, 2)->kind, ==, CEP_BLOCK_ACTIVATION);
  function_row = row_widget (fixture, 2, ADW_TYPE_COMBO_ROW, 0);
  g_assert_null (find_widget (block_row (fixture, 2), GTK_TYPE_SPIN_BUTTON, &(guint) { 0 }));
  adw_combo_row_set_selected (function_row, CEP_ACTIVATION_LEAKY_RELU);
  g_assert_cmpint (block_at (fixture, 2)->activation, ==, CEP_ACTIVATION_LEAKY_RELU);
  gtk_spin_button_set_value (row_widget (fixture, 2, GTK_TYPE_SPIN_BUTTON, 0), 0.2);
  g_assert_cmpfloat_with_epsilon (block_at (fixture, 2)->slope, 0.2, 1e-9);

  /* A Linear's standard deviation applies to a normal initialization only. */
  g_assert_cmpint (block_at (fixture, 0)->kind, ==, CEP_BLOCK_LINEAR);
  init_row = row_widget (fixture, 0, ADW_TYPE_COMBO_ROW, 0);
  std_row = gtk_widget_get_ancestor (row_widget (fixture, 0, GTK_TYPE_SPIN_BUTTON, 1),
                                     ADW_TYPE_ACTION_ROW);
  g_assert_false (gtk_widget_get_visible (std_row));
  adw_combo_row_set_selected (init_row, CEP_INIT_NORMAL);
  g_assert_cmpint (block_at (fixture, 0)->init, ==, CEP_INIT_NORMAL);
  g_assert_true (gtk_widget_get_visible (std_row));

  /* Move and remove, as the row buttons do */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.move-block",
                                             "(ui)", n, -1));
  g_assert_cmpint (block_at (fixture, n - 1)->kind, ==, CEP_BLOCK_DROPOUT);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.remove-block",
                                             "u", n - 1));
  g_assert_cmpuint (cep_model_spec_get_n_blocks (model (fixture)), ==, n);
  g_assert_cmpuint (cep_model_page_get_n_blocks (fixture->page), ==, n);
  g_assert_true (cep_model_spec_validate (model (fixture), NULL));
  assert_params_shown (fixture);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-block-rows",
                                                 child (fixture, "layer_list"),
                                                 child (fixture, "diagram"), NULL));
}

/* The switch of block @position's row titled @title (an expander row has a switch of its own). */
static GtkSwitch *
flag_switch (Fixture    *fixture,
             guint       position,
             const char *title)
{
  for (guint nth = 0;; nth++)
    {
      GtkWidget *toggle = row_widget (fixture, position, GTK_TYPE_SWITCH, nth);
      GtkWidget *row = gtk_widget_get_ancestor (toggle, ADW_TYPE_ACTION_ROW);

      if (row != NULL &&
          g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
        return GTK_SWITCH (toggle);
    }
}

/* The new kinds come from the table alone: Add Block ▸ Layer norm brings its epsilon and
 * weight-and-bias rows, bound to the spec; Add Block ▸ Flatten a row with no settings. */
static void
test_norm_and_flatten_rows (Fixture       *fixture,
                            gconstpointer  data)
{
  guint n = cep_model_spec_get_n_blocks (model (fixture));
  GtkSwitch *affine;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "layer_norm"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "flatten"));
  g_assert_cmpint (block_at (fixture, n)->kind, ==, CEP_BLOCK_LAYER_NORM);
  g_assert_cmpint (block_at (fixture, n + 1)->kind, ==, CEP_BLOCK_FLATTEN);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture, n))),
                   ==, "Layer norm");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture,
                                                                                 n + 1))),
                   ==, "Flatten");
  g_assert_null (find_widget (block_row (fixture, n + 1), GTK_TYPE_SPIN_BUTTON, &(guint) { 0 }));

  gtk_spin_button_set_value (row_widget (fixture, n, GTK_TYPE_SPIN_BUTTON, 0), 1e-3);
  g_assert_cmpfloat_with_epsilon (block_at (fixture, n)->eps, 1e-3, 1e-12);
  affine = flag_switch (fixture, n, "Weight and bias");
  g_assert_true (gtk_switch_get_active (affine));
  gtk_switch_set_active (affine, FALSE);
  g_assert_false (block_at (fixture, n)->elementwise_affine);
  g_assert_true (cep_model_spec_validate (model (fixture), NULL));
  assert_params_shown (fixture);
  /* The diagram stacks their short labels ("LN", "Flat") on the last block. */
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-norm-and-flatten",
                                                 child (fixture, "diagram"), NULL));
}

/* The conv front end of the tdnn preset shows and edits through the same rows: its kinds'
 * field tables in core, nothing in the page. */
static void
test_conv_blocks (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkSpinButton *kernel_spin;
  AdwComboRow *padding_row;

  g_assert_true (cep_model_page_select_preset (fixture->page, "tdnn"));
  g_assert_cmpstr (model (fixture)->name, ==, "tdnn");
  g_assert_cmpstr (cep_model_page_get_params_text (fixture->page), ==, "1,501,482");
  g_assert_cmpint (block_at (fixture, 0)->kind, ==, CEP_BLOCK_CONV1D);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture, 0))),
                   ==, "Convolution");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture, 6))),
                   ==, "Max pooling");

  /* Fields in table order: out channels, kernel, stride, dilation; padding, initialization. */
  kernel_spin = row_widget (fixture, 0, GTK_TYPE_SPIN_BUTTON, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (kernel_spin), ==, 5);
  gtk_spin_button_set_value (kernel_spin, 7);
  g_assert_cmpuint (block_at (fixture, 0)->kernel, ==, 7);
  padding_row = row_widget (fixture, 0, ADW_TYPE_COMBO_ROW, 0);
  adw_combo_row_set_selected (padding_row, CEP_PADDING_SAME);
  g_assert_cmpint (block_at (fixture, 0)->padding, ==, CEP_PADDING_SAME);
  gtk_spin_button_set_value (row_widget (fixture, 6, GTK_TYPE_SPIN_BUTTON, 1), 1);
  g_assert_cmpuint (block_at (fixture, 6)->stride, ==, 1);
  g_assert_true (cep_model_spec_validate (model (fixture), NULL));
  assert_params_shown (fixture);

  /* Add Block ▸ Average pooling */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "avg_pool1d"));
  g_assert_cmpint (block_at (fixture, cep_model_spec_get_n_blocks (model (fixture)) - 1)->kind,
                   ==, CEP_BLOCK_AVG_POOL1D);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-conv-blocks",
                                                 child (fixture, "layer_list"),
                                                 child (fixture, "diagram"), NULL));
}

/* The page's validation message: shown, and the text @expected; or hidden for NULL. */
static void
assert_invalid_shown (Fixture    *fixture,
                      const char *expected)
{
  GtkWidget *label = child (fixture, "invalid_label");

  g_assert_cmpint (gtk_widget_get_visible (label), ==, expected != NULL);
  if (expected != NULL)
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, expected);
}

/* Scrolls the form so block @position's row is near its top, expanded, for a screenshot. */
static void
show_row (Fixture *fixture,
          guint    position)
{
  GtkWidget *row = block_row (fixture, position);
  GtkWidget *scrolled = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  double x, y;

  g_assert_nonnull (scrolled);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  cep_ui_test_run_for (100);
  g_assert_true (gtk_widget_translate_coordinates (row, scrolled, 0, 0, &x, &y));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + y - 160);
  cep_ui_test_run_for (100);
}

/* A residual comes from the table alone: Add Block ▸ Residual brings a row whose one setting
 * is how many blocks after it are its body; a body that runs past the list or changes the
 * width is refused with a message naming the block and the field, and the page shows it
 * until the body fits. */
static void
test_residual_block (Fixture       *fixture,
                     gconstpointer  data)
{
  guint n = cep_model_spec_get_n_blocks (model (fixture));
  guint width = cep_model_spec_get_block_input_width (model (fixture), n);
  g_autofree char *past_end = NULL;
  g_autofree char *narrowed = NULL;
  GtkSpinButton *body_spin;

  assert_invalid_shown (fixture, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "residual"));
  g_assert_cmpint (block_at (fixture, n)->kind, ==, CEP_BLOCK_RESIDUAL);
  g_assert_cmpuint (block_at (fixture, n)->body_blocks, ==, 2);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (block_row (fixture, n))),
                   ==, "Residual");
  past_end = g_strdup_printf ("blocks[%u]: residual blocks 2 runs past the end of the block "
                              "list (0 blocks come after it)", n);
  assert_invalid_shown (fixture, past_end);

  /* A Linear of the same width and an activation make its body. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "linear"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "model.add-block", "s",
                                             "gelu"));
  g_assert_cmpuint (block_at (fixture, n + 1)->width, ==, width);
  assert_invalid_shown (fixture, NULL);
  assert_params_shown (fixture);

  /* Row → spec: a body of three runs past the list, one of two fits again. */
  body_spin = row_widget (fixture, n, GTK_TYPE_SPIN_BUTTON, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (body_spin), ==, 2);
  gtk_spin_button_set_value (body_spin, 3);
  g_assert_cmpuint (block_at (fixture, n)->body_blocks, ==, 3);
  g_clear_pointer (&past_end, g_free);
  past_end = g_strdup_printf ("blocks[%u]: residual blocks 3 runs past the end of the block "
                              "list (2 blocks come after it)", n);
  assert_invalid_shown (fixture, past_end);
  gtk_spin_button_set_value (body_spin, 2);
  assert_invalid_shown (fixture, NULL);

  /* A body that changes the width. */
  gtk_spin_button_set_value (row_widget (fixture, n + 1, GTK_TYPE_SPIN_BUTTON, 0), width / 2);
  g_assert_cmpuint (block_at (fixture, n + 1)->width, ==, width / 2);
  narrowed = g_strdup_printf ("blocks[%u]: residual blocks 2 turn its input of a flat vector of "
                              "%u into a flat vector of %u: x + body(x) needs the same shape "
                              "out as in", n, width, width / 2);
  assert_invalid_shown (fixture, narrowed);
  show_row (fixture, n);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-residual-invalid",
                                                 child (fixture, "invalid_label"),
                                                 block_row (fixture, n), NULL));
  gtk_spin_button_set_value (row_widget (fixture, n + 1, GTK_TYPE_SPIN_BUTTON, 0), width);
  assert_invalid_shown (fixture, NULL);
  g_assert_true (cep_model_spec_validate (model (fixture), NULL));
  assert_params_shown (fixture);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "model-page-residual",
                                                 block_row (fixture, n),
                                                 child (fixture, "diagram"), NULL));
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);

  g_test_add ("/ui/model/presets", Fixture, NULL, fixture_set_up, test_presets,
              fixture_tear_down);
  g_test_add ("/ui/model/shape-budget", Fixture, NULL, fixture_set_up, test_shape_budget,
              fixture_tear_down);
  g_test_add ("/ui/model/layer-edits", Fixture, NULL, fixture_set_up, test_layer_edits,
              fixture_tear_down);
  g_test_add ("/ui/model/block-rows", Fixture, NULL, fixture_set_up, test_block_rows,
              fixture_tear_down);
  g_test_add ("/ui/model/norm-and-flatten-rows", Fixture, NULL, fixture_set_up,
              test_norm_and_flatten_rows, fixture_tear_down);
  g_test_add ("/ui/model/residual", Fixture, NULL, fixture_set_up, test_residual_block,
              fixture_tear_down);
  g_test_add ("/ui/model/conv-blocks", Fixture, NULL, fixture_set_up, test_conv_blocks,
              fixture_tear_down);
  g_test_add ("/ui/model/context-and-classifier", Fixture, NULL, fixture_set_up,
              test_context_and_classifier, fixture_tear_down);
  g_test_add ("/ui/model/follows-session", Fixture, NULL, fixture_set_up, test_follows_session,
              fixture_tear_down);
  return g_test_run ();
}
