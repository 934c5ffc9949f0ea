/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-field.c: a block's field as a property, read from and written to the block.
 */
#define G_LOG_DOMAIN "cepstra-block-field"

#include "cep-block-field.h"

#include <math.h>

#include "cep-block-item.h"

struct _CepBlockField
{
  GObject         parent_instance;

  CepBlockItem   *item;     /* weak: the item owns its fields */
  const CepField *field;
};

enum
{
  PROP_0,
  PROP_VALUE,
  PROP_ACTIVE,
  PROP_SELECTED,
  PROP_RELEVANT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepBlockField, cep_block_field, G_TYPE_OBJECT)

#define FIELD_AT(base, field, type) ((type *) ((guint8 *) (base) + (field)->offset))

static double
read_number (const CepField *field,
             const CepBlock *block)
{
  switch (field->type)
    {
    case CEP_FIELD_UINT: return *FIELD_AT (block, field, guint);
    case CEP_FIELD_UINT64: return (double) *FIELD_AT (block, field, guint64);
    case CEP_FIELD_DOUBLE: return *FIELD_AT (block, field, double);
    default: return 0;
    }
}

/* Writes @number into @block's field; FALSE when it already held it. */
static gboolean
write_number (const CepField *field,
              CepBlock       *block,
              double          number)
{
  double old = read_number (field, block);

  switch (field->type)
    {
    case CEP_FIELD_UINT:
      *FIELD_AT (block, field, guint) = (guint) CLAMP (llround (number), 0, G_MAXUINT);
      break;
    case CEP_FIELD_UINT64:
      *FIELD_AT (block, field, guint64) = (guint64) MAX (llround (number), 0);
      break;
    case CEP_FIELD_DOUBLE:
      *FIELD_AT (block, field, double) = number;
      break;
    default:
      return FALSE;
    }
  return read_number (field, block) != old;
}

static void
cep_block_field_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CepBlockField *self = CEP_BLOCK_FIELD (object);
  const CepBlock *block = self->item != NULL ? cep_block_item_get_block (self->item) : NULL;
  const CepField *field = self->field;
  gboolean is_flag = field->type == CEP_FIELD_BOOL;
  gboolean is_choice = field->type == CEP_FIELD_ENUM;

  switch (prop_id)
    {
    case PROP_VALUE:
      g_value_set_double (value, block != NULL ? read_number (field, block) : 0);
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, block != NULL && is_flag && *FIELD_AT (block, field, gboolean));
      break;
    case PROP_SELECTED:
      g_value_set_uint (value, block != NULL && is_choice ? (guint) *FIELD_AT (block, field, int)
                                                          : 0);
      break;
    case PROP_RELEVANT:
      g_value_set_boolean (value, block != NULL
                                  && (field->relevant == NULL || field->relevant (block)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static guint
n_choices (const CepField *field)
{
  return field->choices != NULL ? g_strv_length ((char **) field->choices) : 0;
}

/* Writes @value into a copy of the block; FALSE when nothing changes. */
static gboolean
write_field (CepBlockField *self,
             guint          prop_id,
             const GValue  *value,
             CepBlock      *block)
{
  const CepField *field = self->field;

  switch (prop_id)
    {
    case PROP_VALUE:
      return write_number (field, block, g_value_get_double (value));
    case PROP_ACTIVE:
      if (field->type != CEP_FIELD_BOOL
          || *FIELD_AT (block, field, gboolean) == g_value_get_boolean (value))
        return FALSE;
      *FIELD_AT (block, field, gboolean) = g_value_get_boolean (value);
      return TRUE;
    case PROP_SELECTED:
      /* A combo row with nothing selected says GTK_INVALID_LIST_POSITION. */
      if (field->type != CEP_FIELD_ENUM || g_value_get_uint (value) >= n_choices (field)
          || (guint) *FIELD_AT (block, field, int) == g_value_get_uint (value))
        return FALSE;
      *FIELD_AT (block, field, int) = (int) g_value_get_uint (value);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
cep_block_field_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CepBlockField *self = CEP_BLOCK_FIELD (object);
  const CepBlock *current = self->item != NULL ? cep_block_item_get_block (self->item) : NULL;
  CepBlock block;

  if (prop_id == 0 || prop_id >= N_PROPS || prop_id == PROP_RELEVANT)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (current == NULL)
    return;
  block = *current;
  /* The item's settings object tells the session, which notifies this property back. */
  if (write_field (self, prop_id, value, &block))
    cep_block_item_set_block (self->item, &block);
}

static void
cep_block_field_dispose (GObject *object)
{
  CepBlockField *self = CEP_BLOCK_FIELD (object);

  g_clear_weak_pointer (&self->item);
  G_OBJECT_CLASS (cep_block_field_parent_class)->dispose (object);
}

static void
cep_block_field_class_init (CepBlockFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cep_block_field_get_property;
  object_class->set_property = cep_block_field_set_property;
  object_class->dispose = cep_block_field_dispose;
  properties[PROP_VALUE] = g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE,
                                                0, flags);
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);
  properties[PROP_SELECTED] = g_param_spec_uint ("selected", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_RELEVANT] = g_param_spec_boolean ("relevant", NULL, NULL, TRUE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_block_field_init (CepBlockField *self)
{
}

CepBlockField *
cep_block_field_new (CepBlockItem   *item,
                     const CepField *field)
{
  CepBlockField *self;

  g_return_val_if_fail (CEP_IS_BLOCK_ITEM (item), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  self = g_object_new (CEP_TYPE_BLOCK_FIELD, NULL);
  g_set_weak_pointer (&self->item, item);
  self->field = field;
  return self;
}

const CepField *
cep_block_field_get_field (CepBlockField *self)
{
  g_return_val_if_fail (CEP_IS_BLOCK_FIELD (self), NULL);
  return self->field;
}

const char *
cep_block_field_get_property_name (CepBlockField *self)
{
  g_return_val_if_fail (CEP_IS_BLOCK_FIELD (self), NULL);

  switch (self->field->type)
    {
    case CEP_FIELD_BOOL: return "active";
    case CEP_FIELD_ENUM: return "selected";
    default: return "value";
    }
}

void
cep_block_field_refresh (CepBlockField *self)
{
  g_return_if_fail (CEP_IS_BLOCK_FIELD (self));

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}
