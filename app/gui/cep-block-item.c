/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-item.c: a hidden block of the model as a list item with notifying properties.
 */
#define G_LOG_DOMAIN "cepstra-block-item"

#include "cep-block-item.h"

#include <glib/gi18n.h>

#include "cep-block-field.h"
#include "cep-model-settings.h"

struct _CepBlockItem
{
  GObject           parent_instance;

  CepModelSettings *settings;   /* not owned: it owns the items and detaches them */
  guint             position;
  CepBlockKind      kind;       /* its rows are built for this kind ... */
  GStrv             variants;
  const CepFieldTable *table;   /* ... and these fields (a variant may have others) */
  GListStore       *fields;     /* of CepBlockField */
};

enum
{
  PROP_0,
  PROP_POSITION,
  PROP_TITLE,
  PROP_SUMMARY,
  PROP_CAN_MOVE_UP,
  PROP_CAN_MOVE_DOWN,
  PROP_VARIANT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepBlockItem, cep_block_item, G_TYPE_OBJECT)

static guint
n_blocks (CepBlockItem *self)
{
  return self->settings != NULL
         ? cep_model_spec_get_n_blocks (cep_model_settings_get_spec (self->settings)) : 0;
}

static guint
current_variant (CepBlockItem *self)
{
  const CepBlock *block = cep_block_item_get_block (self);
  const char *name = block != NULL ? cep_block_type_name_of (block) : NULL;

  for (guint i = 0; name != NULL && self->variants[i] != NULL; i++)
    if (g_str_equal (self->variants[i], name))
      return i;
  return 0;
}

/* "Width 1024 · Glorot uniform · Bias": the fields that apply, as the rows show them. */
static void
append_field (GString        *text,
              const CepField *field,
              CepBlockField  *holder)
{
  g_autofree char *number = NULL;
  double value;
  guint selected;
  gboolean active;

  if (text->len > 0)
    g_string_append (text, " · ");
  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      g_object_get (holder, "active", &active, NULL);
      g_string_append_printf (text, active ? _("%s on") : _("%s off"), _(field->label));
      break;
    case CEP_FIELD_ENUM:
      g_object_get (holder, "selected", &selected, NULL);
      g_string_append (text, field->choice_labels != NULL ? _(field->choice_labels[selected])
                                                          : field->choices[selected]);
      break;
    default:
      g_object_get (holder, "value", &value, NULL);
      number = g_strdup_printf ("%g", value);
      g_string_append_printf (text, "%s %s", _(field->label), number);
    }
}

static char *
make_summary (CepBlockItem *self)
{
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepBlockField) holder = g_list_model_get_item (G_LIST_MODEL (self->fields), i);
      gboolean relevant;

      g_object_get (holder, "relevant", &relevant, NULL);
      if (relevant)
        append_field (text, cep_block_field_get_field (holder), holder);
    }
  return g_string_free (text, FALSE);
}

static void
cep_block_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CepBlockItem *self = CEP_BLOCK_ITEM (object);
  const CepBlock *block = cep_block_item_get_block (self);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_TITLE:
      g_value_set_string (value, block != NULL ? _(cep_block_type_label_of (block)) : "");
      break;
    case PROP_SUMMARY:
      g_value_take_string (value, make_summary (self));
      break;
    case PROP_CAN_MOVE_UP:
      g_value_set_boolean (value, self->position > 0);
      break;
    case PROP_CAN_MOVE_DOWN:
      g_value_set_boolean (value, self->position + 1 < n_blocks (self));
      break;
    case PROP_VARIANT:
      g_value_set_uint (value, current_variant (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A kind's variant is its JSON type: the block becomes that type with its defaults. */
static void
set_variant (CepBlockItem *self,
             guint         variant)
{
  CepBlock block;

  if (variant >= g_strv_length (self->variants) || variant == current_variant (self))
    return;
  if (cep_block_type_parse (self->variants[variant], &block) == NULL)
    return;
  cep_block_item_set_block (self, &block);
}

static void
cep_block_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CepBlockItem *self = CEP_BLOCK_ITEM (object);

  if (prop_id == PROP_VARIANT)
    set_variant (self, g_value_get_uint (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
cep_block_item_finalize (GObject *object)
{
  CepBlockItem *self = CEP_BLOCK_ITEM (object);

  g_strfreev (self->variants);
  g_clear_object (&self->fields);
  G_OBJECT_CLASS (cep_block_item_parent_class)->finalize (object);
}

static void
cep_block_item_class_init (CepBlockItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags read_only = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cep_block_item_get_property;
  object_class->set_property = cep_block_item_set_property;
  object_class->finalize = cep_block_item_finalize;
  properties[PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                                                 read_only);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, read_only);
  properties[PROP_SUMMARY] = g_param_spec_string ("summary", NULL, NULL, NULL, read_only);
  properties[PROP_CAN_MOVE_UP] = g_param_spec_boolean ("can-move-up", NULL, NULL, FALSE,
                                                       read_only);
  properties[PROP_CAN_MOVE_DOWN] = g_param_spec_boolean ("can-move-down", NULL, NULL, FALSE,
                                                         read_only);
  properties[PROP_VARIANT] = g_param_spec_uint ("variant", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_block_item_init (CepBlockItem *self)
{
  self->fields = g_list_store_new (CEP_TYPE_BLOCK_FIELD);
}

/* One CepBlockField per field of @table, replacing the ones there were. */
static void
build_fields (CepBlockItem        *self,
              const CepFieldTable *table)
{
  g_autoptr (GPtrArray) holders = g_ptr_array_new_with_free_func (g_object_unref);

  self->table = table;
  for (guint i = 0; i < table->n_fields; i++)
    g_ptr_array_add (holders, cep_block_field_new (self, &table->fields[i]));
  g_list_store_splice (self->fields, 0, g_list_model_get_n_items (G_LIST_MODEL (self->fields)),
                       holders->pdata, holders->len);
}

CepBlockItem *
cep_block_item_new (CepModelSettings *settings,
                    guint             position)
{
  CepBlockItem *self;
  const CepBlock *block;

  g_return_val_if_fail (CEP_IS_MODEL_SETTINGS (settings), NULL);

  self = g_object_new (CEP_TYPE_BLOCK_ITEM, NULL);
  self->settings = settings;
  self->position = position;
  block = cep_block_item_get_block (self);
  g_return_val_if_fail (block != NULL, self);
  self->kind = block->kind;
  self->variants = cep_block_type_list_variants (cep_block_type_of (block));
  build_fields (self, cep_block_type_fields_of (block));
  return self;
}

gboolean
cep_block_item_fits (CepBlockItem   *self,
                     const CepBlock *block)
{
  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (self), FALSE);
  return block != NULL && block->kind == self->kind;
}

guint
cep_block_item_get_position (CepBlockItem *self)
{
  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (self), 0);
  return self->position;
}

const CepBlock *
cep_block_item_get_block (CepBlockItem *self)
{
  const CepModelSpec *spec;

  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (self), NULL);

  if (self->settings == NULL)
    return NULL;
  spec = cep_model_settings_get_spec (self->settings);
  if (spec == NULL || self->position >= cep_model_spec_get_n_blocks (spec))
    return NULL;
  return cep_model_spec_get_block (spec, self->position);
}

const CepBlockType *
cep_block_item_get_type_info (CepBlockItem *self)
{
  const CepBlock *block = cep_block_item_get_block (self);

  return block != NULL ? cep_block_type_of (block) : NULL;
}

const char * const *
cep_block_item_get_variants (CepBlockItem *self)
{
  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (self), NULL);
  return (const char * const *) self->variants;
}

GListModel *
cep_block_item_get_fields (CepBlockItem *self)
{
  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (self), NULL);
  return G_LIST_MODEL (self->fields);
}

void
cep_block_item_set_block (CepBlockItem   *self,
                          const CepBlock *block)
{
  g_return_if_fail (CEP_IS_BLOCK_ITEM (self));

  if (self->settings != NULL)
    cep_model_settings_set_block (self->settings, self->position, block);
}

void
cep_block_item_refresh (CepBlockItem *self)
{
  const CepBlock *block = cep_block_item_get_block (self);
  guint n;

  g_return_if_fail (CEP_IS_BLOCK_ITEM (self));

  /* Another variant of the kind (LeakyReLU after ReLU) may have other fields: the rows for
   * them are rebuilt, the row of the block itself stays. */
  if (block != NULL && cep_block_type_fields_of (block) != self->table)
    build_fields (self, cep_block_type_fields_of (block));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepBlockField) holder = g_list_model_get_item (G_LIST_MODEL (self->fields), i);

      cep_block_field_refresh (holder);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
cep_block_item_detach (CepBlockItem *self)
{
  g_return_if_fail (CEP_IS_BLOCK_ITEM (self));
  self->settings = NULL;
}
