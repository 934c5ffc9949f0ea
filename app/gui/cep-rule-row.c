/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-rule-row.c: a row showing its setting's rule (cep-rule-row.h).
 *
 * Owns how each rule looks on a row and how the row is given back when the assignment is
 * left. Must not decide whether an experiment keeps a rule: core does.
 */
#define G_LOG_DOMAIN "cepstra-rule-row"

#include "cep-rule-row.h"

#include <glib/gi18n.h>
#include <math.h>


typedef struct
{
  GtkWidget  *row;            /* not owned: this state lives as the row's data */
  GtkWidget  *control;
  CepSession *session;        /* weak pointer */
  char       *path;
  double      scale;
  /* What the row was before any rule. */
  char       *subtitle;
  double      lower;
  double      upper;
  /* While hidden: whether whoever decides the row's visibility wants it shown. */
  gboolean    hidden;
  gboolean    wanted_visible;
  GtkWidget  *lock_icon;
} RuleRow;

static void
rule_row_free (gpointer data)
{
  RuleRow *state = data;

  g_signal_handlers_disconnect_by_data (state->row, state);
  if (state->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (state->session, state);
      g_object_remove_weak_pointer (G_OBJECT (state->session), (gpointer *) &state->session);
    }
  g_free (state->path);
  g_free (state->subtitle);
  g_free (state);
}

static char *
format_bound (double value,
              double scale)
{
  return g_strdup_printf ("%.6g", value * scale);
}

/* "At most 10", "At least 5", "Between 5 and 30", "Allowed: adamw, sgd". */
static char *
describe_rule (const CepAssignmentFieldRule *rule,
               double                        scale)
{
  g_autofree char *min = format_bound (rule->min, scale);
  g_autofree char *max = format_bound (rule->max, scale);

  if (rule->allowed != NULL)
    {
      g_autofree char *set = g_strjoinv (", ", (char **) rule->allowed);
      /* Translators: the values an assignment allows for a choice, e.g. "adamw, sgd". */
      return g_strdup_printf (_("Allowed by the assignment: %s"), set);
    }
  if (rule->has_min && rule->has_max)
    /* Translators: an assignment's bounds on a number. */
    return g_strdup_printf (_("The assignment allows %s to %s"), min, max);
  if (rule->has_max)
    return g_strdup_printf (_("The assignment allows at most %s"), max);
  if (rule->has_min)
    return g_strdup_printf (_("The assignment allows at least %s"), min);
  return NULL;
}

static void
show_subtitle (RuleRow                      *state,
               const CepAssignmentFieldRule *rule)
{
  /* Said in words too: a tooltip does not show on an insensitive row. */
  g_autofree char *described = rule->locked ? g_strdup (_("Fixed by your teacher"))
                                            : describe_rule (rule, state->scale);
  g_autofree char *joined = NULL;

  if (described == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (state->row),
                                   state->subtitle != NULL ? state->subtitle : "");
      return;
    }
  if (state->subtitle != NULL && state->subtitle[0] != '\0')
    joined = g_strdup_printf ("%s · %s", state->subtitle, described);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (state->row),
                               joined != NULL ? joined : described);
}

/* A bounded spin button's range is cut to the bounds, and its value clamped into them (the
 * binding carries the clamped value to the experiment). */
static void
clamp_range (RuleRow                      *state,
             const CepAssignmentFieldRule *rule)
{
  GtkAdjustment *adjustment;
  double lower = state->lower;
  double upper = state->upper;

  if (!GTK_IS_SPIN_BUTTON (state->control))
    return;
  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (state->control));
  if (rule->has_min)
    lower = MAX (lower, rule->min * state->scale);
  if (rule->has_max)
    upper = MIN (upper, rule->max * state->scale);
  gtk_adjustment_set_lower (adjustment, lower);
  gtk_adjustment_set_upper (adjustment, MAX (lower, upper));
  gtk_adjustment_set_value (adjustment, CLAMP (gtk_adjustment_get_value (adjustment), lower,
                                               MAX (lower, upper)));
}

static void
show_lock (RuleRow  *state,
           gboolean  locked)
{
  gtk_widget_set_sensitive (state->control, !locked);
  gtk_widget_set_tooltip_text (state->row, locked ? _("Your teacher fixed this setting for the "
                                                      "assignment") : NULL);
  if (locked && state->lock_icon == NULL)
    {
      state->lock_icon = gtk_image_new_from_icon_name ("system-lock-screen-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (state->lock_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Fixed by the assignment"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (state->row), state->lock_icon);
    }
  else if (!locked && state->lock_icon != NULL)
    {
      adw_action_row_remove (ADW_ACTION_ROW (state->row), state->lock_icon);
      state->lock_icon = NULL;
    }
}

static void
show_hidden (RuleRow  *state,
             gboolean  hidden)
{
  if (hidden == state->hidden)
    return;
  if (hidden)
    state->wanted_visible = gtk_widget_get_visible (state->row);
  state->hidden = hidden;
  gtk_widget_set_visible (state->row, hidden ? FALSE : state->wanted_visible);
}

/* Whoever shows the row (the optimizer showing momentum) is heard, but not obeyed while the
 * row is hidden. */
static void
on_visible_changed (GtkWidget  *row,
                    GParamSpec *pspec,
                    RuleRow    *state)
{
  if (!state->hidden || !gtk_widget_get_visible (row))
    return;
  state->wanted_visible = TRUE;
  gtk_widget_set_visible (row, FALSE);
}

static void
apply_rule (RuleRow *state)
{
  CepAssignmentFieldRule rule;

  if (state->session == NULL)
    return;
  cep_session_get_field_rule (state->session, state->path, &rule);
  show_hidden (state, rule.hidden);
  show_lock (state, rule.locked);
  clamp_range (state, &rule);
  show_subtitle (state, &rule);
}

static void
on_assignment_changed (CepSession *session,
                       GParamSpec *pspec,
                       RuleRow    *state)
{
  apply_rule (state);
}

void
cep_rule_row_attach (GtkWidget  *row,
                     GtkWidget  *control,
                     CepSession *session,
                     const char *path,
                     double      scale)
{
  RuleRow *state;

  g_return_if_fail (ADW_IS_ACTION_ROW (row));
  g_return_if_fail (GTK_IS_WIDGET (control));
  g_return_if_fail (CEP_IS_SESSION (session));
  g_return_if_fail (path != NULL);

  state = g_new0 (RuleRow, 1);
  state->row = row;
  state->control = control;
  state->session = session;
  state->path = g_strdup (path);
  state->scale = scale;
  state->subtitle = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  if (GTK_IS_SPIN_BUTTON (control))
    {
      GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (control));
      state->lower = gtk_adjustment_get_lower (adjustment);
      state->upper = gtk_adjustment_get_upper (adjustment);
    }
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &state->session);
  /* A second attach (a new session) replaces the first. */
  g_object_set_data_full (G_OBJECT (row), "cep-rule-row", state, rule_row_free);
  g_signal_connect (session, "notify::assignment", G_CALLBACK (on_assignment_changed), state);
  g_signal_connect (row, "notify::visible", G_CALLBACK (on_visible_changed), state);
  apply_rule (state);
}
