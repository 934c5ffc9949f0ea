/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-field-row.c: a row for a CepField, bound to a property.
 */
#define G_LOG_DOMAIN "cepstra-field-row"

#include "cep-field-row.h"

#include <glib/gi18n.h>
#include <math.h>

/* A step of 0.001 shows three decimals; whole steps none. */
static guint
digits_for_step (double step)
{
  if (step <= 0 || step >= 1)
    return 0;
  return (guint) CLAMP (ceil (-log10 (step) - 1e-9), 0, 6);
}

static GtkWidget *
number_row (const CepField *field,
            gpointer        object,
            const char     *property)
{
  GtkWidget *row = adw_action_row_new ();
  double step = field->step > 0 ? field->step : 1;
  GtkWidget *spin = gtk_spin_button_new_with_range (field->min, field->max, step);

  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits_for_step (step));
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(field->label), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  g_object_bind_property (object, property, spin, "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return row;
}

static GtkWidget *
flag_row (const CepField *field,
          gpointer        object,
          const char     *property)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(field->label), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_object_bind_property (object, property, toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return row;
}

static GtkWidget *
choice_row (const CepField *field,
            gpointer        object,
            const char     *property)
{
  GtkWidget *row = adw_combo_row_new ();
  const char * const *labels = field->choice_labels != NULL ? field->choice_labels
                                                            : field->choices;
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
    gtk_string_list_append (model, field->choice_labels != NULL ? _(labels[i]) : labels[i]);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  g_object_bind_property (object, property, row, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  return row;
}

GtkWidget *
cep_field_row_new (const CepField *field,
                   gpointer        object,
                   const char     *property)
{
  GtkWidget *row;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (G_IS_OBJECT (object), NULL);
  g_return_val_if_fail (property != NULL, NULL);

  switch (field->type)
    {
    case CEP_FIELD_UINT:
    case CEP_FIELD_UINT64:
    case CEP_FIELD_DOUBLE:
      row = number_row (field, object, property);
      break;
    case CEP_FIELD_BOOL:
      row = flag_row (field, object, property);
      break;
    case CEP_FIELD_ENUM:
      row = choice_row (field, object, property);
      break;
    case CEP_FIELD_DOUBLE_PAIR:
    case CEP_FIELD_STRING:
    default:
      g_return_val_if_reached (NULL);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 field->label != NULL ? _(field->label) : field->key);
  return row;
}
