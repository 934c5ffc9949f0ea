/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-page.c: the Model page.
 *
 * The form is bound to CepModelSettings: the model's own settings (context, initialization,
 * label smoothing, parameter limit) are properties its rows are bound to, and the hidden
 * blocks are a list of CepBlockItem whose rows are built from each kind's field table in core
 * (cep_field_row_new), so a new block kind needs nothing here. Every number the page shows
 * (parameters, FLOPs, the limit warning, validity, the module list) comes from core/nn;
 * presets and budget shapes are core's too.
 */
#define G_LOG_DOMAIN "cepstra-model-page"

#include "cep-model-page.h"

#include <glib/gi18n.h>

#include <adwaita.h>
#include <math.h>

#include "cep-block-field.h"
#include "cep-block-item.h"
#include "cep-field-row.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-model-presets.h"
#include "cep-model-settings.h"
#include "cep-rule-row.h"

#define N_NAMED_PRESETS 5   /* tiny, full, baseline, tdnn, tdnn-full: preset row entries 1..5 */
#define FIRST_SHAPE_ENTRY (1 + N_NAMED_PRESETS)

struct _CepModelPage
{
  GtkWidget         parent_instance;

  CepSession       *session;
  CepModelSettings *settings;
  GPtrArray        *bindings;        /* the form's bindings to settings, dropped with it */
  guint             applied_entry;   /* the shape entry this page last applied ... */
  char             *applied_name;    /* ... and the name of the model it made */
  char             *params_text;
  char             *warning;

  /* template */
  AdwComboRow      *preset_row;
  AdwActionRow     *budget_row;
  GtkSpinButton    *budget_spin;
  AdwActionRow     *depth_row;
  GtkSpinButton    *depth_spin;
  AdwActionRow     *ratio_row;
  GtkSpinButton    *ratio_spin;
  AdwComboRow      *shape_activation_row;
  AdwActionRow     *shape_batch_norm_row;
  GtkSwitch        *shape_batch_norm_switch;
  AdwActionRow     *shape_dropout_row;
  GtkSpinButton    *shape_dropout_spin;
  GtkSpinButton    *context_spin;
  GtkWidget        *layers_group;
  GtkSpinButton    *context_past_spin;
  GtkSpinButton    *context_future_spin;
  GtkListBox       *layer_list;
  GtkMenuButton    *add_block_button;
  AdwActionRow     *classes_row;
  AdwComboRow      *init_row;
  GtkSpinButton    *smoothing_spin;
  GtkSpinButton    *limit_spin;
  GtkLabel         *params_label;
  GtkWidget        *limit_warning;
  GtkLabel         *limit_warning_label;
  GtkLabel         *invalid_label;
  GtkLabel         *input_label;
  GtkLabel         *flops_label;
  GtkLabel         *train_flops_label;
  GtkBox           *diagram;
  GtkLabel         *describe_label;
};

G_DEFINE_FINAL_TYPE (CepModelPage, cep_model_page, GTK_TYPE_WIDGET)

static const char *shape_activation_labels[] = {
  "ReLU", "LeakyReLU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh", NULL,
};

static const CepModelSpec *
current_spec (CepModelPage *self)
{
  return self->settings != NULL ? cep_model_settings_get_spec (self->settings) : NULL;
}

/* ---- the diagram: a column per block that makes a new width, captions for the rest ---- */

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
  GtkWidget *bar_space = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *caption_label = gtk_label_new (caption);

  /* Bars stand on one line and titles sit under it, whatever the captions' lengths. */
  gtk_widget_set_valign (column, GTK_ALIGN_START);
  gtk_widget_set_size_request (bar_space, -1, bar_height (G_MAXUINT));
  /* The bar fills its space from the bottom; the space itself keeps its height (an explicit
   * vexpand stops the bar's from reaching the page). */
  gtk_widget_set_vexpand (bar_space, FALSE);
  gtk_widget_set_valign (bar, GTK_ALIGN_END);
  gtk_widget_set_vexpand (bar, TRUE);
  gtk_widget_set_halign (bar, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (bar, 34, bar_height (width));
  gtk_widget_add_css_class (bar, "block-chip");
  gtk_widget_add_css_class (bar, css_class);
  gtk_widget_add_css_class (title_label, "caption-heading");
  gtk_widget_add_css_class (caption_label, "caption");
  gtk_widget_add_css_class (caption_label, "dim-label");
  gtk_label_set_justify (GTK_LABEL (caption_label), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (bar_space), bar);
  gtk_box_append (GTK_BOX (column), bar_space);
  gtk_box_append (GTK_BOX (column), title_label);
  gtk_box_append (GTK_BOX (column), caption_label);
  return column;
}

/* "GELU", "Drop 0.2": a block that keeps the width, as a caption line. */
static void
append_caption (GString        *caption,
                const CepBlock *block)
{
  const CepFieldTable *fields = cep_block_type_fields_of (block);

  if (caption->len > 0)
    g_string_append_c (caption, '\n');
  g_string_append (caption, _(cep_block_type_short_label_of (block)));
  /* A kind whose one setting is a number (a dropout's p) shows it. */
  if (fields->n_fields == 1 && fields->fields[0].type == CEP_FIELD_DOUBLE)
    g_string_append_printf (caption, " %g",
                            *(const double *) ((const guint8 *) block
                                               + fields->fields[0].offset));
}

static void
flush_column (CepModelPage *self,
              guint         width,
              GString      *caption,
              gboolean      started)
{
  g_autofree char *title = g_strdup_printf ("%u", width);

  if (started)
    gtk_box_append (self->diagram, diagram_column ("linear", width, title, caption->str));
  g_string_truncate (caption, 0);
}

static void
update_diagram (CepModelPage       *self,
                const CepModelSpec *spec)
{
  guint n_blocks = cep_model_spec_get_n_blocks (spec);
  g_autofree char *input = g_strdup_printf ("%u", cep_model_spec_get_input_dim (spec));
  g_autofree char *classes = g_strdup_printf ("%u", cep_model_spec_get_n_classes (spec));
  g_autofree char *description = NULL;
  g_autoptr (GString) caption = g_string_new (NULL);
  gboolean started = FALSE;
  guint width = 0, n_columns = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->diagram))) != NULL)
    gtk_box_remove (self->diagram, child);
  gtk_box_append (self->diagram, diagram_column ("input", cep_model_spec_get_input_dim (spec),
                                                 input, _("input")));
  for (guint i = 0; i < n_blocks; i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      guint in = cep_model_spec_get_block_input_width (spec, i);
      guint out = cep_model_spec_get_block_input_width (spec, i + 1);

      /* A block that makes a new width (or mixes features, as a Linear does) opens a column;
       * the blocks after it that keep the width are its caption. */
      if (out != in || cep_block_type_of (block)->fuses_activation)
        {
          flush_column (self, width, caption, started);
          started = TRUE;
          width = out;
          n_columns++;
        }
      else
        append_caption (caption, block);
    }
  flush_column (self, width, caption, started);
  gtk_box_append (self->diagram, diagram_column ("head", cep_model_spec_get_n_classes (spec),
                                                 classes, _("softmax")));
  description = g_strdup_printf (_("%u hidden layers (%u blocks) from %u inputs to %u classes"),
                                 n_columns, n_blocks, cep_model_spec_get_input_dim (spec),
                                 cep_model_spec_get_n_classes (spec));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->diagram),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* ---- the summary: what core says about the model ---- */

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
  if (cep_model_spec_is_symmetric (spec))
    input = g_strdup_printf ("(2·%u + 1) × %u = %u", spec->context, spec->feature_dim,
                             cep_model_spec_get_input_dim (spec));
  else
    input = g_strdup_printf ("(%u + %u + 1) × %u = %u", cep_model_spec_get_context_past (spec),
                             cep_model_spec_get_context_future (spec), spec->feature_dim,
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

/* ---- a row per block, built from the kind's fields and bound to them ---- */

static GtkWidget *
icon_button (const char *icon,
             const char *tooltip,
             const char *action,
             GVariant   *target)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  return button;
}

static void
add_block_buttons (GtkWidget    *row,
                   CepBlockItem *item)
{
  guint position = cep_block_item_get_position (item);
  GtkWidget *up = icon_button ("go-up-symbolic", _("Move Block Up"), "model.move-block",
                               g_variant_new ("(ui)", position, -1));
  GtkWidget *down = icon_button ("go-down-symbolic", _("Move Block Down"), "model.move-block",
                                 g_variant_new ("(ui)", position, 1));
  GtkWidget *remove = icon_button ("list-remove-symbolic", _("Remove Block"),
                                   "model.remove-block", g_variant_new_uint32 (position));

  /* Insensitive rather than hidden, so the buttons stay in columns. */
  g_object_bind_property (item, "can-move-up", up, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (item, "can-move-down", down, "sensitive", G_BINDING_SYNC_CREATE);
  /* Actions are packed from the end: added last is shown first. */
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), down);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), up);
}

/* The activations are one kind with several types: a combo row picks the type. */
static GtkWidget *
variant_row (CepBlockItem *item)
{
  const char * const *variants = cep_block_item_get_variants (item);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (guint i = 0; variants[i] != NULL; i++)
    {
      CepBlock block;

      gtk_string_list_append (labels, cep_block_type_parse (variants[i], &block) != NULL
                                      ? _(cep_block_type_label_of (&block)) : variants[i]);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Function"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
  g_object_bind_property (item, "variant", row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return row;
}

/* The field rows of a block follow its field list (another variant, other fields). */
static void
on_fields_changed (GListModel *fields,
                   guint       position,
                   guint       removed,
                   guint       added,
                   GtkWidget  *row)
{
  GPtrArray *field_rows = g_object_get_data (G_OBJECT (row), "field-rows");

  for (guint i = 0; i < field_rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (row), g_ptr_array_index (field_rows, i));
  g_ptr_array_set_size (field_rows, 0);
  for (guint i = 0; i < g_list_model_get_n_items (fields); i++)
    {
      g_autoptr (CepBlockField) holder = g_list_model_get_item (fields, i);
      GtkWidget *field_row = cep_field_row_new (cep_block_field_get_field (holder), holder,
                                                cep_block_field_get_property_name (holder));

      g_object_bind_property (holder, "relevant", field_row, "visible", G_BINDING_SYNC_CREATE);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), field_row);
      g_ptr_array_add (field_rows, field_row);
    }
}

static GtkWidget *
create_block_row (gpointer object,
                  gpointer user_data)
{
  CepBlockItem *item = CEP_BLOCK_ITEM (object);
  GListModel *fields = cep_block_item_get_fields (item);
  GtkWidget *row = adw_expander_row_new ();
  gboolean has_variants = g_strv_length ((char **) cep_block_item_get_variants (item)) > 1;

  g_object_bind_property (item, "title", row, "title", G_BINDING_SYNC_CREATE);
  g_object_bind_property (item, "summary", row, "subtitle", G_BINDING_SYNC_CREATE);
  if (has_variants)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row), variant_row (item));
  g_object_set_data_full (G_OBJECT (row), "field-rows", g_ptr_array_new (),
                          (GDestroyNotify) g_ptr_array_unref);
  on_fields_changed (fields, 0, 0, 0, row);
  g_signal_connect_object (fields, "items-changed", G_CALLBACK (on_fields_changed), row, 0);
  /* A kind with nothing to set (an identity, a flatten) cannot be expanded. */
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row),
                                         g_list_model_get_n_items (fields) > 0 || has_variants);
  add_block_buttons (row, item);
  return row;
}

static void
on_blocks_changed (GListModel   *blocks,
                   guint         position,
                   guint         removed,
                   guint         added,
                   CepModelPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->layer_list), g_list_model_get_n_items (blocks) > 0);
}

/* The Add Block menu: one entry per kind (and per activation), from core's table. */
static GMenuModel *
add_block_menu (void)
{
  GMenu *menu = g_menu_new ();

  for (guint kind = 0; kind < CEP_BLOCK_KIND_COUNT; kind++)
    {
      const CepBlockType *type = cep_block_type_get (kind);
      g_auto (GStrv) variants = cep_block_type_list_variants (type);
      g_autoptr (GMenu) section = g_menu_new ();

      for (guint i = 0; variants[i] != NULL; i++)
        {
          CepBlock block;
          g_autoptr (GMenuItem) entry = NULL;

          if (cep_block_type_parse (variants[i], &block) == NULL)
            continue;
          entry = g_menu_item_new (_(cep_block_type_label_of (&block)), NULL);
          g_menu_item_set_action_and_target_value (entry, "model.add-block",
                                                   g_variant_new_string (variants[i]));
          g_menu_append_item (section, entry);
        }
      g_menu_append_section (menu, variants[1] != NULL ? _(type->label) : NULL,
                             G_MENU_MODEL (section));
    }
  return G_MENU_MODEL (menu);
}

/* ---- layers: a Linear and the blocks after it up to the next Linear ---- */

static gboolean
starts_layer (const CepBlock *block)
{
  return block->kind == CEP_BLOCK_LINEAR;
}

/* The block range [*first, *end) of hidden layer @index; FALSE when there is none. */
static gboolean
find_layer (const CepModelSpec *spec,
            guint               index,
            guint              *first,
            guint              *end)
{
  guint n = cep_model_spec_get_n_blocks (spec);
  guint seen = 0;

  for (guint i = 0; i < n; i++)
    if (starts_layer (cep_model_spec_get_block (spec, i)) && seen++ == index)
      {
        *first = i;
        *end = i + 1;
        while (*end < n && !starts_layer (cep_model_spec_get_block (spec, *end)))
          (*end)++;
        return TRUE;
      }
  return FALSE;
}

guint
cep_model_page_get_n_layers (CepModelPage *self)
{
  const CepModelSpec *spec;
  guint n = 0;

  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), 0);

  spec = current_spec (self);
  for (guint i = 0; spec != NULL && i < cep_model_spec_get_n_blocks (spec); i++)
    n += starts_layer (cep_model_spec_get_block (spec, i));
  return n;
}

guint
cep_model_page_get_layer_width (CepModelPage *self,
                                guint         index)
{
  const CepModelSpec *spec;
  guint first, end;

  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), 0);

  spec = current_spec (self);
  g_return_val_if_fail (spec != NULL && find_layer (spec, index, &first, &end), 0);
  return cep_model_spec_get_block (spec, first)->width;
}

/* A copy of the model with blocks [first, end) taken out and put back at @to (an index in
 * the list without them), named "custom". */
static CepModelSpec *
spec_with_moved_blocks (const CepModelSpec *spec,
                        guint               first,
                        guint               end,
                        guint               to)
{
  CepModelSpec *copy = cep_model_spec_copy (spec);
  g_autoptr (GArray) moved = g_array_new (FALSE, FALSE, sizeof (CepBlock));

  g_array_append_vals (moved, &g_array_index (copy->blocks, CepBlock, first), end - first);
  g_array_remove_range (copy->blocks, first, end - first);
  g_array_insert_vals (copy->blocks, MIN (to, copy->blocks->len), moved->data, moved->len);
  cep_model_spec_set_name (copy, "custom");
  return copy;
}

void
cep_model_page_add_layer (CepModelPage *self)
{
  const CepModelSpec *spec;
  CepModelSpec *copy;
  guint first, end;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  spec = current_spec (self);
  g_return_if_fail (spec != NULL);
  copy = cep_model_spec_copy (spec);
  cep_model_spec_set_name (copy, "custom");
  /* A new layer repeats the last one, the usual way to deepen a stack. */
  if (find_layer (spec, cep_model_page_get_n_layers (self) - 1, &first, &end)
      && cep_model_page_get_n_layers (self) > 0)
    g_array_append_vals (copy->blocks, &g_array_index (spec->blocks, CepBlock, first),
                         end - first);
  else
    {
      CepBlock linear = cep_block_linear (512);

      linear.init = spec->head.init;
      cep_model_spec_add (copy, linear);
      cep_model_spec_add (copy, cep_block_activation (CEP_ACTIVATION_GELU));
    }
  cep_model_settings_replace (self->settings, copy);
}

void
cep_model_page_remove_layer (CepModelPage *self,
                             guint         index)
{
  const CepModelSpec *spec;
  CepModelSpec *copy;
  guint first, end;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  spec = current_spec (self);
  g_return_if_fail (spec != NULL && find_layer (spec, index, &first, &end));
  copy = cep_model_spec_copy (spec);
  g_array_remove_range (copy->blocks, first, end - first);
  cep_model_spec_set_name (copy, "custom");
  cep_model_settings_replace (self->settings, copy);
}

void
cep_model_page_move_layer (CepModelPage *self,
                           guint         index,
                           int           delta)
{
  const CepModelSpec *spec;
  guint first, end, other_first, other_end;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  spec = current_spec (self);
  g_return_if_fail (spec != NULL && find_layer (spec, index, &first, &end));
  if ((delta < 0 && index == 0) || delta == 0
      || !find_layer (spec, (guint) ((int) index + delta), &other_first, &other_end))
    return;
  /* Down: the next layer's blocks come first, this one after them. */
  if (delta > 0)
    cep_model_settings_replace (self->settings,
                                spec_with_moved_blocks (spec, first, end,
                                                        other_end - (end - first)));
  else
    cep_model_settings_replace (self->settings,
                                spec_with_moved_blocks (spec, first, end, other_first));
}

void
cep_model_page_set_layer_width (CepModelPage *self,
                                guint         index,
                                guint         width)
{
  const CepModelSpec *spec;
  CepBlock block;
  guint first, end;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  spec = current_spec (self);
  g_return_if_fail (spec != NULL && find_layer (spec, index, &first, &end));
  block = *cep_model_spec_get_block (spec, first);
  block.width = width;
  cep_model_settings_set_block (self->settings, first, &block);
}

guint
cep_model_page_get_n_blocks (CepModelPage *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_PAGE (self), 0);
  return self->settings != NULL
         ? g_list_model_get_n_items (cep_model_settings_get_blocks (self->settings)) : 0;
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
show_shape_rows (CepModelPage *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);
  gboolean visible = is_shape_entry (selected);
  GtkWidget *rows[] = {
    GTK_WIDGET (self->budget_row), GTK_WIDGET (self->depth_row),
    GTK_WIDGET (self->shape_activation_row), GTK_WIDGET (self->shape_batch_norm_row),
    GTK_WIDGET (self->shape_dropout_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_visible (rows[i], visible);
  gtk_widget_set_visible (GTK_WIDGET (self->ratio_row),
                          visible && selected != FIRST_SHAPE_ENTRY + CEP_SHAPE_CYLINDER);
}

static CepModelSpec *
new_shape_spec (CepModelPage  *self,
                CepShape       shape,
                GError       **error)
{
  const CepModelSpec *old = current_spec (self);
  CepShapeOptions options;

  cep_shape_options_init (&options, shape);
  options.context = old->context;
  options.context_past = cep_model_spec_get_context_past (old);
  options.context_future = cep_model_spec_get_context_future (old);
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
  options.init = old->head.init;
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

/* The preset entry the model is: a named preset by its name, the shape this page made while
 * the model is still what it made, otherwise Custom. */
static guint
entry_for_name (CepModelPage *self,
                const char   *name)
{
  const char * const *presets = cep_model_preset_list ();

  for (guint i = 0; name != NULL && i < N_NAMED_PRESETS && presets[i] != NULL; i++)
    if (g_str_equal (presets[i], name))
      return i + 1;
  if (name != NULL && self->applied_name != NULL && g_str_equal (name, self->applied_name))
    return self->applied_entry;
  return 0;
}

static gboolean
name_to_entry (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  g_value_set_uint (to, entry_for_name (user_data, g_value_get_string (from)));
  return TRUE;
}

static void
apply_preset (CepModelPage *self,
              guint         selected)
{
  const CepModelSpec *old = current_spec (self);
  g_autoptr (GError) error = NULL;
  CepModelSpec *spec;

  spec = new_preset_spec (self, selected, &error);
  if (spec == NULL)
    {
      gtk_label_set_label (self->invalid_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->invalid_label), TRUE);
      return;
    }
  /* The preset decides the blocks and K; the classifier settings stay the user's. */
  spec->label_smoothing = old->label_smoothing;
  spec->param_limit = old->param_limit;
  self->applied_entry = selected;
  g_free (self->applied_name);
  self->applied_name = g_strdup (spec->name);
  cep_model_settings_replace (self->settings, spec);
}

/* The row shows the model's entry (bound to its name); picking another applies it. */
static void
on_preset_selected (CepModelPage *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);
  const CepModelSpec *spec = current_spec (self);

  show_shape_rows (self);
  if (spec == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION
      || selected == entry_for_name (self, spec->name))
    return;
  apply_preset (self, selected);
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

/* A shape is a recipe: when its options or K change, it is made again. */
static void
refill_shape (CepModelPage *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);

  if (self->settings != NULL && is_shape_entry (selected))
    apply_preset (self, selected);
}

static void
on_context_edited (CepModelSettings *settings,
                   const char       *what,
                   CepModelPage     *self)
{
  refill_shape (self);
}

/* ---- the session ---- */

static void
on_model_changed (CepModelSettings *settings,
                  CepModelPage     *self)
{
  update_summary (self);
}

/* A locked block list cannot be edited, a hidden one is not shown (the preset row is
 * attached as a row of its own). */
static void
follow_blocks_rule (CepModelPage *self)
{
  CepAssignmentFieldRule rule;

  cep_session_get_field_rule (self->session, "model.blocks", &rule);
  GtkWidget *shape_rows[] = {
    GTK_WIDGET (self->budget_row), GTK_WIDGET (self->depth_row), GTK_WIDGET (self->ratio_row),
    GTK_WIDGET (self->shape_activation_row), GTK_WIDGET (self->shape_batch_norm_row),
    GTK_WIDGET (self->shape_dropout_row),
  };

  cep_session_get_field_rule (self->session, "model.blocks", &rule);
  gtk_widget_set_visible (GTK_WIDGET (self->layers_group), !rule.hidden);
  gtk_widget_set_sensitive (GTK_WIDGET (self->layers_group), !rule.locked);
  /* A shape's budget, depth and blocks rebuild the list too. */
  for (guint i = 0; i < G_N_ELEMENTS (shape_rows); i++)
    gtk_widget_set_sensitive (shape_rows[i], !rule.locked);
}

/* The rows of the model's own settings follow the assignment's rules; the block list and
 * what rebuilds it (presets, shapes) are "model.blocks". */
static void
attach_rules (CepModelPage *self)
{
  struct { gpointer control; const char *path; double scale; } rows[] = {
    { self->context_spin, "model.context", 1 },
    { self->context_past_spin, "model.context_past", 1 },
    { self->context_future_spin, "model.context_future", 1 },
    { self->smoothing_spin, "model.label_smoothing", 1 },
    { self->limit_spin, "model.param_limit", 1e-6 },   /* the row counts in millions */
    { self->init_row, "model.head.init", 1 },
    { self->preset_row, "model.blocks", 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *control = GTK_WIDGET (rows[i].control);
      GtkWidget *row = ADW_IS_ACTION_ROW (control)
                       ? control : gtk_widget_get_ancestor (control, ADW_TYPE_ACTION_ROW);
      cep_rule_row_attach (row, control, self->session, rows[i].path, rows[i].scale);
    }
  follow_blocks_rule (self);
  g_signal_connect_object (self->session, "notify::assignment",
                           G_CALLBACK (follow_blocks_rule), self, G_CONNECT_SWAPPED);
}

static void
bind_form (CepModelPage *self)
{
  struct { const char *property; gpointer widget; const char *widget_property; } rows[] = {
    { "context", self->context_spin, "value" },
    { "context-past", self->context_past_spin, "value" },
    { "context-future", self->context_future_spin, "value" },
    { "label-smoothing", self->smoothing_spin, "value" },
    { "param-limit", self->limit_spin, "value" },
    { "init", self->init_row, "selected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_ptr_array_add (self->bindings,
                     g_object_bind_property (self->settings, rows[i].property, rows[i].widget,
                                             rows[i].widget_property,
                                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE));
  attach_rules (self);
  g_ptr_array_add (self->bindings,
                   g_object_bind_property_full (self->settings, "name", self->preset_row,
                                                "selected", G_BINDING_SYNC_CREATE,
                                                name_to_entry, NULL, self, NULL));
}

static void
drop_settings (CepModelPage *self)
{
  if (self->settings == NULL)
    return;
  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  g_signal_handlers_disconnect_by_data (self->settings, self);
  g_signal_handlers_disconnect_by_data (cep_model_settings_get_blocks (self->settings), self);
  gtk_list_box_bind_model (self->layer_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->settings);
}

void
cep_model_page_set_session (CepModelPage *self,
                            CepSession   *session)
{
  GListModel *blocks;

  g_return_if_fail (CEP_IS_MODEL_PAGE (self));

  drop_settings (self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  self->settings = cep_model_settings_new (session);
  blocks = cep_model_settings_get_blocks (self->settings);
  gtk_list_box_bind_model (self->layer_list, blocks, create_block_row, self, NULL);
  g_signal_connect (blocks, "items-changed", G_CALLBACK (on_blocks_changed), self);
  on_blocks_changed (blocks, 0, 0, 0, self);
  g_signal_connect (self->settings, "changed", G_CALLBACK (on_model_changed), self);
  g_signal_connect (self->settings, "edited::context", G_CALLBACK (on_context_edited), self);
  g_signal_connect (self->settings, "edited::context-past", G_CALLBACK (on_context_edited),
                    self);
  g_signal_connect (self->settings, "edited::context-future", G_CALLBACK (on_context_edited),
                    self);
  bind_form (self);
  show_shape_rows (self);
  update_summary (self);
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
add_block_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CepModelPage *self = CEP_MODEL_PAGE (widget);

  if (self->settings != NULL)
    cep_model_settings_insert_block (self->settings, G_MAXUINT,
                                     g_variant_get_string (parameter, NULL));
}

static void
remove_block_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CepModelPage *self = CEP_MODEL_PAGE (widget);

  if (self->settings != NULL)
    cep_model_settings_remove_block (self->settings, g_variant_get_uint32 (parameter));
}

static void
move_block_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CepModelPage *self = CEP_MODEL_PAGE (widget);
  guint position;
  int delta;

  g_variant_get (parameter, "(ui)", &position, &delta);
  if (self->settings != NULL)
    cep_model_settings_move_block (self->settings, position, delta);
}

static void
cep_model_page_dispose (GObject *object)
{
  CepModelPage *self = CEP_MODEL_PAGE (object);

  drop_settings (self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_MODEL_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cep_model_page_parent_class)->dispose (object);
}

static void
cep_model_page_finalize (GObject *object)
{
  CepModelPage *self = CEP_MODEL_PAGE (object);

  g_ptr_array_unref (self->bindings);
  g_free (self->applied_name);
  g_free (self->params_text);
  g_free (self->warning);
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
  BIND (context_past_spin);
  BIND (context_future_spin);
  BIND (layer_list);
  BIND (add_block_button);
  BIND (layers_group);
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
  gtk_widget_class_install_action (widget_class, "model.add-block", "s", add_block_action);
  gtk_widget_class_install_action (widget_class, "model.remove-block", "u",
                                   remove_block_action);
  gtk_widget_class_install_action (widget_class, "model.move-block", "(ui)", move_block_action);
}

/* The shape options are the page's own recipe, not settings of the model: a change makes the
 * shape again. */
static void
connect_shape_options (CepModelPage *self)
{
  GtkSpinButton *shape_spins[] = {
    self->budget_spin, self->depth_spin, self->ratio_spin, self->shape_dropout_spin,
  };

  g_signal_connect_swapped (self->preset_row, "notify::selected",
                            G_CALLBACK (on_preset_selected), self);
  for (guint i = 0; i < G_N_ELEMENTS (shape_spins); i++)
    g_signal_connect_swapped (shape_spins[i], "value-changed", G_CALLBACK (refill_shape), self);
  g_signal_connect_swapped (self->shape_activation_row, "notify::selected",
                            G_CALLBACK (refill_shape), self);
  g_signal_connect_swapped (self->shape_batch_norm_switch, "notify::active",
                            G_CALLBACK (refill_shape), self);
}

static void
cep_model_page_init (CepModelPage *self)
{
  g_autoptr (GtkStringList) activations = gtk_string_list_new (shape_activation_labels);
  g_autoptr (GMenuModel) menu = add_block_menu ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->bindings = g_ptr_array_new ();
  adw_combo_row_set_model (self->shape_activation_row, G_LIST_MODEL (activations));
  adw_combo_row_set_selected (self->shape_activation_row, CEP_ACTIVATION_GELU - 1);
  gtk_menu_button_set_menu_model (self->add_block_button, menu);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->diagram), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Diagram of the layer stack"), -1);
  show_shape_rows (self);
  connect_shape_options (self);
}
