/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-settings.c: the model's settings and its block list over the session's experiment.
 */
#define G_LOG_DOMAIN "cepstra-model-settings"

#include "cep-model-settings.h"

#include <math.h>

#include "cep-block-item.h"

struct _CepModelSettings
{
  GObject     parent_instance;

  CepSession *session;
  GListStore *blocks;        /* of CepBlockItem */
};

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_CONTEXT_PAST,
  PROP_CONTEXT_FUTURE,
  PROP_LABEL_SMOOTHING,
  PROP_PARAM_LIMIT,
  PROP_INIT,
  PROP_NAME,
  PROP_N_CLASSES,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_EDITED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepModelSettings, cep_model_settings, G_TYPE_OBJECT)

static CepModelSpec *
spec_of (CepModelSettings *self)
{
  return self->session != NULL ? cep_session_get_experiment (self->session)->model : NULL;
}

/* Tells every page; on_experiment_changed notifies the properties and items back. */
static void
commit (CepModelSettings *self,
        const char       *what)
{
  cep_session_experiment_changed (self->session, CEP_SESSION_CHANGED_MODEL);
  g_signal_emit (self, signals[SIGNAL_EDITED], g_quark_from_string (what), what);
}

/* ---- the block list ---- */

/* An item's row is built for its block's kind; a block of another kind needs a new item,
 * any other change only a notification. */
static gboolean
item_still_fits (CepModelSettings *self,
                 guint             position)
{
  g_autoptr (CepBlockItem) item = g_list_model_get_item (G_LIST_MODEL (self->blocks), position);

  return cep_block_item_fits (item, cep_model_spec_get_block (spec_of (self), position));
}

static void
detach_items (CepModelSettings *self,
              guint             from)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->blocks));

  for (guint i = from; i < n; i++)
    {
      g_autoptr (CepBlockItem) item = g_list_model_get_item (G_LIST_MODEL (self->blocks), i);

      cep_block_item_detach (item);
    }
}

static void
sync_blocks (CepModelSettings *self)
{
  const CepModelSpec *spec = spec_of (self);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->blocks));
  guint n_new = spec != NULL ? cep_model_spec_get_n_blocks (spec) : 0;
  guint first = 0;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  while (first < MIN (n_old, n_new) && item_still_fits (self, first))
    first++;
  for (guint i = 0; i < first; i++)
    {
      g_autoptr (CepBlockItem) item = g_list_model_get_item (G_LIST_MODEL (self->blocks), i);

      cep_block_item_refresh (item);
    }
  if (first == n_old && first == n_new)
    return;
  detach_items (self, first);
  for (guint i = first; i < n_new; i++)
    g_ptr_array_add (items, cep_block_item_new (self, i));
  g_list_store_splice (self->blocks, first, n_old - first, items->pdata, items->len);
}

static void
on_experiment_changed (CepSession       *session,
                       guint             what,
                       CepModelSettings *self)
{
  if (!(what & CEP_SESSION_CHANGED_MODEL))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  sync_blocks (self);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---- properties ---- */

static void
cep_model_settings_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CepModelSpec *spec = spec_of (CEP_MODEL_SETTINGS (object));

  if (spec == NULL)
    {
      g_param_value_set_default (pspec, value);
      return;
    }
  switch (prop_id)
    {
    case PROP_CONTEXT: g_value_set_uint (value, spec->context); break;
    case PROP_CONTEXT_PAST:
      g_value_set_uint (value, cep_model_spec_get_context_past (spec));
      break;
    case PROP_CONTEXT_FUTURE:
      g_value_set_uint (value, cep_model_spec_get_context_future (spec));
      break;
    case PROP_LABEL_SMOOTHING: g_value_set_double (value, spec->label_smoothing); break;
    case PROP_PARAM_LIMIT: g_value_set_double (value, spec->param_limit / 1e6); break;
    case PROP_INIT: g_value_set_uint (value, spec->head.init); break;
    case PROP_NAME: g_value_set_string (value, spec->name); break;
    case PROP_N_CLASSES: g_value_set_uint (value, cep_model_spec_get_n_classes (spec)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The initialization applies to every Linear (every block with an "init" choice) and the
 * head, as one setting. */
static gboolean
set_init (CepModelSpec *spec,
          CepInit       init)
{
  gboolean changed = spec->head.init != init;

  spec->head.init = init;
  for (guint i = 0; i < spec->blocks->len; i++)
    {
      CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);
      const CepFieldTable *table = cep_block_type_fields_of (block);

      for (guint f = 0; f < table->n_fields; f++)
        if (table->fields[f].choices == cep_init_names
            && *(int *) ((guint8 *) block + table->fields[f].offset) != (int) init)
          {
            *(int *) ((guint8 *) block + table->fields[f].offset) = (int) init;
            changed = TRUE;
          }
    }
  return changed;
}

/* K makes the window symmetric; a side keeps the other one. FALSE when nothing changed. */
static gboolean
write_context (CepModelSpec *spec,
               guint         prop_id,
               guint         frames)
{
  guint past = cep_model_spec_get_context_past (spec);
  guint future = cep_model_spec_get_context_future (spec);

  if (prop_id == PROP_CONTEXT)
    past = future = frames;
  else if (prop_id == PROP_CONTEXT_PAST)
    past = frames;
  else
    future = frames;
  if (past == cep_model_spec_get_context_past (spec)
      && future == cep_model_spec_get_context_future (spec))
    return FALSE;
  cep_model_spec_set_context_window (spec, past, future);
  return TRUE;
}

/* Writes @value; FALSE when the model already held it. */
static gboolean
write_property (CepModelSpec *spec,
                guint         prop_id,
                const GValue *value)
{
  guint64 limit;

  switch (prop_id)
    {
    case PROP_CONTEXT:
    case PROP_CONTEXT_PAST:
    case PROP_CONTEXT_FUTURE:
      return write_context (spec, prop_id, g_value_get_uint (value));
    case PROP_LABEL_SMOOTHING:
      if (spec->label_smoothing == g_value_get_double (value))
        return FALSE;
      spec->label_smoothing = g_value_get_double (value);
      return TRUE;
    case PROP_PARAM_LIMIT:
      limit = (guint64) llround (g_value_get_double (value) * 1e6);
      if (spec->param_limit == limit)
        return FALSE;
      spec->param_limit = limit;
      return TRUE;
    case PROP_INIT:
      return g_value_get_uint (value) < CEP_INIT_COUNT
             && set_init (spec, (CepInit) g_value_get_uint (value));
    default:
      return FALSE;
    }
}

static void
cep_model_settings_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CepModelSettings *self = CEP_MODEL_SETTINGS (object);
  CepModelSpec *spec = spec_of (self);

  if (prop_id == 0 || prop_id >= PROP_NAME)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  if (spec != NULL && write_property (spec, prop_id, value))
    commit (self, pspec->name);
}

static void
cep_model_settings_dispose (GObject *object)
{
  CepModelSettings *self = CEP_MODEL_SETTINGS (object);

  detach_items (self, 0);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (cep_model_settings_parent_class)->dispose (object);
}

static void
cep_model_settings_finalize (GObject *object)
{
  CepModelSettings *self = CEP_MODEL_SETTINGS (object);

  g_clear_object (&self->blocks);
  G_OBJECT_CLASS (cep_model_settings_parent_class)->finalize (object);
}

static void
cep_model_settings_class_init (CepModelSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags read_only = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = cep_model_settings_get_property;
  object_class->set_property = cep_model_settings_set_property;
  object_class->dispose = cep_model_settings_dispose;
  object_class->finalize = cep_model_settings_finalize;
  properties[PROP_CONTEXT] = g_param_spec_uint ("context", NULL, NULL, 0, CEP_MODEL_MAX_CONTEXT,
                                                0, flags);
  properties[PROP_CONTEXT_PAST] = g_param_spec_uint ("context-past", NULL, NULL, 0,
                                                     CEP_MODEL_MAX_CONTEXT, 0, flags);
  properties[PROP_CONTEXT_FUTURE] = g_param_spec_uint ("context-future", NULL, NULL, 0,
                                                       CEP_MODEL_MAX_CONTEXT, 0, flags);
  properties[PROP_LABEL_SMOOTHING] = g_param_spec_double ("label-smoothing", NULL, NULL, 0,
                                                          0.999, 0, flags);
  properties[PROP_PARAM_LIMIT] = g_param_spec_double ("param-limit", NULL, NULL, 0, 1e7, 0,
                                                      flags);
  properties[PROP_INIT] = g_param_spec_uint ("init", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, read_only);
  properties[PROP_N_CLASSES] = g_param_spec_uint ("n-classes", NULL, NULL, 0, G_MAXUINT, 0,
                                                  read_only);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 1,
                                         G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cep_model_settings_init (CepModelSettings *self)
{
  self->blocks = g_list_store_new (CEP_TYPE_BLOCK_ITEM);
}

CepModelSettings *
cep_model_settings_new (CepSession *session)
{
  CepModelSettings *self;

  g_return_val_if_fail (CEP_IS_SESSION (session), NULL);

  self = g_object_new (CEP_TYPE_MODEL_SETTINGS, NULL);
  self->session = g_object_ref (session);
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  sync_blocks (self);
  return self;
}

CepSession *
cep_model_settings_get_session (CepModelSettings *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_SETTINGS (self), NULL);
  return self->session;
}

const CepModelSpec *
cep_model_settings_get_spec (CepModelSettings *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_SETTINGS (self), NULL);
  return spec_of (self);
}

GListModel *
cep_model_settings_get_blocks (CepModelSettings *self)
{
  g_return_val_if_fail (CEP_IS_MODEL_SETTINGS (self), NULL);
  return G_LIST_MODEL (self->blocks);
}

/* ---- editing the block list ---- */

void
cep_model_settings_set_block (CepModelSettings *self,
                              guint             position,
                              const CepBlock   *block)
{
  CepModelSpec *spec;

  g_return_if_fail (CEP_IS_MODEL_SETTINGS (self));
  g_return_if_fail (block != NULL);

  spec = spec_of (self);
  g_return_if_fail (spec != NULL && position < spec->blocks->len);
  g_array_index (spec->blocks, CepBlock, position) = *block;
  cep_model_spec_set_name (spec, "custom");
  commit (self, "blocks");
}

/* A new block's required counts (a width of 0 is no block at all) start at the width that
 * reaches its place: a same-width layer is the natural first guess. */
static void
fill_zero_counts (CepBlock           *block,
                  const CepModelSpec *spec,
                  guint               position)
{
  const CepFieldTable *table = cep_block_type_fields_of (block);
  guint width = cep_model_spec_get_block_input_width (spec, position);

  for (guint i = 0; i < table->n_fields; i++)
    {
      const CepField *field = &table->fields[i];
      guint *count = (guint *) ((guint8 *) block + field->offset);

      if (field->type == CEP_FIELD_UINT && field->check == CEP_CHECK_AT_LEAST_ONE && *count == 0)
        *count = (guint) CLAMP (width, MAX (field->min, 1), MAX (field->max, 1));
    }
}

gboolean
cep_model_settings_insert_block (CepModelSettings *self,
                                 guint             position,
                                 const char       *type)
{
  CepModelSpec *spec;
  CepBlock block;

  g_return_val_if_fail (CEP_IS_MODEL_SETTINGS (self), FALSE);
  g_return_val_if_fail (type != NULL, FALSE);

  spec = spec_of (self);
  g_return_val_if_fail (spec != NULL, FALSE);
  if (cep_block_type_parse (type, &block) == NULL || spec->blocks->len >= CEP_MODEL_MAX_BLOCKS)
    return FALSE;
  position = MIN (position, spec->blocks->len);
  fill_zero_counts (&block, spec, position);
  g_array_insert_val (spec->blocks, position, block);
  cep_model_spec_set_name (spec, "custom");
  commit (self, "blocks");
  return TRUE;
}

void
cep_model_settings_remove_block (CepModelSettings *self,
                                 guint             position)
{
  CepModelSpec *spec;

  g_return_if_fail (CEP_IS_MODEL_SETTINGS (self));

  spec = spec_of (self);
  g_return_if_fail (spec != NULL && position < spec->blocks->len);
  g_array_remove_index (spec->blocks, position);
  cep_model_spec_set_name (spec, "custom");
  commit (self, "blocks");
}

void
cep_model_settings_move_block (CepModelSettings *self,
                               guint             position,
                               int               delta)
{
  CepModelSpec *spec;
  int target = (int) position + delta;
  CepBlock moved;

  g_return_if_fail (CEP_IS_MODEL_SETTINGS (self));

  spec = spec_of (self);
  g_return_if_fail (spec != NULL && position < spec->blocks->len);
  if (target < 0 || target >= (int) spec->blocks->len || delta == 0)
    return;
  moved = g_array_index (spec->blocks, CepBlock, position);
  g_array_remove_index (spec->blocks, position);
  g_array_insert_val (spec->blocks, target, moved);
  cep_model_spec_set_name (spec, "custom");
  commit (self, "blocks");
}

void
cep_model_settings_replace (CepModelSettings *self,
                            CepModelSpec     *spec)
{
  g_return_if_fail (CEP_IS_MODEL_SETTINGS (self));
  g_return_if_fail (spec != NULL);

  cep_experiment_set_model (cep_session_get_experiment (self->session), spec);
  commit (self, "blocks");
}
