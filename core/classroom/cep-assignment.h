/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment.h: what a teacher hands out — a *.cepstra-assignment file.
 *
 *   {"format": "cepstra-assignment", "version": 1,
 *    "title": "Lab 3", "instructions": "Markdown subset",
 *    "dataset": {"name": "hw1p2", "fingerprint": "…"} or null,
 *    "metric": "dev_accuracy", "seed": 1234 or null,
 *    "rules": {"locked": [PATH, …], "hidden": [PATH, …],
 *              "bounds": {PATH: {"min": N, "max": N}, …},
 *              "allowed": {PATH: [VALUE, …], …},
 *              "allowed_blocks": [TYPE, …] or null},
 *    "experiment": {experiment.json}}
 *
 * PATHs are experiment.json's (cep-experiment-paths.h): a setting ("train.epochs"), an object
 * ("train.optimizer": every setting in it), "model.blocks", and for bounds "model.params" (the
 * parameter count). An allowed set names the values of a choice or text setting; on an object
 * with a "type" it is that type's ("train.optimizer" = "train.optimizer.type"). A hidden path
 * is locked too: what the student cannot see keeps the teacher's value. The allowed block
 * types are JSON types ("gelu") or kinds ("activation"); the head is always a Linear and is
 * not counted. data.root, train.device and train.threads belong to the student's computer:
 * they cannot be locked or hidden, and a lock on an object leaves them free. Every rule is
 * checked against the starting experiment when the file is read:
 * an assignment its own experiment breaks is refused.
 *
 * The rules are enforced here, on an experiment (cep_assignment_check_experiment()), so the
 * window, `cepstra-cli train --assignment` and a hand-edited experiment.json meet the same
 * checks. A run trained under an assignment keeps the file's exact bytes as
 * RUN/assignment.cepstra-assignment (cep_assignment_record_in_run()), so its hash — SHA-256
 * of those bytes — says which assignment it answers.
 *
 * Reading is strict: an unknown member, rule kind or path, a value of the wrong type, or a
 * newer version is an error naming the file and the member, never ignored (a rule from a
 * newer Cepstra that this one cannot enforce must not pass silently).
 */
#pragma once

#include <glib-object.h>

#include "cep-experiment.h"
#include "cep-trainer.h"

G_BEGIN_DECLS

#define CEP_ASSIGNMENT_ERROR (cep_assignment_error_quark ())
GQuark cep_assignment_error_quark (void);

typedef enum
{
  CEP_ASSIGNMENT_ERROR_IO,         /* could not read or write the file */
  CEP_ASSIGNMENT_ERROR_PARSE,      /* not JSON, too large or too deep */
  CEP_ASSIGNMENT_ERROR_FORMAT,     /* not a cepstra-assignment, or a newer version */
  CEP_ASSIGNMENT_ERROR_INVALID,    /* a member of the wrong type, an unknown path or rule */
  CEP_ASSIGNMENT_ERROR_RULE,       /* an experiment breaks a rule */
  CEP_ASSIGNMENT_ERROR_DATASET,    /* the dataset is not the one the assignment expects */
  CEP_ASSIGNMENT_ERROR_NOT_FOUND,  /* a run folder holds no assignment */
} CepAssignmentError;

#define CEP_ASSIGNMENT_FORMAT     "cepstra-assignment"
#define CEP_ASSIGNMENT_VERSION    1
#define CEP_ASSIGNMENT_SUFFIX     ".cepstra-assignment"
#define CEP_ASSIGNMENT_MIME_TYPE  "application/x-cepstra-assignment"
/* The copy a run keeps of the assignment it was trained under. */
#define CEP_ASSIGNMENT_RUN_FILE   "assignment.cepstra-assignment"
/* Files larger than this are refused before they are parsed. */
#define CEP_ASSIGNMENT_MAX_BYTES  (4u << 20)

/* The metric that counts for grading, as metrics.jsonl names it. */
typedef enum
{
  CEP_ASSIGNMENT_METRIC_DEV_ACCURACY,   /* the default */
  CEP_ASSIGNMENT_METRIC_DEV_LOSS,
  CEP_ASSIGNMENT_METRIC_TRAIN_ACCURACY,
  CEP_ASSIGNMENT_METRIC_TRAIN_LOSS,
} CepAssignmentMetric;

/* What an assignment says about one path, for an editor showing that setting: locked or
 * hidden (by the path itself or an object holding it), its bounds, its allowed values. */
typedef struct
{
  gboolean            locked;       /* TRUE when hidden too */
  gboolean            hidden;
  gboolean            has_min;
  double              min;
  gboolean            has_max;
  double              max;
  const char * const *allowed;      /* NULL-terminated, owned by the assignment; NULL: any */
} CepAssignmentFieldRule;

typedef struct _CepAssignment CepAssignment;

/* A boxed type (ref/unref), so an assignment can be an object's property (the window's). */
#define CEP_TYPE_ASSIGNMENT (cep_assignment_get_type ())
GType          cep_assignment_get_type        (void) G_GNUC_CONST;

/* A new assignment titled @title starting from a copy of @experiment, with no rules. */
CepAssignment *cep_assignment_new             (const char           *title,
                                               const CepExperiment  *experiment);
CepAssignment *cep_assignment_ref             (CepAssignment        *assignment);
void           cep_assignment_unref           (CepAssignment        *assignment);

/* Reads @path (at most CEP_ASSIGNMENT_MAX_BYTES); messages start with @path. */
CepAssignment *cep_assignment_load            (const char           *path,
                                               GError              **error);
/* The same from @length bytes of @data; @name is used in messages. */
CepAssignment *cep_assignment_new_from_data   (const char           *data,
                                               gsize                 length,
                                               const char           *name,
                                               GError              **error);
/* The JSON text (pretty, two-space indent, ending in a newline). */
char          *cep_assignment_to_json         (CepAssignment        *assignment);
/* Checks the starting experiment against the rules, then writes @path atomically; the
 * assignment's bytes (and hash) become what was written. */
gboolean       cep_assignment_save            (CepAssignment        *assignment,
                                               const char           *path,
                                               GError              **error);
/* The file's bytes: as loaded or last saved, else the JSON text. */
GBytes        *cep_assignment_get_bytes       (CepAssignment        *assignment);
/* Lower-case hex SHA-256 of those bytes (64 characters); owned by the assignment. */
const char    *cep_assignment_get_hash        (CepAssignment        *assignment);
/* The file it was loaded from or saved to, else NULL. */
const char    *cep_assignment_get_path        (CepAssignment        *assignment);

const char    *cep_assignment_get_title       (CepAssignment        *assignment);
void           cep_assignment_set_title       (CepAssignment        *assignment,
                                               const char           *title);
/* Markdown subset (cep-markdown.h); NULL when there are none. */
const char    *cep_assignment_get_instructions (CepAssignment       *assignment);
void           cep_assignment_set_instructions (CepAssignment       *assignment,
                                                const char          *instructions);
/* The starting experiment (borrowed). */
const CepExperiment *cep_assignment_get_experiment (CepAssignment   *assignment);
/* Replaces it with a copy (the fixed seed, if any, is written into the copy). */
void           cep_assignment_set_experiment  (CepAssignment        *assignment,
                                               const CepExperiment  *experiment);

/* The dataset expected: a name for people and cep_dataset_get_fingerprint()'s digest;
 * NULL, NULL for any dataset. */
const char    *cep_assignment_get_dataset_name        (CepAssignment *assignment);
const char    *cep_assignment_get_dataset_fingerprint (CepAssignment *assignment);
void           cep_assignment_set_dataset     (CepAssignment        *assignment,
                                               const char           *name,
                                               const char           *fingerprint);
/* TRUE when the assignment expects no dataset or @fingerprint is its; otherwise
 * CEP_ASSIGNMENT_ERROR_DATASET with a message naming the dataset expected. */
gboolean       cep_assignment_check_dataset_fingerprint (CepAssignment *assignment,
                                                         const char    *fingerprint,
                                                         GError       **error);

CepAssignmentMetric cep_assignment_get_metric (CepAssignment        *assignment);
void           cep_assignment_set_metric      (CepAssignment        *assignment,
                                               CepAssignmentMetric   metric);
/* "dev_accuracy", "dev_loss", "train_accuracy", "train_loss": metrics.jsonl's names. */
const char    *cep_assignment_metric_get_name (CepAssignmentMetric   metric);
gboolean       cep_assignment_metric_from_name (const char          *name,
                                                CepAssignmentMetric *metric);
/* Accuracies are better higher, losses lower. */
gboolean       cep_assignment_metric_higher_is_better (CepAssignmentMetric metric);

/* The fixed seed; FALSE when the student may choose. */
gboolean       cep_assignment_get_seed        (CepAssignment        *assignment,
                                               guint64              *seed);
void           cep_assignment_set_seed        (CepAssignment        *assignment,
                                               gboolean              fixed,
                                               guint64               seed);

/* Rules. Each refuses (CEP_ASSIGNMENT_ERROR_INVALID) a path experiment.json lacks or one the
 * rule cannot apply to (a bound on text, an allowed set on a number). Setting a bound or an
 * allowed set again replaces it; a path locked twice is locked once. */
gboolean       cep_assignment_add_locked      (CepAssignment        *assignment,
                                               const char           *path,
                                               GError              **error);
gboolean       cep_assignment_add_hidden      (CepAssignment        *assignment,
                                               const char           *path,
                                               GError              **error);
gboolean       cep_assignment_set_min         (CepAssignment        *assignment,
                                               const char           *path,
                                               double                min,
                                               GError              **error);
gboolean       cep_assignment_set_max         (CepAssignment        *assignment,
                                               const char           *path,
                                               double                max,
                                               GError              **error);
gboolean       cep_assignment_set_allowed     (CepAssignment        *assignment,
                                               const char           *path,
                                               const char * const   *values,
                                               GError              **error);
/* NULL allows every kind. */
gboolean       cep_assignment_set_allowed_blocks (CepAssignment     *assignment,
                                                  const char * const *types,
                                                  GError           **error);
/* Removes every rule on @path itself (locked, hidden, bounds, allowed). */
void           cep_assignment_clear_rules     (CepAssignment        *assignment,
                                               const char           *path);

/* The rules' paths (NULL-terminated, owned by the assignment). */
const char * const *cep_assignment_get_locked  (CepAssignment       *assignment);
const char * const *cep_assignment_get_hidden  (CepAssignment       *assignment);
/* NULL when every kind is allowed. */
const char * const *cep_assignment_get_allowed_blocks (CepAssignment *assignment);
/* What the rules say about @path (a setting, model.blocks or model.params); FALSE when no
 * rule touches it (@rule is then all zero). */
gboolean       cep_assignment_get_field_rule  (CepAssignment        *assignment,
                                               const char           *path,
                                               CepAssignmentFieldRule *rule);
/* Every rule by its name, in the order they are checked: "locked train.optimizer",
 * "hidden augment", "train.epochs <= 10", "model.context >= 5",
 * "train.optimizer.type in {adamw, sgd}", "blocks in {linear, gelu}", "seed = 7".
 * Free with g_strfreev(). */
char         **cep_assignment_list_rules      (CepAssignment        *assignment);

/* Whether @experiment keeps every rule; otherwise CEP_ASSIGNMENT_ERROR_RULE with a message
 * that names the value and the rule: "train.epochs is 20, but the assignment “Lab 3” allows
 * at most 10 (rule train.epochs <= 10)". Callers put the experiment's file in front. When
 * @broken_rule is not NULL it receives the rule's name as cep_assignment_list_rules()
 * writes it (NULL when every rule holds). */
gboolean       cep_assignment_check_experiment (CepAssignment       *assignment,
                                                const CepExperiment *experiment,
                                                GError             **error);
gboolean       cep_assignment_check_experiment_full (CepAssignment       *assignment,
                                                     const CepExperiment *experiment,
                                                     char               **broken_rule,
                                                     GError             **error);

/* Writes the assignment's bytes to RUN/assignment.cepstra-assignment (atomically), so the
 * run says which assignment it answers. */
gboolean       cep_assignment_record_in_run   (CepAssignment        *assignment,
                                               const char           *run_dir,
                                               GError              **error);
/* Sets @options so that the run the trainer starts keeps this assignment's bytes as
 * RUN/assignment.cepstra-assignment, written under the run's lock (the bytes are the
 * assignment's: keep it alive until the trainer is created). */
void           cep_assignment_attach_to_trainer (CepAssignment      *assignment,
                                                 CepTrainerOptions  *options);
/* The assignment @run_dir was trained under; CEP_ASSIGNMENT_ERROR_NOT_FOUND when it has
 * none, another error when the copy is damaged. */
CepAssignment *cep_assignment_load_from_run   (const char           *run_dir,
                                               GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepAssignment, cep_assignment_unref)

G_END_DECLS
