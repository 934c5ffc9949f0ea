/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-settings.c: training settings as notifying properties over the session's
 * experiment. One table describes every property: its name, its kind and where it lives in
 * CepExperiment, so a new setting is one row here and one binding in a page.
 */
#define G_LOG_DOMAIN "cepstra-train-settings"

#include "cep-train-settings.h"

#include <stddef.h>

typedef enum
{
  FIELD_DOUBLE,
  FIELD_UINT,
  FIELD_ENUM,      /* an int-sized enumeration, exposed as guint */
  FIELD_UINT64,
  FIELD_BOOLEAN,
  FIELD_PERCENT,   /* a fraction in the experiment, per cent as a property */
} FieldKind;

typedef struct
{
  const char       *name;
  FieldKind         kind;
  gsize             offset;
  double            minimum;
  double            maximum;
  CepSessionChange  change;
  const char       *path;      /* where experiment.json writes it (an assignment's rules) */
} Field;

#define AT(member) offsetof (CepExperiment, member)
#define TRAIN CEP_SESSION_CHANGED_TRAIN
#define AUGMENT CEP_SESSION_CHANGED_AUGMENT

static const Field fields[] = {
  { "optimizer", FIELD_ENUM, AT (train.optimizer.kind), 0, CEP_EXPERIMENT_OPTIMIZER_SGD, TRAIN,
    "train.optimizer.type" },
  { "lr", FIELD_DOUBLE, AT (train.optimizer.lr), 0, 1e6, TRAIN, "train.optimizer.lr" },
  { "weight-decay", FIELD_DOUBLE, AT (train.optimizer.weight_decay), 0, 1e6, TRAIN,
    "train.optimizer.weight_decay" },
  { "momentum", FIELD_DOUBLE, AT (train.optimizer.momentum), 0, 1, TRAIN,
    "train.optimizer.momentum" },
  { "clip", FIELD_DOUBLE, AT (train.grad_clip_norm), 0, 1e9, TRAIN, "train.grad_clip_norm" },
  { "schedule", FIELD_ENUM, AT (train.schedule.kind), 0, CEP_EXPERIMENT_SCHEDULE_PLATEAU, TRAIN,
    "train.schedule.type" },
  { "warmup-steps", FIELD_UINT, AT (train.schedule.warmup_steps), 0, G_MAXUINT, TRAIN,
    "train.schedule.warmup_steps" },
  { "step-size", FIELD_UINT, AT (train.schedule.step_size), 0, G_MAXUINT, TRAIN,
    "train.schedule.step_size" },
  { "gamma", FIELD_DOUBLE, AT (train.schedule.gamma), 0, 1e6, TRAIN, "train.schedule.gamma" },
  { "t-max", FIELD_UINT, AT (train.schedule.t_max), 0, G_MAXUINT, TRAIN, "train.schedule.t_max" },
  { "factor", FIELD_DOUBLE, AT (train.schedule.factor), 0, 1, TRAIN, "train.schedule.factor" },
  { "patience", FIELD_UINT, AT (train.schedule.patience), 0, G_MAXUINT, TRAIN,
    "train.schedule.patience" },
  { "batch-size", FIELD_UINT, AT (train.batch_size), 0, G_MAXUINT, TRAIN, "train.batch_size" },
  { "epochs", FIELD_UINT, AT (train.epochs), 0, G_MAXUINT, TRAIN, "train.epochs" },
  { "subset-percent", FIELD_PERCENT, AT (data.subset_fraction), 0, 100, TRAIN,
    "data.subset_fraction" },
  { "seed", FIELD_UINT64, AT (seed), 0, (double) G_MAXINT64, TRAIN, "seed" },
  { "augment", FIELD_BOOLEAN, AT (augment.enabled), 0, 1, AUGMENT, "augment.enabled" },
  { "freq-masks-max", FIELD_UINT, AT (augment.freq_masks_max), 0, G_MAXUINT, AUGMENT,
    "augment.freq_masks_max" },
  { "freq-width-min", FIELD_UINT, AT (augment.freq_width_min), 0, G_MAXUINT, AUGMENT,
    "augment.freq_width_min" },
  { "freq-width-max", FIELD_UINT, AT (augment.freq_width_max), 0, G_MAXUINT, AUGMENT,
    "augment.freq_width_max" },
  { "time-masks-max", FIELD_UINT, AT (augment.time_masks_max), 0, G_MAXUINT, AUGMENT,
    "augment.time_masks_max" },
  { "time-width-min", FIELD_UINT, AT (augment.time_width_min), 0, G_MAXUINT, AUGMENT,
    "augment.time_width_min" },
  { "time-width-max", FIELD_UINT, AT (augment.time_width_max), 0, G_MAXUINT, AUGMENT,
    "augment.time_width_max" },
  { "mask-probability", FIELD_DOUBLE, AT (augment.probability), 0, 1, AUGMENT,
    "augment.probability" },
  { "per-batch", FIELD_BOOLEAN, AT (augment.per_batch), 0, 1, AUGMENT, "augment.per_batch" },
};

#define N_PROPS (G_N_ELEMENTS (fields) + 1)   /* + PROP_0 */

struct _CepTrainSettings
{
  GObject     parent_instance;

  CepSession *session;
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepTrainSettings, cep_train_settings, G_TYPE_OBJECT)

static gpointer
field_address (CepTrainSettings *self,
               const Field      *field)
{
  return (char *) cep_session_get_experiment (self->session) + field->offset;
}

static void
field_get (CepTrainSettings *self,
           const Field      *field,
           GValue           *value)
{
  gpointer address = field_address (self, field);

  switch (field->kind)
    {
    case FIELD_DOUBLE: g_value_set_double (value, *(double *) address); break;
    case FIELD_PERCENT: g_value_set_double (value, *(double *) address * 100); break;
    case FIELD_UINT: g_value_set_uint (value, *(guint *) address); break;
    case FIELD_ENUM: g_value_set_uint (value, (guint) *(int *) address); break;
    case FIELD_UINT64: g_value_set_uint64 (value, *(guint64 *) address); break;
    case FIELD_BOOLEAN: g_value_set_boolean (value, *(gboolean *) address); break;
    default: g_assert_not_reached ();
    }
}

/* Writes @value; FALSE when the experiment already held it. */
static gboolean
field_set (CepTrainSettings *self,
           const Field      *field,
           const GValue     *value)
{
  gpointer address = field_address (self, field);
  double fraction;

  switch (field->kind)
    {
    case FIELD_DOUBLE:
      if (*(double *) address == g_value_get_double (value))
        return FALSE;
      *(double *) address = g_value_get_double (value);
      return TRUE;
    case FIELD_PERCENT:
      fraction = g_value_get_double (value) / 100.0;
      if (*(double *) address == fraction)
        return FALSE;
      *(double *) address = fraction;
      return TRUE;
    case FIELD_UINT:
      if (*(guint *) address == g_value_get_uint (value))
        return FALSE;
      *(guint *) address = g_value_get_uint (value);
      return TRUE;
    case FIELD_ENUM:
      if ((guint) *(int *) address == g_value_get_uint (value))
        return FALSE;
      *(int *) address = (int) g_value_get_uint (value);
      return TRUE;
    case FIELD_UINT64:
      if (*(guint64 *) address == g_value_get_uint64 (value))
        return FALSE;
      *(guint64 *) address = g_value_get_uint64 (value);
      return TRUE;
    case FIELD_BOOLEAN:
      if (*(gboolean *) address == g_value_get_boolean (value))
        return FALSE;
      *(gboolean *) address = g_value_get_boolean (value);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/* Rules that keep the experiment valid whatever order the fields change in. */
static void
keep_consistent (CepExperiment *experiment)
{
  /* Nesterov needs momentum. */
  if (experiment->train.optimizer.momentum == 0)
    experiment->train.optimizer.nesterov = FALSE;
}

static void
cep_train_settings_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CepTrainSettings *self = CEP_TRAIN_SETTINGS (object);

  if (prop_id == 0 || prop_id >= N_PROPS || self->session == NULL)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  field_get (self, &fields[prop_id - 1], value);
}

static void
cep_train_settings_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CepTrainSettings *self = CEP_TRAIN_SETTINGS (object);
  const Field *field;

  if (prop_id == 0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  field = &fields[prop_id - 1];
  if (self->session == NULL || !field_set (self, field, value))
    return;
  keep_consistent (cep_session_get_experiment (self->session));
  /* The session tells every page; on_experiment_changed notifies this property. */
  cep_session_experiment_changed (self->session, field->change);
}

/* Whoever changed the experiment (this object, another page, a run's settings replacing it),
 * every property is notified; bindings skip values their widget already shows. */
static void
on_experiment_changed (CepSession       *session,
                       guint             what,
                       CepTrainSettings *self)
{
  if (!(what & (CEP_SESSION_CHANGED_TRAIN | CEP_SESSION_CHANGED_AUGMENT)))
    return;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
cep_train_settings_dispose (GObject *object)
{
  CepTrainSettings *self = CEP_TRAIN_SETTINGS (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (cep_train_settings_parent_class)->dispose (object);
}

static GParamSpec *
field_pspec (const Field *field)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  switch (field->kind)
    {
    case FIELD_DOUBLE:
    case FIELD_PERCENT:
      return g_param_spec_double (field->name, NULL, NULL, field->minimum, field->maximum, 0,
                                  flags);
    case FIELD_UINT:
    case FIELD_ENUM:
      return g_param_spec_uint (field->name, NULL, NULL, (guint) field->minimum,
                                (guint) field->maximum, 0, flags);
    case FIELD_UINT64:
      return g_param_spec_uint64 (field->name, NULL, NULL, 0, G_MAXINT64, 0, flags);
    case FIELD_BOOLEAN:
      return g_param_spec_boolean (field->name, NULL, NULL, FALSE, flags);
    default:
      g_assert_not_reached ();
    }
}

static void
cep_train_settings_class_init (CepTrainSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cep_train_settings_get_property;
  object_class->set_property = cep_train_settings_set_property;
  object_class->dispose = cep_train_settings_dispose;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    properties[i + 1] = field_pspec (&fields[i]);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_train_settings_init (CepTrainSettings *self)
{
}

CepTrainSettings *
cep_train_settings_new (CepSession *session)
{
  CepTrainSettings *self;

  g_return_val_if_fail (CEP_IS_SESSION (session), NULL);

  self = g_object_new (CEP_TYPE_TRAIN_SETTINGS, NULL);
  self->session = g_object_ref (session);
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  return self;
}

const char *
cep_train_settings_get_path (const char *property,
                             double     *scale)
{
  g_return_val_if_fail (property != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, property))
      {
        if (scale != NULL)
          *scale = fields[i].kind == FIELD_PERCENT ? 100 : 1;
        return fields[i].path;
      }
  return NULL;
}

CepSession *
cep_train_settings_get_session (CepTrainSettings *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_SETTINGS (self), NULL);
  return self->session;
}

void
cep_train_settings_set_backend (CepTrainSettings *self,
                                const char       *backend,
                                const char       *device)
{
  CepExperiment *experiment;

  g_return_if_fail (CEP_IS_TRAIN_SETTINGS (self));
  g_return_if_fail (backend != NULL);

  experiment = cep_session_get_experiment (self->session);
  if (g_strcmp0 (experiment->train.backend, backend) == 0
      && g_strcmp0 (experiment->train.device, device) == 0)
    return;
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup (backend);
  g_free (experiment->train.device);
  experiment->train.device = g_strdup (device);
  cep_session_experiment_changed (self->session, CEP_SESSION_CHANGED_TRAIN);
}
