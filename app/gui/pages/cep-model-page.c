/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-page.c: the Model page.
 *
 * Owns the editable view of the model — hidden layers as groups (Linear, optional BatchNorm,
 * activation, optional Dropout) — and turns it back into a CepModelSpec on every edit. Every
 * number it shows (parameters, FLOPs, the limit warning, validity, the module list) comes from
 * core/nn; presets and budget shapes are core's too.
 */
#define G_LOG_DOMAIN "cepstra-model-page"

#include "cep-model-page.h"

#include <glib/gi18n.h>

#include <adwaita.h>
#include <math.h>

#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-model-presets.h"

#define N_NAMED_PRESETS 3   /* tiny, full, baseline: preset row entries 1..3 */
#define FIRST_SHAPE_ENTRY (1 + N_NAMED_PRESETS)

/* One hidden layer as people think of it. The blocks keep every field (init, eps, ...) so a
 * round trip through the editor changes only what was edited. */
typedef struct
{
  CepBlock linear;
  gboolean batch_norm;
  CepBlock batch_norm_block;
  gboolean has_activation;
  CepBlock activation;
  double   dropout;
} Layer;

struct _CepModelPage
{
  GtkWidget       parent_instance;

  CepSession     *session;
  GArray         *layers;          /* of Layer */
  gboolean        updating;        /* writing widgets from the spec */
  gboolean        committing;      /* our own experiment change */
  char           *model_name;      /* the preset or shape shown, "custom" after a hand edit */
  char           *params_text;
  char           *warning;

  /* template */
  AdwComboRow    *preset_row;
  AdwActionRow   *budget_row;
  GtkSpinButton  *budget_spin;
  AdwActionRow   *depth_row;
  GtkSpinButton  *depth_spin;
  AdwActionRow   *ratio_row;
  GtkSpinButton  *ratio_spin;
  AdwComboRow    *shape_activation_row;
  AdwActionRow   *shape_batch_norm_row;
  GtkSwitch      *shape_batch_norm_switch;
  AdwActionRow   *shape_dropout_row;
  GtkSpinButton  *shape_dropout_spin;
  GtkSpinButton  *context_spin;
  GtkListBox     *layer_list;
  AdwActionRow   *classes_row;
  AdwComboRow    *init_row;
  GtkSpinButton  *smoothing_spin;
  GtkSpinButton  *limit_spin;
  GtkLabel       *params_label;
  GtkWidget      *limit_warning;
  GtkLabel       *limit_warning_label;
  GtkLabel       *invalid_label;
  GtkLabel       *input_label;
  GtkLabel       *flops_label;
  GtkLabel       *train_flops_label;
  GtkBox         *diagram;
  GtkLabel       *describe_label;
};

G_DEFINE_FINAL_TYPE (CepModelPage, cep_model_page, GTK_TYPE_WIDGET)

static void rebuild_layer_list (CepModelPage *self);
static void commit             (CepModelPage *self);

static const char *activation_labels[] = {
  "None", "ReLU", "LeakyReLU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", NULL,
};

static Layer *
layer_at (CepModelPage *self,
          guint         index)
{
  g_assert (index < self->layers->len);
  return &g_array_index (self->layers, Layer, index);
}

static CepModelSpec *
current_spec (CepModelPage *self)
{
  return self->session != NULL ? cep_session_get_experiment (self->session)->model : NULL;
}

/* ---- spec <-> layers ---- */

static Layer
layer_new (guint         width,
           CepActivation activation)
{
  Layer layer = { 0 };

  layer.linear = cep_block_linear (width);
  layer.batch_norm_block = cep_block_batch_norm ();
  layer.has_activation = TRUE;
  layer.activation = cep_block_activation (activation);
  return layer;
}

static void
layers_from_spec (CepModelPage       *self,
                  const CepModelSpec *spec)
{
  g_array_set_size (self->layers, 0);
  for (guint i = 0; i < cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      Layer *last = self->layers->len > 0 ? layer_at (self, self->layers->len - 1) : NULL;

      if (block->kind == CEP_BLOCK_LINEAR)
        {
          Layer layer = layer_new (block->width, CEP_ACTIVATION_IDENTITY);

          layer.linear = *block;
          layer.has_activation = FALSE;
          g_array_append_val (self->layers, layer);
        }
      else if (last == NULL)
        continue;   /* cep_model_spec_validate refuses these; there is nothing to attach to */
      else if (block->kind == CEP_BLOCK_BATCH_NORM)
        {
          last->batch_norm = TRUE;
          last->batch_norm_block = *block;
        }
      else if (block->kind == CEP_BLOCK_ACTIVATION)
        {
          last->has_activation = block->activation != CEP_ACTIVATION_IDENTITY;
          last->activation = *block;
        }
      else if (block->kind == CEP_BLOCK_DROPOUT)
        last->dropout = block->p;
    }
}

static void
add_layer_blocks (CepModelSpec *spec,
                  const Layer  *layer,
                  CepInit       init)
{
  CepBlock linear = layer->linear;

  linear.init = init;
  cep_model_spec_add (spec, linear);
  if (layer->batch_norm)
    cep_model_spec_add (spec, layer->batch_norm_block);
  if (layer->has_activation)
    cep_model_spec_add (spec, layer->activation);
  if (layer->dropout > 0)
    cep_model_spec_add (spec, cep_block_dropout (layer->dropout));
}

static CepModelSpec *
spec_from_form (CepModelPage *self)
{
  const CepModelSpec *old = current_spec (self);
  CepInit init = (CepInit) MIN (adw_combo_row_get_selected (self->init_row), CEP_INIT_COUNT - 1);
  CepModelSpec *spec = cep_model_spec_new (gtk_spin_button_get_value_as_int (self->context_spin),
                                           old->feature_dim, cep_model_spec_get_n_classes (old));

  /* Named after what the form shows now, never the spec it replaces (runs take this name). */
  cep_model_spec_set_name (spec, self->model_name);
  spec->head = old->head;
  spec->head.init = init;
  spec->label_smoothing = gtk_spin_button_get_value (self->smoothing_spin);
  spec->param_limit = (guint64) llround (gtk_spin_button_get_value (self->limit_spin) * 1e6);
  for (guint i = 0; i < self->layers->len; i++)
    add_layer_blocks (spec, layer_at (self, i), init);
  return spec;
}

/* ---- the summary ---- */

static char *
layer_summary (const Layer *layer)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%u", layer->linear.width);
  if (layer->batch_norm)
    g_string_append (text, " · BatchNorm");
  if (layer->has_activation)
    g_string_append_printf (text, " · %s", activation_labels[layer->activation.activation]);
  if (layer->dropout > 0)
    g_string_append_printf (text, " · dropout %.2f", layer->dropout);
  return g_string_free (text, FALSE);
}

/* Bar heights grow with log2(width) so that 64 and 4096 are both visible. */
static int
bar_height (guint width)
{
  return CLAMP ((int) (10 + 13 * log2 (MAX (width, 1) / 16.0)), 8, 110);
}

static GtkWidget *
diagram_column (const char *css_class,
                guint       width,
                const char *title,
                const char *caption)
{
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *caption_label = gtk_label_new (caption);

  gtk_widget_set_valign (column, GTK_ALIGN_END);
  gtk_widget_set_size_request (bar, 34, bar_height (width));
  gtk_widget_add_css_class (bar, "block-chip");
  gtk_widget_add_css_class (bar, css_class);
  gtk_widget_add_css_class (title_label, "caption-heading");
  gtk_widget_add_css_class (caption_label, "caption");
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_box_append (GTK_BOX (column), bar);
  gtk_box_append (GTK_BOX (column), title_label);
  gtk_box_append (GTK_BOX (column), caption_label);
  return column;
}

static char *
layer_caption (const Layer *layer)
{
  GString *text = g_string_new (NULL);

  if (layer->batch_norm)
    g_string_append (text, "BN ");
  if (layer->has_activation)
    g_string_append (text, activation_labels[layer->activation.activation]);
  if (layer->dropout > 0)
    g_string_append_printf (text, "%s%.2f", text->len > 0 ? "\n" : "", layer->dropout);
  return g_string_free (text, FALSE);
}

static void
update_diagram (CepModelPage       *self,
                const CepModelSpec *spec)
{
  g_autofree char *input = g_strdup_printf ("%u", cep_model_spec_get_input_dim (spec));
  g_autofree char *classes = g_strdup_printf ("%u", cep_model_spec_get_n_classes (spec));
  g_autofree char *description = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->diagram))) != NULL)
    gtk_box_remove (self->diagram, child);
  gtk_box_append (self->diagram, diagram_column ("input", cep_model_spec_get_input_dim (spec),
                                                 input, "input"));
  for (guint i = 0; i < self->layers->len; i++)
    {
      const Layer *layer = layer_at (self, i);
      g_autofree char *width = g_strdup_printf ("%u", layer->linear.width);
      g_autofree char *caption = layer_caption (layer);

      gtk_box_append (self->diagram,
                      diagram_column ("linear", layer->linear.width, width, caption));
    }
  gtk_box_append (self->diagram, diagram_column ("head", cep_model_spec_get_n_classes (spec),
                                                 classes, "softmax"));
  description = g_strdup_printf ("%u hidden layers from %u inputs to %u classes",
                                 self->layers->len, cep_model_spec_get_input_dim (spec),
                                 cep_model_spec_get_n_classes (spec));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->diagram),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

static void
show_validity (CepModelPage       *self,
               const CepModelSpec *spec)
{
  g_autoptr (GError) error = NULL;
  gboolean valid = cep_model_spec_validate (spec, &error);

  gtk_widget_set_visible (GTK_WIDGET (self->invalid_label), !valid);
  gtk_label_set_label (self->invalid_label, error != NULL ? error->message : "");
}

static void
update_summary (CepModelPage *self)
{
  const CepModelSpec *spec = current_spec (self);
  g_autofree char *input = NULL, *flops = NULL, *train = NULL, *describe = NULL;
  g_autofree char *classes = NULL;

  if (spec == NULL)
    return;
  g_free (self->params_text);
  self->params_text = cep_format_count (cep_model_spec_count_params (spec));
  gtk_label_set_label (self->params_label, self->params_text);
  g_free (self->warning);
  self->warning = cep_model_spec_check_param_limit (spec);
  gtk_widget_set_visible (self->limit_warning, self->warning != NULL);
  gtk_label_set_label (self->limit_warning_label, self->warning != NULL ? self->warning : "");
  show_validity (self, spec);
  input = g_strdup_printf ("(2·%u + 1) × %u = %u", spec->context, spec->feature_dim,
                           cep_model_spec_get_input_dim (spec));
  flops = cep_format_short (cep_model_spec_count_flops (spec));
  train = cep_format_short (cep_model_spec_count_train_gemm_flops (spec));
  describe = cep_model_spec_describe (spec);
  classes = g_strdup_printf ("%u", cep_model_spec_get_n_classes (spec));
  gtk_label_set_label (self->input_label, input);
  gtk_label_set_label (self->flops_label, flops);
  gtk_label_set_label (self->train_flops_label, train);
  gtk_label_set_label (self->describe_label, describe);
  adw_action_row_set_subtitle (self->classes_row, classes);
  update_diagram (self, spec);
}

/* ---- committing edits to the session ---- */

static void
commit (CepModelPage *self)
{
  CepExperiment *experiment;

  if (self->updating || self->session == NULL)
    return;
  experiment = cep_session_get_experiment (self->session);
  cep_experiment_set_model (experiment, spec_from_form (self));
  self->committing = TRUE;
  cep_session_experiment_changed (self->session, CEP_SESSION_CHANGED_MODEL);
  self->committing = FALSE;
  update_summary (self);
}

/* A hand edit leaves the preset behind. */
static void
mark_custom (CepModelPage *self)
{
  gboolean updating = self->updating;

  self->updating = TRUE;
  adw_combo_row_set_selected (self->preset_row, 0);
  self->updating = updating;
}

static void
set_model_name (CepModelPage *self,
                const char   *name)
{
  g_free (self->model_name);
  self->model_name = g_strdup (name);
}

static void
layer_edited (CepModelPage *self)
{
  set_model_name (self, "custom");
  mark_custom (self);
  commit (self);
}

/* ---- the layer rows ---- */

static guint
row_index (gpointer widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "layer-index"));
}

static void
update_row_subtitle (CepModelPage *self,
                     guint         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->layer_list, index);
  g_autofree char *summary = layer_summary (layer_at (self, index));

  if (row != NULL)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), summary);
}

static void
on_width_changed (GtkSpinButton *spin,
                  CepModelPage  *self)
{
  guint index = row_index (spin);

  if (self->updating || index >= self->layers->len)
    return;
  layer_at (self, index)->linear.width = gtk_spin_button_get_value_as_int (spin);
  update_row_subtitle (self, index);
  layer_edited (self);
}

static void
on_batch_norm_changed (GtkSwitch    *widget,
                       GParamSpec   *pspec,
                       CepModelPage *self)
{
  guint index = row_index (widget);

  if (self->updating || index >= self->layers->len)
    return;
  layer_at (self, index)->batch_norm = gtk_switch_get_active (widget);
  update_row_subtitle (self, index);
  layer_edited (self);
}

static void
on_activation_changed (AdwComboRow  *row,
                       GParamSpec   *pspec,
                       CepModelPage *self)
{
  guint index = row_index (row);
  guint selected = adw_combo_row_get_selected (row);
  Layer *layer;

  if (self->updating || index >= self->layers->len || selected >= CEP_ACTIVATION_COUNT)
    return;
  layer = layer_at (self, index);
  layer->has_activation = selected != 0;
  layer->activation = cep_block_activation ((CepActivation) selected);
  update_row_subtitle (self, index);
  layer_edited (self);
}

static void
on_dropout_changed (GtkSpinButton *spin,
                    CepModelPage  *self)
{
  guint index = row_index (spin);

  if (self->updating || index >= self->layers->len)
    return;
  layer_at (self, index)->dropout = gtk_spin_button_get_value (spin);
  update_row_subtitle (self, index);
  layer_edited (self);
}

static void
on_move_clicked (GtkButton    *button,
                 CepModelPage *self)
{
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  cep_model_page_move_layer (self, row_index (button), delta);
}

static void
on_remove_clicked (GtkButton    *button,
                   CepModelPage *self)
{
  cep_model_page_remove_layer (self, row_index (button));
}

static GtkWidget *
spin_row (const char *title,
          double      lower,
          double      upper,
          double      step,
          guint       digits,
          double      value,
          GtkWidget **spin_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  *spin_out = spin;
  return row;
}

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  g_object_set_data (G_OBJECT (button), "layer-index", GUINT_TO_POINTER (index));
  return button;
}

static void
add_row_buttons (CepModelPage *self,
                 GtkWidget    *row,
                 guint         index)
{
  GtkWidget *up = icon_button ("go-up-symbolic", _("Move Layer Up"), index);
  GtkWidget *down = icon_button ("go-down-symbolic", _("Move Layer Down"), index);
  GtkWidget *remove = icon_button ("list-remove-symbolic", _("Remove Layer"), index);

  g_object_set_data (G_OBJECT (up), "delta", GINT_TO_POINTER (-1));
  g_object_set_data (G_OBJECT (down), "delta", GINT_TO_POINTER (1));
  gtk_widget_set_sensitive (up, index > 0);
  gtk_widget_set_sensitive (down, index + 1 < self->layers->len);
  g_signal_connect (up, "clicked", G_CALLBACK (on_move_clicked), self);
  g_signal_connect (down, "clicked", G_CALLBACK (on_move_clicked), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  /* Actions are packed from the end: added last is shown first. */
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), down);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), up);
}

static GtkWidget *
activation_row (CepModelPage *self,
                const Layer  *layer,
                guint         index)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr (GtkStringList) model = gtk_string_list_new (activation_labels);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "_Activation");
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row),
                              layer->has_activation ? layer->activation.activation : 0);
  g_object_set_data (G_OBJECT (row), "layer-index", GUINT_TO_POINTER (index));
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_activation_changed), self);
  return row;
}

static GtkWidget *
batch_norm_row (CepModelPage *self,
                const Layer  *layer,
                guint         index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_switch_set_active (GTK_SWITCH (toggle), layer->batch_norm);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "_BatchNorm");
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_object_set_data (G_OBJECT (toggle), "layer-index", GUINT_TO_POINTER (index));
  g_signal_connect (toggle, "notify::active", G_CALLBACK (on_batch_norm_changed), self);
  return row;
}

static GtkWidget *
layer_row (CepModelPage *self,
           guint         index)
{
  const Layer *layer = layer_at (self, index);
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *title = g_strdup_printf (_("Layer %u"), index + 1);
  g_autofree char *summary = layer_summary (layer);
  GtkWidget *width_spin, *dropout_spin;
  GtkWidget *width_row = spin_row ("_Width", 1, CEP_MODEL_MAX_WIDTH, 64, 0,
                                   layer->linear.width, &width_spin);
  GtkWidget *dropout_row = spin_row ("_Dropout", 0, 0.95, 0.05, 2, layer->dropout,
                                     &dropout_spin);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), summary);
  g_object_set_data (G_OBJECT (width_spin), "layer-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (dropout_spin), "layer-index", GUINT_TO_POINTER (index));
  g_signal_connect (width_spin, "value-changed", G_CALLBACK (on_width_changed), self);
  g_signal_connect (dropout_spin, "value-changed", G_CALLBACK (on_dropout_changed), self);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), width_row);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), batch_norm_row (self, layer, index));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), activation_row (self, layer, index));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), dropout_row);
  add_row_buttons (self, row, index);
  return row;
}

static void
rebuild_layer_list (CepModelPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->layer_list))) != NULL)
    gtk_list_box_remove (self->layer_list, child);
  for (guint i = 0; i < self->layers->len; i++)
    gtk_list_box_append (self->layer_list, layer_row (self, i));
  gtk_widget_set_visible (GTK_WIDGET (self->layer_list), self->layers->len > 0);
}

/* ---- editing operations ---- */

guint
cep_model_page_get_n_layers (CepModelPage *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), 0);
  return self->layers->len;
}

guint
cep_model_page_get_layer_width (CepModelPage *self,
                                guint         index)
{
  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), 0);
  g_return_val_if_fail (index < self->layers->len, 0);
  return layer_at (self, index)->linear.width;
}

void
cep_model_page_add_layer (CepModelPage *self)
{
  Layer layer;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  /* A new layer copies the last one, the usual way to deepen a stack. */
  layer = self->layers->len > 0 ? *layer_at (self, self->layers->len - 1)
                                : layer_new (512, CEP_ACTIVATION_GELU);
  g_array_append_val (self->layers, layer);
  rebuild_layer_list (self);
  layer_edited (self);
}

void
cep_model_page_remove_layer (CepModelPage *self,
                             guint         index)
{
  g_return_if_fail (CEP_IS_MODEL_PAGE (self));
  g_return_if_fail (index < self->layers->len);

  g_array_remove_index (self->layers, index);
  rebuild_layer_list (self);
  layer_edited (self);
}

void
cep_model_page_move_layer (CepModelPage *self,
                           guint         index,
                           int           delta)
{
  int target = (int) index + delta;
  Layer moved;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));
  g_return_if_fail (index < self->layers->len);

  if (target < 0 || target >= (int) self->layers->len)
    return;
  moved = *layer_at (self, index);
  g_array_remove_index (self->layers, index);
  g_array_insert_val (self->layers, target, moved);
  rebuild_layer_list (self);
  layer_edited (self);
}

void
cep_model_page_set_layer_width (CepModelPage *self,
                                guint         index,
                                guint         width)
{
  g_return_if_fail (CEP_IS_MODEL_PAGE (self));
  g_return_if_fail (index < self->layers->len);

  layer_at (self, index)->linear.width = width;
  rebuild_layer_list (self);
  layer_edited (self);
}

const char *
cep_model_page_get_params_text (CepModelPage *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), NULL);
  return self->params_text;
}

const char *
cep_model_page_get_warning (CepModelPage *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), NULL);
  return self->warning;
}

/* ---- presets and shapes ---- */

static gboolean
is_shape_entry (guint selected)
{
  return selected >= FIRST_SHAPE_ENTRY && selected < FIRST_SHAPE_ENTRY + CEP_SHAPE_COUNT;
}

static void
show_shape_rows (CepModelPage *self,
                 gboolean      visible,
                 gboolean      with_ratio)
{
  GtkWidget *rows[] = {
    GTK_WIDGET (self->budget_row), GTK_WIDGET (self->depth_row),
    GTK_WIDGET (self->shape_activation_row), GTK_WIDGET (self->shape_batch_norm_row),
    GTK_WIDGET (self->shape_dropout_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_visible (rows[i], visible);
  gtk_widget_set_visible (GTK_WIDGET (self->ratio_row), visible && with_ratio);
}

static CepModelSpec *
new_shape_spec (CepModelPage  *self,
                CepShape       shape,
                GError       **error)
{
  const CepModelSpec *old = current_spec (self);
  CepShapeOptions options;

  cep_shape_options_init (&options, shape);
  options.context = gtk_spin_button_get_value_as_int (self->context_spin);
  options.feature_dim = old->feature_dim;
  options.n_classes = cep_model_spec_get_n_classes (old);
  options.depth = gtk_spin_button_get_value_as_int (self->depth_spin);
  options.budget = (guint64) llround (gtk_spin_button_get_value (self->budget_spin) * 1e6);
  /* The shape's list starts at ReLU, activation 1. */
  options.activation = (CepActivation) (1 + adw_combo_row_get_selected (
                                               self->shape_activation_row));
  options.batch_norm = gtk_switch_get_active (self->shape_batch_norm_switch);
  options.dropout = gtk_spin_button_get_value (self->shape_dropout_spin);
  options.min_ratio = gtk_spin_button_get_value (self->ratio_spin);
  /* Small budgets need a finer width grid to be met at all. */
  options.multiple = options.budget < 2000000 ? 8 : 64;
  options.init = (CepInit) adw_combo_row_get_selected (self->init_row);
  return cep_model_shape_new (&options, error);
}

static CepModelSpec *
new_preset_spec (CepModelPage  *self,
                 guint          selected,
                 GError       **error)
{
  const CepModelSpec *old = current_spec (self);

  if (is_shape_entry (selected))
    return new_shape_spec (self, (CepShape) (selected - FIRST_SHAPE_ENTRY), error);
  return cep_model_preset_new (cep_model_preset_list ()[selected - 1], old->feature_dim,
                               cep_model_spec_get_n_classes (old), error);
}

static void
write_form (CepModelPage       *self,
            const CepModelSpec *spec)
{
  self->updating = TRUE;
  gtk_spin_button_set_value (self->context_spin, spec->context);
  gtk_spin_button_set_value (self->smoothing_spin, spec->label_smoothing);
  gtk_spin_button_set_value (self->limit_spin, spec->param_limit / 1e6);
  adw_combo_row_set_selected (self->init_row, spec->head.init);
  self->updating = FALSE;
}

static void
apply_preset (CepModelPage *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);
  const CepModelSpec *old = current_spec (self);
  g_autoptr (GError) error = NULL;
  CepModelSpec *spec;

  show_shape_rows (self, is_shape_entry (selected),
                   is_shape_entry (selected) && selected != FIRST_SHAPE_ENTRY + CEP_SHAPE_CYLINDER);
  if (self->updating || old == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return;
  spec = new_preset_spec (self, selected, &error);
  if (spec == NULL)
    {
      gtk_label_set_label (self->invalid_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->invalid_label), TRUE);
      return;
    }
  /* The preset decides the layers and K; the classifier settings stay the user's. */
  spec->label_smoothing = old->label_smoothing;
  spec->param_limit = old->param_limit;
  set_model_name (self, spec->name);
  layers_from_spec (self, spec);
  write_form (self, spec);
  cep_model_spec_free (spec);
  rebuild_layer_list (self);
  commit (self);
}

gboolean
cep_model_page_select_preset (CepModelPage *self,
                              const char   *name)
{
  const char * const *presets = cep_model_preset_list ();
  CepShape shape;

  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), FALSE);

  for (guint i = 0; i < N_NAMED_PRESETS && presets[i] != NULL; i++)
    if (g_str_equal (presets[i], name))
      {
        adw_combo_row_set_selected (self->preset_row, i + 1);
        return TRUE;
      }
  if (!cep_shape_from_name (name, &shape))
    return FALSE;
  adw_combo_row_set_selected (self->preset_row, FIRST_SHAPE_ENTRY + shape);
  return TRUE;
}

static void
on_preset_selected (AdwComboRow  *row,
                    GParamSpec   *pspec,
                    CepModelPage *self)
{
  apply_preset (self);
}

static void
on_shape_option_changed (CepModelPage *self)
{
  if (is_shape_entry (adw_combo_row_get_selected (self->preset_row)))
    apply_preset (self);
}

static void
on_context_changed (CepModelPage *self)
{
  if (self->updating)
    return;
  /* A shape refills its budget for the new input size; other stacks keep their layers. */
  if (is_shape_entry (adw_combo_row_get_selected (self->preset_row)))
    apply_preset (self);
  else
    commit (self);
}

static void
on_classifier_changed (CepModelPage *self)
{
  commit (self);
}

/* ---- the session ---- */

/* The named preset the spec is (its classifier settings aside), or 0 for a custom stack. */
static guint
find_preset_entry (const CepModelSpec *spec)
{
  const char * const *presets = cep_model_preset_list ();

  for (guint i = 0; i < N_NAMED_PRESETS && presets[i] != NULL; i++)
    {
      g_autoptr (CepModelSpec) preset = cep_model_preset_new (
        presets[i], spec->feature_dim, cep_model_spec_get_n_classes (spec), NULL);

      if (preset == NULL)
        continue;
      preset->label_smoothing = spec->label_smoothing;
      preset->param_limit = spec->param_limit;
      cep_model_spec_set_name (preset, spec->name);
      if (cep_model_spec_equal (preset, spec))
        return i + 1;
    }
  return 0;
}

static void
load_from_session (CepModelPage *self)
{
  const CepModelSpec *spec = current_spec (self);

  if (spec == NULL)
    return;
  set_model_name (self, spec->name);
  layers_from_spec (self, spec);
  write_form (self, spec);
  self->updating = TRUE;
  adw_combo_row_set_selected (self->preset_row, find_preset_entry (spec));
  self->updating = FALSE;
  rebuild_layer_list (self);
  update_summary (self);
}

static void
on_experiment_changed (CepSession   *session,
                       guint         what,
                       CepModelPage *self)
{
  if ((what & CEP_SESSION_CHANGED_MODEL) && !self->committing)
    load_from_session (self);
}

void
cep_model_page_set_session (CepModelPage *self,
                            CepSession   *session)
{
  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  load_from_session (self);
}

/* ---- GObject ---- */

static void
add_layer_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cep_model_page_add_layer (CEP_MODEL_PAGE (widget));
}

static void
cep_model_page_dispose (GObject *object)
{
  CepModelPage *self = CEP_MODEL_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_MODEL_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cep_model_page_parent_class)->dispose (object);
}

static void
cep_model_page_finalize (GObject *object)
{
  CepModelPage *self = CEP_MODEL_PAGE (object);

  g_array_unref (self->layers);
  g_free (self->params_text);
  g_free (self->warning);
  g_free (self->model_name);
  G_OBJECT_CLASS (cep_model_page_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CepModelPage, name)

static void
cep_model_page_class_init (CepModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_model_page_dispose;
  object_class->finalize = cep_model_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-model-page.ui");
  BIND (preset_row);
  BIND (budget_row);
  BIND (budget_spin);
  BIND (depth_row);
  BIND (depth_spin);
  BIND (ratio_row);
  BIND (ratio_spin);
  BIND (shape_activation_row);
  BIND (shape_batch_norm_row);
  BIND (shape_batch_norm_switch);
  BIND (shape_dropout_row);
  BIND (shape_dropout_spin);
  BIND (context_spin);
  BIND (layer_list);
  BIND (classes_row);
  BIND (init_row);
  BIND (smoothing_spin);
  BIND (limit_spin);
  BIND (params_label);
  BIND (limit_warning);
  BIND (limit_warning_label);
  BIND (invalid_label);
  BIND (input_label);
  BIND (flops_label);
  BIND (train_flops_label);
  BIND (diagram);
  BIND (describe_label);
  gtk_widget_class_install_action (widget_class, "model.add-layer", NULL, add_layer_action);
}

static void
connect_form (CepModelPage *self)
{
  GtkSpinButton *shape_spins[] = {
    self->budget_spin, self->depth_spin, self->ratio_spin, self->shape_dropout_spin,
  };

  g_signal_connect (self->preset_row, "notify::selected", G_CALLBACK (on_preset_selected), self);
  for (guint i = 0; i < G_N_ELEMENTS (shape_spins); i++)
    g_signal_connect_swapped (shape_spins[i], "value-changed",
                              G_CALLBACK (on_shape_option_changed), self);
  g_signal_connect_swapped (self->shape_activation_row, "notify::selected",
                            G_CALLBACK (on_shape_option_changed), self);
  g_signal_connect_swapped (self->shape_batch_norm_switch, "notify::active",
                            G_CALLBACK (on_shape_option_changed), self);
  g_signal_connect_swapped (self->context_spin, "value-changed", G_CALLBACK (on_context_changed),
                            self);
  g_signal_connect_swapped (self->smoothing_spin, "value-changed",
                            G_CALLBACK (on_classifier_changed), self);
  g_signal_connect_swapped (self->limit_spin, "value-changed", G_CALLBACK (on_classifier_changed),
                            self);
  g_signal_connect_swapped (self->init_row, "notify::selected", G_CALLBACK (on_classifier_changed),
                            self);
}

static void
cep_model_page_init (CepModelPage *self)
{
  g_autoptr (GtkStringList) activations = gtk_string_list_new (activation_labels + 1);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->layers = g_array_new (FALSE, TRUE, sizeof (Layer));
  /* Shapes always have an activation: the list starts at ReLU. */
  adw_combo_row_set_model (self->shape_activation_row, G_LIST_MODEL (activations));
  adw_combo_row_set_selected (self->shape_activation_row, CEP_ACTIVATION_GELU - 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->diagram), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Diagram of the layer stack"), -1);
  show_shape_rows (self, FALSE, FALSE);
  connect_form (self);
}
