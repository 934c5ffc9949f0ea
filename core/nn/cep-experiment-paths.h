/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-paths.h: the settings of experiment.json by their path ("train.epochs").
 *
 * Whoever names a setting from outside an experiment (an assignment's rules, an editor that
 * asks which rule governs its row) names it by the path experiment.json writes it at. This is
 * the one list of those paths, built from the field tables that read and write the file
 * (cep-experiment-fields.c), so a new setting is a path here without another line.
 *
 * Besides one path per setting there are the objects that hold them ("train.optimizer",
 * "augment"), the block list "model.blocks", and "model.params", the model's parameter count,
 * which is computed and never written.
 */
#pragma once

#include <glib.h>

#include "cep-experiment.h"
#include "cep-field.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_EXPERIMENT_PATH_SETTING,   /* one value; field says its type and range */
  CEP_EXPERIMENT_PATH_OBJECT,    /* an object of settings ("train.optimizer") */
  CEP_EXPERIMENT_PATH_LIST,      /* model.blocks */
  CEP_EXPERIMENT_PATH_COMPUTED,  /* model.params: a whole number computed from the model */
} CepExperimentPathKind;

typedef struct
{
  const char            *path;    /* "train.optimizer.lr" */
  CepExperimentPathKind  kind;
  const CepField        *field;   /* SETTING only, else NULL */
} CepExperimentPath;

/* Every path by index (0 .. n-1), objects before their settings, in the order
 * experiment.json writes them. */
guint                    cep_experiment_paths_get_n  (void);
const CepExperimentPath *cep_experiment_paths_get    (guint       index);
/* The path named @path; NULL when experiment.json has no such path. */
const CepExperimentPath *cep_experiment_path_lookup  (const char *path);
/* Whether the setting is a number (whole or not) or model.params: what a bound applies to. */
gboolean                 cep_experiment_path_is_numeric (const CepExperimentPath *path);
/* Whether @path is @ancestor or lies inside it ("train.optimizer.lr" in "train"). */
gboolean                 cep_experiment_path_is_within  (const char *path,
                                                         const char *ancestor);

/* The number at a numeric path of @experiment (model.params counts the parameters); FALSE
 * for another path, or a setting experiment.json does not write for this experiment
 * (model.context_past of a symmetric window). */
gboolean                 cep_experiment_get_number   (const CepExperiment *experiment,
                                                      const char          *path,
                                                      double              *value);
/* The value at a setting or model.params as experiment.json writes it ("adamw", "0.001",
 * "true", "null"); NULL for another path or one this experiment does not write. */
char                    *cep_experiment_get_text     (const CepExperiment *experiment,
                                                      const char          *path);
/* Whether @a and @b hold the same value at @path: a setting, every setting of an object, the
 * block list (kinds and every field), or the parameter count. */
gboolean                 cep_experiment_path_equal   (const CepExperiment *a,
                                                      const CepExperiment *b,
                                                      const char          *path);

G_END_DECLS
