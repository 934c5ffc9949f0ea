/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-hyperparameters.h: an experiment's settings as flat key → value pairs, as the trackers'
 * runs tables show them (the runs table's columns, grouping runs, `compare --group-by`).
 *
 * Keys are experiment.json's paths joined by dots ("train.batch_size",
 * "train.optimizer.lr"); an object with a "type" is also its type under its own key
 * ("train.optimizer" = "adamw"); a list of numbers is "[0.9, 0.999]", a list of objects their
 * types ("model.blocks" = "linear 24 · relu · dropout"). "model.params" is the model's
 * parameter count, which experiment.json does not store. "format", "version", "name" and
 * "notes" are not settings and are left out. Values are text in the C locale, numbers as
 * short as they round-trip; a number's value is kept for sorting. It must not read files.
 */
#pragma once

#include "cep-experiment.h"

G_BEGIN_DECLS

#define CEP_HYPERPARAMETERS_ERROR (cep_hyperparameters_error_quark ())
GQuark cep_hyperparameters_error_quark (void);

typedef enum
{
  CEP_HYPERPARAMETERS_ERROR_UNKNOWN_KEY,
} CepHyperparametersError;

typedef struct
{
  char   *key;
  char   *value;
  double  number;     /* NaN unless the value is a number (or a boolean: 0, 1) */
} CepHyperparameter;

void               cep_hyperparameter_free        (CepHyperparameter        *parameter);
/* Every setting, in experiment.json's order (a GPtrArray of CepHyperparameter, free function
 * set). */
GPtrArray         *cep_hyperparameters_list       (const CepExperiment      *experiment);
/* The setting @key of @experiment; an unknown key is an error that names it and some keys
 * that exist. */
CepHyperparameter *cep_hyperparameters_lookup     (const CepExperiment      *experiment,
                                                   const char               *key,
                                                   GError                  **error);
/* The keys (a GStrv, experiment.json's order) whose values differ between @experiments:
 * the columns worth showing beside a handful that always are. Data paths and the backend's
 * threads are left out (they say where and how fast, not what was trained). */
GStrv              cep_hyperparameters_varying    (const CepExperiment * const *experiments,
                                                   guint                      n_experiments);
/* Orders two values of one key: as numbers when both are, else as text. */
int                cep_hyperparameter_compare     (const CepHyperparameter  *a,
                                                   const CepHyperparameter  *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepHyperparameter, cep_hyperparameter_free)

G_END_DECLS
