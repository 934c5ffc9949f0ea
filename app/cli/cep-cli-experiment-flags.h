/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-experiment-flags.h: the experiment settings the window's Model and Train pages and
 * the Data page's masks edit, as `cepstra-cli train` flags — shape archetype and parameter
 * budget, label smoothing and the parameter limit, optimizer, schedule, gradient clipping and
 * every SpecAugment mask option. The flags only fill an experiment; core builds the shape
 * (cep_model_shape_new) and checks everything (cep_experiment_validate).
 */
#pragma once

#include <glib.h>

#include "cep-cli-mask-flags.h"
#include "cep-experiment.h"

G_BEGIN_DECLS

typedef struct
{
  char     *shape;
  char     *budget;
  int       depth;
  double    label_smoothing;
  char     *param_limit;
  char     *optimizer;
  double    weight_decay;
  double    momentum;
  gboolean  nesterov;
  double    clip;
  char     *schedule;
  int       warmup;
  int       step_size;
  double    gamma;
  int       t_max;
  double    factor;
  int       patience;
  char     *number_texts[11];   /* the numeric flags as given, until parsed */
  CepCliMaskFlags masks;
} CepCliExperimentFlags;

/* Every flag "not given". */
void     cep_cli_experiment_flags_init   (CepCliExperimentFlags       *flags);
void     cep_cli_experiment_flags_clear  (CepCliExperimentFlags       *flags);
/* Appends the GOptionEntry of every flag (pointing into @flags) to @entries. */
void     cep_cli_experiment_flags_add_entries (CepCliExperimentFlags *flags,
                                               GArray                *entries);
/* Checks the numbers given, the mask flags' too (a usage error names the flag and its
 * range); before _any() and _apply(). */
gboolean cep_cli_experiment_flags_parse  (CepCliExperimentFlags       *flags,
                                          GError                     **error);
gboolean cep_cli_experiment_flags_any    (const CepCliExperimentFlags *flags);
/* Fills @experiment from the flags given; the shape is built for the model's context and
 * feature dimension as they are now. A usage problem (an unknown name, "2Q" as a budget) or
 * what core refuses comes back in @error. */
gboolean cep_cli_experiment_flags_apply  (const CepCliExperimentFlags *flags,
                                          CepExperiment               *experiment,
                                          GError                     **error);
/* "2M", "500k", "1.5M", "2000000" as a count. */
gboolean cep_cli_parse_count             (const char                  *text,
                                          guint64                     *count);

G_END_DECLS
