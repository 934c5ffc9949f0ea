/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-dialog.c: "Save as Assignment…" (cep-assignment-dialog.h).
 *
 * Owns the rows a teacher sets rules with. Must not decide what a rule means or whether the
 * experiment keeps it: core/classroom's setters and save do, with their messages.
 */
#define G_LOG_DOMAIN "cepstra-assignment-dialog"

#include "cep-assignment-dialog.h"

#include <glib/gi18n.h>

#include "cep-experiment-paths.h"
#include "cep-file-chooser.h"

/* One setting's controls. */
typedef struct
{
  const char *path;      /* the catalogue's (static) */
  AdwActionRow *row;     /* a combo row of Editable / Locked / Hidden, except model.params */
  GtkEditable *min;      /* NULL for a setting that is not a number */
  GtkEditable *max;
} RuleControls;

struct _CepAssignmentDialog
{
  AdwPreferencesWindow parent_instance;

  CepSession  *session;
  GArray      *rules;          /* of RuleControls */
  AdwEntryRow *title_row;
  GtkTextView *instructions_view;
  AdwActionRow *seed_row;
  GtkSwitch   *seed_switch;
  AdwComboRow *metric_row;
};

G_DEFINE_FINAL_TYPE (CepAssignmentDialog, cep_assignment_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static GtkEditable *
bound_entry (const char *placeholder,
             const char *path)
{
  GtkWidget *entry = gtk_entry_new ();
  /* Translators: the accessible name of a bound's entry; %s is a setting's path. */
  g_autofree char *label = g_strdup_printf ("%s %s", placeholder, path);

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 7);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), 7);
  gtk_widget_set_hexpand (entry, FALSE);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  return GTK_EDITABLE (entry);
}

static void
add_rule_row (CepAssignmentDialog     *self,
              AdwPreferencesGroup     *group,
              const CepExperimentPath *path)
{
  const char *modes[] = { _("Editable"), _("Locked"), _("Hidden"), NULL };
  RuleControls controls = { path->path, NULL, NULL, NULL };
  g_autoptr (GtkStringList) model = NULL;

  /* The parameter count is computed: it can only be bounded. */
  if (path->kind == CEP_EXPERIMENT_PATH_COMPUTED)
    {
      controls.row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_action_row_set_subtitle (controls.row, _("The model's parameter count"));
    }
  else
    {
      controls.row = ADW_ACTION_ROW (adw_combo_row_new ());
      model = gtk_string_list_new (modes);
      adw_combo_row_set_model (ADW_COMBO_ROW (controls.row), G_LIST_MODEL (model));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (controls.row), path->path);
  if (cep_experiment_path_is_numeric (path))
    {
      controls.min = bound_entry (_("min"), path->path);
      controls.max = bound_entry (_("max"), path->path);
      adw_action_row_add_suffix (ADW_ACTION_ROW (controls.row), GTK_WIDGET (controls.min));
      adw_action_row_add_suffix (ADW_ACTION_ROW (controls.row), GTK_WIDGET (controls.max));
    }
  adw_preferences_group_add (group, GTK_WIDGET (controls.row));
  g_array_append_val (self->rules, controls);
}

/* The settings of experiment.json grouped by their object, the block list and parameter
 * count with the model's. */
static void
build_rule_rows (CepAssignmentDialog *self,
                 AdwPreferencesPage  *page)
{
  AdwPreferencesGroup *group = NULL;

  for (guint i = 0; i < cep_experiment_paths_get_n (); i++)
    {
      const CepExperimentPath *path = cep_experiment_paths_get (i);

      if (path->kind == CEP_EXPERIMENT_PATH_OBJECT || group == NULL)
        {
          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, path->kind == CEP_EXPERIMENT_PATH_OBJECT
                                                  ? path->path : _("Run"));
          adw_preferences_page_add (page, group);
        }
      add_rule_row (self, group, path);
      /* An object's own row rules every setting in it. */
      if (path->kind == CEP_EXPERIMENT_PATH_OBJECT)
        adw_action_row_set_subtitle (g_array_index (self->rules, RuleControls,
                                                    self->rules->len - 1).row,
                                     _("Every setting below"));
    }
}

static gboolean
parse_bound (GtkEditable  *entry,
             const char   *path,
             gboolean     *given,
             double       *value,
             GError      **error)
{
  const char *text = entry != NULL ? gtk_editable_get_text (entry) : "";
  char *end = NULL;

  *given = text[0] != '\0';
  if (!*given)
    return TRUE;
  *value = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0')
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("%s: “%s” is not a number"), path, text);
  return FALSE;
}

static gboolean
apply_row (CepAssignment       *assignment,
           const RuleControls  *controls,
           GError             **error)
{
  guint mode = ADW_IS_COMBO_ROW (controls->row)
               ? adw_combo_row_get_selected (ADW_COMBO_ROW (controls->row)) : 0;
  gboolean has_min, has_max;
  double min = 0, max = 0;

  if (!parse_bound (controls->min, controls->path, &has_min, &min, error)
      || !parse_bound (controls->max, controls->path, &has_max, &max, error))
    return FALSE;
  if (mode == 1 && !cep_assignment_add_locked (assignment, controls->path, error))
    return FALSE;
  if (mode == 2 && !cep_assignment_add_hidden (assignment, controls->path, error))
    return FALSE;
  return (!has_min || cep_assignment_set_min (assignment, controls->path, min, error))
         && (!has_max || cep_assignment_set_max (assignment, controls->path, max, error));
}

CepAssignment *
cep_assignment_dialog_build (CepAssignmentDialog  *self,
                             GError              **error)
{
  g_autoptr (CepAssignment) assignment = NULL;
  g_autofree char *instructions = NULL;
  g_autofree char *title = NULL;
  const CepExperiment *experiment;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CEP_IS_ASSIGNMENT_DIALOG (self), NULL);

  experiment = cep_session_get_experiment (self->session);
  buffer = gtk_text_view_get_buffer (self->instructions_view);
  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  if (title[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("An assignment needs a title"));
      return NULL;
    }
  assignment = cep_assignment_new (title, experiment);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  instructions = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  cep_assignment_set_instructions (assignment, instructions[0] != '\0' ? instructions : NULL);
  cep_assignment_set_metric (assignment, adw_combo_row_get_selected (self->metric_row));
  if (gtk_switch_get_active (self->seed_switch))
    cep_assignment_set_seed (assignment, TRUE, experiment->seed);
  for (guint i = 0; i < self->rules->len; i++)
    if (!apply_row (assignment, &g_array_index (self->rules, RuleControls, i), error))
      return NULL;
  return g_steal_pointer (&assignment);
}

static void
on_save_chosen (GPtrArray *files,
                gpointer   user_data)
{
  g_autoptr (CepAssignmentDialog) self = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
  g_autoptr (CepAssignment) assignment = NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    return;
  assignment = cep_assignment_dialog_build (self, &error);
  if (assignment == NULL || !cep_assignment_save (assignment, path, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_save_clicked (CepAssignmentDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CepAssignment) checked = cep_assignment_dialog_build (self, &error);
  g_autofree char *name = NULL;

  /* Refused before the file chooser opens, so the teacher fixes the rule first. */
  if (checked == NULL
      || !cep_assignment_check_experiment (checked, cep_assignment_get_experiment (checked),
                                           &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }
  name = g_strconcat (cep_assignment_get_title (checked), CEP_ASSIGNMENT_SUFFIX, NULL);
  g_strdelimit (name, "/\\\\", '-');
  cep_choose_save (GTK_WINDOW (self), _("Save Assignment"), name, on_save_chosen,
                   g_object_ref (self));
}

static RuleControls *
find_rule (CepAssignmentDialog *self,
           const char          *path)
{
  for (guint i = 0; i < self->rules->len; i++)
    if (g_str_equal (g_array_index (self->rules, RuleControls, i).path, path))
      return &g_array_index (self->rules, RuleControls, i);
  return NULL;
}

gboolean
cep_assignment_dialog_set_rule (CepAssignmentDialog *self,
                                const char          *path,
                                guint                mode,
                                const char          *min,
                                const char          *max)
{
  RuleControls *controls;

  g_return_val_if_fail (CEP_IS_ASSIGNMENT_DIALOG (self), FALSE);

  controls = find_rule (self, path);
  if (controls == NULL)
    return FALSE;
  if (ADW_IS_COMBO_ROW (controls->row))
    adw_combo_row_set_selected (ADW_COMBO_ROW (controls->row), mode);
  else if (mode != 0)
    return FALSE;
  if (controls->min != NULL)
    gtk_editable_set_text (controls->min, min != NULL ? min : "");
  if (controls->max != NULL)
    gtk_editable_set_text (controls->max, max != NULL ? max : "");
  return TRUE;
}

void
cep_assignment_dialog_set_text (CepAssignmentDialog *self,
                                const char          *title,
                                const char          *instructions)
{
  g_return_if_fail (CEP_IS_ASSIGNMENT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), title != NULL ? title : "");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->instructions_view),
                            instructions != NULL ? instructions : "", -1);
}

static AdwPreferencesGroup *
build_text_group (CepAssignmentDialog *self)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *instructions_box, *instructions_label;
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save…"));
  const char *metrics[] = { "dev_accuracy", "dev_loss", "train_accuracy", "train_loss", NULL };
  g_autoptr (GtkStringList) metric_model = gtk_string_list_new (metrics);

  adw_preferences_group_set_title (group, _("Assignment"));
  adw_preferences_group_set_description (group, _("Rules apply to the experiment as it is set "
                                                  "up now, which becomes the starting one"));
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_set_valign (save, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (save, "clicked", G_CALLBACK (on_save_clicked), self);
  adw_preferences_group_set_header_suffix (group, save);
  self->title_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->title_row), _("Title"));
  adw_preferences_group_add (group, GTK_WIDGET (self->title_row));
  self->instructions_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (self->instructions_view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (self->instructions_view, 8);
  gtk_text_view_set_left_margin (self->instructions_view, 8);
  gtk_widget_set_size_request (GTK_WIDGET (self->instructions_view), -1, 96);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->instructions_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Instructions (Markdown: # headings, **bold**, *italic*, "
                                    "- lists, `code`)"), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->instructions_view),
                               _("Instructions (Markdown: # headings, **bold**, *italic*, "
                                 "- lists, `code`)"));
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->instructions_view));
  instructions_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (instructions_box, 12);
  instructions_label = gtk_label_new (_("Instructions (Markdown: # headings, **bold**, *italic*, "
                                        "- lists, `code`)"));
  gtk_label_set_xalign (GTK_LABEL (instructions_label), 0);
  gtk_label_set_wrap (GTK_LABEL (instructions_label), TRUE);
  gtk_widget_add_css_class (instructions_label, "dim-label");
  gtk_box_append (GTK_BOX (instructions_box), instructions_label);
  gtk_box_append (GTK_BOX (instructions_box), frame);
  self->seed_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->seed_row), _("Fix the Seed"));
  self->seed_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->seed_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (self->seed_row, GTK_WIDGET (self->seed_switch));
  adw_action_row_set_activatable_widget (self->seed_row, GTK_WIDGET (self->seed_switch));
  adw_preferences_group_add (group, GTK_WIDGET (self->seed_row));
  self->metric_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->metric_row),
                                 _("Metric That Counts"));
  adw_combo_row_set_model (self->metric_row, G_LIST_MODEL (metric_model));
  adw_preferences_group_add (group, GTK_WIDGET (self->metric_row));
  adw_preferences_group_add (group, instructions_box);
  return group;
}

static void
cep_assignment_dialog_finalize (GObject *object)
{
  CepAssignmentDialog *self = CEP_ASSIGNMENT_DIALOG (object);

  g_clear_object (&self->session);
  g_array_unref (self->rules);
  G_OBJECT_CLASS (cep_assignment_dialog_parent_class)->finalize (object);
}

static void
cep_assignment_dialog_class_init (CepAssignmentDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cep_assignment_dialog_finalize;
}

static void
cep_assignment_dialog_init (CepAssignmentDialog *self)
{
  self->rules = g_array_new (FALSE, TRUE, sizeof (RuleControls));
}

CepAssignmentDialog *
cep_assignment_dialog_new (CepSession *session)
{
  CepAssignmentDialog *self;
  AdwPreferencesPage *page;
  g_autofree char *seed = NULL;
  g_autofree char *number = NULL;

  g_return_val_if_fail (CEP_IS_SESSION (session), NULL);

  self = g_object_new (CEP_TYPE_ASSIGNMENT_DIALOG, "title", _("Save as Assignment"),
                       "default-width", 640, "default-height", 720, "search-enabled", TRUE,
                       NULL);
  self->session = g_object_ref (session);
  page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_set_title (page, _("Assignment"));
  adw_preferences_page_add (page, build_text_group (self));
  number = g_strdup_printf ("%" G_GUINT64_FORMAT, cep_session_get_experiment (session)->seed);
  seed = g_strdup_printf (_("Students train with seed %s"), number);
  adw_action_row_set_subtitle (self->seed_row, seed);
  build_rule_rows (self, page);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
  return self;
}

void
cep_assignment_dialog_present (GtkWindow  *parent,
                               CepSession *session)
{
  CepAssignmentDialog *self = cep_assignment_dialog_new (session);

  gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_present (GTK_WINDOW (self));
}
