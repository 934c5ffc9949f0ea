/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-private.h: the field tables behind experiment.json.
 *
 * Each JSON object of an experiment is described once, as a table of (key, type, offset into
 * its C struct, range check); reading, writing, comparing and validating all walk the same
 * tables, so a new setting is one table line.
 */
#pragma once

#include "cep-experiment.h"
#include "cep-field.h"
#include "cep-json-writer.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The tables, by the object they describe. */
extern const CepFieldTable _cep_experiment_top_fields;       /* CepExperiment: name, seed */
extern const CepFieldTable _cep_experiment_data_fields;      /* CepExperimentData */
extern const CepFieldTable _cep_experiment_train_fields;     /* CepExperimentTrain scalars */
extern const CepFieldTable _cep_experiment_optimizer_fields; /* CepExperimentOptimizer */
extern const CepFieldTable _cep_experiment_schedule_fields;  /* CepExperimentSchedule */
extern const CepFieldTable _cep_experiment_augment_fields;   /* CepAugmentSpec */
extern const CepFieldTable _cep_experiment_model_fields;     /* CepModelSpec scalars */
extern const CepFieldTable _cep_experiment_head_fields;      /* the head's CepBlock */
/* A block's own fields are its kind's (CepBlockType.fields, core/nn/blocks/). */

const CepField *_cep_field_table_lookup (const CepFieldTable *table,
                                         const char          *key);

/* What the field expects, for messages: "a positive number", "one of adamw, adam, sgd". */
char           *_cep_field_expected     (const CepField      *field);
/* NULL if the stored value passes the field's type range and check, else what was expected
 * ("a positive number"), newly allocated. */
char           *_cep_field_validate     (const CepField      *field,
                                         gconstpointer        base);
/* Stores @node into the field; FALSE (nothing stored) if its JSON type does not fit. The
 * range check is separate (_cep_field_validate). */
gboolean        _cep_field_read         (const CepField      *field,
                                         JsonNode            *node,
                                         gpointer             base);
void            _cep_field_write        (const CepField      *field,
                                         gconstpointer        base,
                                         CepJsonWriter       *writer);
gboolean        _cep_field_equal        (const CepField      *field,
                                         gconstpointer        a,
                                         gconstpointer        b);

/* Every field of @table: */
void            _cep_field_table_write  (const CepFieldTable *table,
                                         gconstpointer        base,
                                         CepJsonWriter       *writer);
gboolean        _cep_field_table_equal  (const CepFieldTable *table,
                                         gconstpointer        a,
                                         gconstpointer        b);
/* FALSE with "PATH.key: expected ..." (PATH may be "") for the first field out of range. */
gboolean        _cep_field_table_validate (const CepFieldTable *table,
                                           gconstpointer        base,
                                           const char          *path,
                                           GError             **error);
/* Frees the strings of the table's string fields. */
void            _cep_field_table_clear  (const CepFieldTable *table,
                                         gpointer             base);
/* Replaces the string fields of @base with copies (after a struct copy). */
void            _cep_field_table_dup_strings (const CepFieldTable *table,
                                              gpointer             base);

/* "a.b" or "b" when @path is empty. */
char           *_cep_field_path         (const char          *path,
                                         const char          *key);

/* Names of the kinds, as written. */
extern const char * const _cep_experiment_optimizer_names[];
extern const char * const _cep_experiment_schedule_names[];

/* Reading (cep-experiment-read.c) and writing (cep-experiment-write.c). */
CepExperiment  *_cep_experiment_read    (JsonNode            *root,
                                         const char          *name,
                                         GPtrArray           *warnings,
                                         GError             **error);
char           *_cep_experiment_write   (const CepExperiment *experiment);

G_END_DECLS
