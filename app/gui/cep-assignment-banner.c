/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-banner.c: the assignment's title, instructions and dataset warning.
 *
 * Owns how an assignment is presented to the student. Must not apply rules (cep-rule-row.c)
 * or enforce them (core/classroom).
 */
#define G_LOG_DOMAIN "cepstra-assignment-banner"

#include "cep-assignment-banner.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cep-gui-util.h"
#include "cep-markdown.h"

struct _CepAssignmentBanner
{
  GtkWidget     parent_instance;

  CepSession   *session;
  GCancellable *fingerprint_cancellable;   /* the fingerprint in flight, or NULL */

  GtkWidget    *box;
  GtkWidget    *title_label;
  GtkWidget    *instructions_label;
  GtkWidget    *warning_label;
  GtkWidget    *leave_button;
};

G_DEFINE_FINAL_TYPE (CepAssignmentBanner, cep_assignment_banner, GTK_TYPE_WIDGET)

static void
show_warning (CepAssignmentBanner *self,
              const char          *warning)
{
  gtk_label_set_text (GTK_LABEL (self->warning_label), warning != NULL ? warning : "");
  gtk_widget_set_visible (self->warning_label, warning != NULL && warning[0] != '\0');
}

static void
fingerprint_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_task_return_pointer (task, cep_dataset_get_fingerprint (task_data), g_free);
}

static void
on_fingerprint (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (CepAssignmentBanner) self = user_data;
  g_autofree char *fingerprint = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr (GError) error = NULL;
  CepAssignment *assignment;
  g_autofree char *warning = NULL;

  if (g_task_had_error (G_TASK (result)) || self->session == NULL
      || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  assignment = cep_session_get_assignment (self->session);
  if (assignment == NULL
      || cep_assignment_check_dataset_fingerprint (assignment, fingerprint, &error))
    return;
  /* Translators: %s is the dataset the assignment names, e.g. "hw1p2". */
  warning = g_strdup_printf (_("This is not the dataset the assignment expects (“%s”): open "
                               "that dataset, or your results will not count."),
                             cep_assignment_get_dataset_name (assignment) != NULL
                             ? cep_assignment_get_dataset_name (assignment) : "?");
  show_warning (self, warning);
}

/* Compares the open dataset with the one the assignment expects, off the main thread. */
static void
check_dataset (CepAssignmentBanner *self)
{
  CepAssignment *assignment = cep_session_get_assignment (self->session);
  CepDataset *dataset = cep_session_get_dataset (self->session);
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (self->fingerprint_cancellable);
  g_clear_object (&self->fingerprint_cancellable);
  show_warning (self, NULL);
  if (assignment == NULL || dataset == NULL
      || cep_assignment_get_dataset_fingerprint (assignment) == NULL)
    return;
  self->fingerprint_cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->fingerprint_cancellable, on_fingerprint, g_object_ref (self));
  g_task_set_task_data (task, g_object_ref (dataset), g_object_unref);
  g_task_run_in_thread (task, fingerprint_thread);
}

static void
show_assignment (CepAssignmentBanner *self)
{
  CepAssignment *assignment = self->session != NULL
                              ? cep_session_get_assignment (self->session) : NULL;
  g_autofree char *markup = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), assignment != NULL);
  if (assignment == NULL)
    {
      show_warning (self, NULL);
      return;
    }
  gtk_label_set_text (GTK_LABEL (self->title_label), cep_assignment_get_title (assignment));
  markup = cep_markdown_to_pango (cep_assignment_get_instructions (assignment));
  gtk_label_set_markup (GTK_LABEL (self->instructions_label), markup);
  gtk_widget_set_visible (self->instructions_label, markup[0] != '\0');
  check_dataset (self);
}

void
cep_assignment_banner_set_session (CepAssignmentBanner *self,
                                   CepSession          *session)
{
  g_return_if_fail (CEP_IS_ASSIGNMENT_BANNER (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::assignment", G_CALLBACK (show_assignment),
                                self);
      g_signal_connect_swapped (session, "notify::dataset", G_CALLBACK (check_dataset), self);
    }
  show_assignment (self);
}

const char *
cep_assignment_banner_get_warning (CepAssignmentBanner *self)
{
  g_return_val_if_fail (CEP_IS_ASSIGNMENT_BANNER (self), NULL);

  return gtk_label_get_text (GTK_LABEL (self->warning_label));
}

static GtkWidget *
wrapping_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
build (CepAssignmentBanner *self)
{
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-documents-symbolic");

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->box, "assignment-banner");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Assignment"), -1);
  gtk_box_append (GTK_BOX (self->box), icon);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (self->box), text);
  self->title_label = wrapping_label ("heading");
  gtk_box_append (GTK_BOX (text), self->title_label);
  self->instructions_label = wrapping_label (NULL);
  gtk_box_append (GTK_BOX (text), self->instructions_label);
  self->warning_label = wrapping_label ("warning");
  gtk_widget_set_visible (self->warning_label, FALSE);
  gtk_box_append (GTK_BOX (text), self->warning_label);
  self->leave_button = gtk_button_new_with_mnemonic (_("_Leave Assignment"));
  gtk_widget_set_valign (self->leave_button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->leave_button), "win.leave-assignment");
  gtk_box_append (GTK_BOX (self->box), self->leave_button);
}

static void
cep_assignment_banner_dispose (GObject *object)
{
  CepAssignmentBanner *self = CEP_ASSIGNMENT_BANNER (object);

  g_cancellable_cancel (self->fingerprint_cancellable);
  g_clear_object (&self->fingerprint_cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  cep_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cep_assignment_banner_parent_class)->dispose (object);
}

static void
cep_assignment_banner_class_init (CepAssignmentBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_assignment_banner_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "assignmentbanner");
}

static void
cep_assignment_banner_init (CepAssignmentBanner *self)
{
  build (self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
cep_assignment_banner_new (void)
{
  return g_object_new (CEP_TYPE_ASSIGNMENT_BANNER, NULL);
}
