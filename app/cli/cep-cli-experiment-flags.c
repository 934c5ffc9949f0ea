/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-experiment-flags.c: experiment settings as train flags (see the header).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-experiment-flags.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "cep-model-presets.h"

void
cep_cli_experiment_flags_init (CepCliExperimentFlags *flags)
{
  *flags = (CepCliExperimentFlags) {
    .depth = -1, .label_smoothing = -1, .weight_decay = -1, .momentum = -1, .clip = -1,
    .warmup = -1, .step_size = -1, .gamma = -1, .t_max = -1, .factor = -1, .patience = -1,
  };
  cep_cli_mask_flags_init (&flags->masks);
}

void
cep_cli_experiment_flags_clear (CepCliExperimentFlags *flags)
{
  g_clear_pointer (&flags->shape, g_free);
  g_clear_pointer (&flags->budget, g_free);
  g_clear_pointer (&flags->param_limit, g_free);
  g_clear_pointer (&flags->optimizer, g_free);
  g_clear_pointer (&flags->schedule, g_free);
  cep_cli_number_clear_texts (flags->number_texts, G_N_ELEMENTS (flags->number_texts));
  cep_cli_mask_flags_clear (&flags->masks);
}

#define ENTRY(name, kind, field, help, arg) \
  { name, 0, 0, G_OPTION_ARG_##kind, &flags->field, help, arg }
/* Whole numbers in [min, max]; numbers from min (excluded when min_open) up to max. Only the
 * sign and finiteness matter here (a negative value would read as "not given"): core's
 * cep_experiment_validate() checks each against its field's own range. */
#define WHOLE(name, field, min, help, arg) \
  { name, help, arg, TRUE, G_STRUCT_OFFSET (CepCliExperimentFlags, field), min, G_MAXINT32, \
    FALSE, FALSE }
#define NUMBER(name, field, help, arg) \
  { name, help, arg, FALSE, G_STRUCT_OFFSET (CepCliExperimentFlags, field), 0, 1e12, FALSE, \
    FALSE }

static const CepCliNumberSpec number_specs[] = {
  WHOLE ("depth", depth, 1, N_("Hidden layers of a --shape model (default 6)"), "N"),
  NUMBER ("label-smoothing", label_smoothing, N_("Label smoothing in [0, 1) (default 0)"), "S"),
  NUMBER ("weight-decay", weight_decay, N_("Weight decay (default 0.01)"), "W"),
  NUMBER ("momentum", momentum, N_("SGD momentum (default 0)"), "M"),
  NUMBER ("clip", clip, N_("Clip the global gradient norm (default 0: off)"), "NORM"),
  WHOLE ("warmup", warmup, 0, N_("Warm-up steps of the learning rate (default 0)"), "N"),
  WHOLE ("step-size", step_size, 1, N_("step: epochs between decays (default 1)"), "N"),
  NUMBER ("gamma", gamma, N_("step: decay factor (default 0.1)"), "G"),
  WHOLE ("t-max", t_max, 1, N_("cosine: period in epochs (default: the run's)"), "N"),
  NUMBER ("factor", factor, N_("plateau: decay factor (default 0.1)"), "F"),
  WHOLE ("patience", patience, 0, N_("plateau: epochs without improvement (default 10)"), "N"),
};
#undef WHOLE
#undef NUMBER

G_STATIC_ASSERT (G_N_ELEMENTS (number_specs)
                 == G_N_ELEMENTS (((CepCliExperimentFlags *) NULL)->number_texts));

void
cep_cli_experiment_flags_add_entries (CepCliExperimentFlags *flags,
                                      GArray                *entries)
{
  const GOptionEntry added[] = {
    ENTRY ("shape", STRING, shape, N_("Model shape archetype: cylinder, pyramid, "
              "inverse_pyramid or diamond, filling --budget"), "SHAPE"),
    ENTRY ("budget", STRING, budget, N_("Parameters of a --shape model (e.g. 2M, 500k; "
              "default 20M)"), "N"),
    ENTRY ("param-limit", STRING, param_limit, N_("Refuse models with more parameters "
              "(default 20M; 0 = no limit)"), "N"),
    ENTRY ("optimizer", STRING, optimizer, N_("adamw, adam or sgd (default adamw)"), "NAME"),
    ENTRY ("nesterov", NONE, nesterov, N_("SGD with Nesterov momentum"), NULL),
    ENTRY ("schedule", STRING, schedule, N_("constant, step, cosine or plateau (default "
              "constant)"), "NAME"),
  };

  g_array_append_vals (entries, added, G_N_ELEMENTS (added));
  cep_cli_number_add_entries (number_specs, G_N_ELEMENTS (number_specs), flags->number_texts,
                              entries);
  cep_cli_mask_flags_add_entries (&flags->masks, entries);
}

gboolean
cep_cli_experiment_flags_parse (CepCliExperimentFlags  *flags,
                                GError                **error)
{
  return cep_cli_number_parse_specs (number_specs, G_N_ELEMENTS (number_specs),
                                     flags->number_texts, flags, error)
         && cep_cli_mask_flags_parse (&flags->masks, error);
}

gboolean
cep_cli_experiment_flags_any (const CepCliExperimentFlags *flags)
{
  const int ints[] = {
    flags->depth, flags->warmup, flags->step_size, flags->t_max, flags->patience,
  };
  const double doubles[] = {
    flags->label_smoothing, flags->weight_decay, flags->momentum, flags->clip, flags->gamma,
    flags->factor,
  };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    if (ints[i] >= 0)
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    if (doubles[i] >= 0)
      return TRUE;
  return flags->shape != NULL || flags->budget != NULL || flags->param_limit != NULL
         || flags->optimizer != NULL || flags->schedule != NULL || flags->nesterov
         || cep_cli_mask_flags_any (&flags->masks);
}

gboolean
cep_cli_parse_count (const char *text,
                     guint64    *count)
{
  char *end = NULL;
  double value;
  double scale = 1;

  if (text == NULL || *text == '\0')
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end != NULL && (*end == 'k' || *end == 'K'))
    scale = 1e3, end++;
  else if (end != NULL && (*end == 'm' || *end == 'M'))
    scale = 1e6, end++;
  if (end == text || *end != '\0' || !isfinite (value) || value < 0 || value * scale > 1e12)
    return FALSE;
  *count = (guint64) llround (value * scale);
  return TRUE;
}

static gboolean
usage (GError    **error,
       const char *flag,
       const char *value,
       const char *expected)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--%s “%s”: expected %s"),
               flag, value, expected);
  return FALSE;
}

static gboolean
apply_shape (const CepCliExperimentFlags  *flags,
             CepExperiment                *experiment,
             GError                      **error)
{
  CepShape shape;
  CepShapeOptions options;
  CepModelSpec *spec;
  const CepModelSpec *old = experiment->model;

  if (!cep_shape_from_name (flags->shape, &shape))
    return usage (error, "shape", flags->shape,
                  _("cylinder, pyramid, inverse_pyramid or diamond"));
  cep_shape_options_init (&options, shape);
  options.context = old->context;
  options.context_past = cep_model_spec_get_context_past (old);
  options.context_future = cep_model_spec_get_context_future (old);
  options.feature_dim = old->feature_dim;
  options.n_classes = cep_model_spec_get_n_classes (old);
  if (flags->depth >= 0)
    options.depth = (guint) flags->depth;
  if (flags->budget != NULL && !cep_cli_parse_count (flags->budget, &options.budget))
    return usage (error, "budget", flags->budget, _("a count such as 2M or 500k"));
  /* The Model page's rule: small budgets need a finer width grid to be met at all. */
  options.multiple = options.budget < 2000000 ? 8 : 64;
  spec = cep_model_shape_new (&options, error);
  if (spec == NULL)
    return FALSE;
  spec->label_smoothing = old->label_smoothing;
  spec->param_limit = old->param_limit;
  cep_experiment_set_model (experiment, spec);
  return TRUE;
}

static gboolean
apply_model (const CepCliExperimentFlags  *flags,
             CepExperiment                *experiment,
             GError                      **error)
{
  guint64 limit;

  if ((flags->budget != NULL || flags->depth >= 0) && flags->shape == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--budget and --depth go with --shape"));
      return FALSE;
    }
  if (flags->param_limit != NULL)
    {
      if (!cep_cli_parse_count (flags->param_limit, &limit))
        return usage (error, "param-limit", flags->param_limit, _("a count such as 20M"));
      experiment->model->param_limit = limit;
    }
  if (flags->label_smoothing >= 0)
    experiment->model->label_smoothing = flags->label_smoothing;
  return flags->shape == NULL || apply_shape (flags, experiment, error);
}

static gboolean
apply_optimizer (const CepCliExperimentFlags  *flags,
                 CepExperimentTrain           *train,
                 GError                      **error)
{
  if (flags->optimizer != NULL
      && !cep_experiment_optimizer_from_name (flags->optimizer, &train->optimizer.kind))
    return usage (error, "optimizer", flags->optimizer, _("adamw, adam or sgd"));
  if (flags->weight_decay >= 0)
    train->optimizer.weight_decay = flags->weight_decay;
  if (flags->momentum >= 0)
    train->optimizer.momentum = flags->momentum;
  if (flags->nesterov)
    train->optimizer.nesterov = TRUE;
  if (flags->clip >= 0)
    train->grad_clip_norm = flags->clip;
  return TRUE;
}

static gboolean
apply_schedule (const CepCliExperimentFlags  *flags,
                CepExperimentSchedule        *schedule,
                GError                      **error)
{
  if (flags->schedule != NULL && !cep_experiment_schedule_from_name (flags->schedule,
                                                                     &schedule->kind))
    return usage (error, "schedule", flags->schedule, _("constant, step, cosine or plateau"));
  if (flags->warmup >= 0)
    schedule->warmup_steps = (guint) flags->warmup;
  if (flags->step_size >= 0)
    schedule->step_size = (guint) flags->step_size;
  if (flags->gamma >= 0)
    schedule->gamma = flags->gamma;
  if (flags->t_max >= 0)
    schedule->t_max = (guint) flags->t_max;
  if (flags->factor >= 0)
    schedule->factor = flags->factor;
  if (flags->patience >= 0)
    schedule->patience = (guint) flags->patience;
  return TRUE;
}

gboolean
cep_cli_experiment_flags_apply (const CepCliExperimentFlags  *flags,
                                CepExperiment                *experiment,
                                GError                      **error)
{
  if (!apply_model (flags, experiment, error)
      || !apply_optimizer (flags, &experiment->train, error)
      || !apply_schedule (flags, &experiment->train.schedule, error))
    return FALSE;
  cep_cli_mask_flags_apply (&flags->masks, &experiment->augment);
  return cep_experiment_validate (experiment, error);
}
