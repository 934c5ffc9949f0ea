/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment.h: everything that describes a run, and its experiment.json.
 *
 *   {"format": "cepstra-experiment", "version": 1, "name": ..., "data": {...},
 *    "model": {...}, "train": {...}, "augment": {...}, "seed": N}
 *
 * An experiment plus the dataset files reproduce a run exactly (same backend and thread
 * count). The JSON is read leniently where that is safe and strictly where it is not:
 * - a missing key takes its default (cep_experiment_new()), so a hand-written file may hold
 *   only what differs from the seed notebook;
 * - an unknown key is reported in the warning list and ignored (a typo must not pass
 *   silently, but a file from a newer Cepstra should still load);
 * - a value of the wrong type or out of range is an error naming the file and the JSON path:
 *   "exp.json: train.optimizer.lr: expected a positive number".
 * Saving writes every key, so a saved file documents the run completely; loading a saved file
 * gives an equal experiment and saving that again gives the same bytes.
 *
 * Units: schedules count epochs (step_size, t_max, patience: a schedule steps once per epoch,
 * after the dev evaluation) except warmup_steps, which counts optimizer steps. The context K
 * is part of the model (it sets the input size) and is used by the data windows as well.
 * Label smoothing is part of the model's loss (model.label_smoothing).
 *
 * The "model" object: context, and for an asymmetric window context_past and context_future
 * (each overrides K for its side and K is written as their maximum; a symmetric window writes
 * "context" alone, as files made before the sides existed did), feature_dim, classes, blocks (each {"type": "linear", "width",
 * "init", "bias", "std" (normal init only)}, {"type": "batch_norm", "eps", "momentum"},
 * {"type": "dropout", "p"}, {"type": <activation>} with "slope" for leaky_relu), head
 * ({"init", "bias", "std"}), label_smoothing, param_limit and name. On reading, an optional
 * "preset" ("tiny", "full", "baseline") supplies the blocks, context and name that are not
 * given; without one the default model is tiny. "preset" is never written: blocks always are.
 *
 * It must not open datasets or start anything: the trainer checks an experiment against data.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "cep-augment.h"
#include "cep-model-spec.h"

G_BEGIN_DECLS

#define CEP_EXPERIMENT_ERROR (cep_experiment_error_quark ())
GQuark cep_experiment_error_quark (void);

typedef enum
{
  CEP_EXPERIMENT_ERROR_IO,        /* could not read or write the file */
  CEP_EXPERIMENT_ERROR_PARSE,     /* not JSON */
  CEP_EXPERIMENT_ERROR_FORMAT,    /* not a cepstra-experiment, or a newer version */
  CEP_EXPERIMENT_ERROR_INVALID,   /* a value of the wrong type or out of range */
} CepExperimentError;

#define CEP_EXPERIMENT_FORMAT  "cepstra-experiment"
#define CEP_EXPERIMENT_VERSION 1

typedef struct
{
  char     *root;              /* dataset root; NULL = the embedded demo dataset */
  char     *train_partition;   /* NULL = the dataset's training partition */
  char     *dev_partition;     /* NULL = the dataset's dev partition (if any) */
  char     *phonemes;          /* phoneme table file; NULL = HW1P2's */
  gboolean  normalize;         /* per-utterance CMVN (default TRUE) */
  double    subset_fraction;   /* (0, 1]: fixed random subset of training frames (1) */
  guint     subset_every;      /* >= 1: keep every n-th training frame first (1) */
} CepExperimentData;

typedef enum
{
  CEP_EXPERIMENT_OPTIMIZER_ADAMW,
  CEP_EXPERIMENT_OPTIMIZER_ADAM,
  CEP_EXPERIMENT_OPTIMIZER_SGD,
} CepExperimentOptimizerKind;

/* torch.optim's hyper-parameters; every field is saved whatever the kind. */
typedef struct
{
  CepExperimentOptimizerKind kind;    /* default AdamW */
  double                     lr;      /* 1e-3 */
  double                     beta1;   /* 0.9 (Adam, AdamW) */
  double                     beta2;   /* 0.999 */
  double                     eps;     /* 1e-8 */
  double                     weight_decay;  /* 0.01 (torch's AdamW default) */
  double                     momentum;      /* SGD: 0 */
  double                     dampening;     /* SGD: 0 */
  gboolean                   nesterov;      /* SGD: needs momentum > 0 and dampening 0 */
} CepExperimentOptimizer;

typedef enum
{
  CEP_EXPERIMENT_SCHEDULE_CONSTANT,
  CEP_EXPERIMENT_SCHEDULE_STEP,
  CEP_EXPERIMENT_SCHEDULE_COSINE,
  CEP_EXPERIMENT_SCHEDULE_PLATEAU,
} CepExperimentScheduleKind;

typedef enum
{
  CEP_EXPERIMENT_MONITOR_DEV_LOSS,       /* plateau: lower is better */
  CEP_EXPERIMENT_MONITOR_DEV_ACCURACY,   /* plateau: higher is better */
} CepExperimentMonitor;

/* torch.optim.lr_scheduler's, stepped once per epoch. */
typedef struct
{
  CepExperimentScheduleKind kind;         /* default constant */
  guint                     warmup_steps; /* any kind: lr ramps linearly over the first N
                                           * optimizer steps (step i uses lr·(i+1)/N); 0 */
  guint                     step_size;    /* step: epochs between decays (1) */
  double                    gamma;        /* step: decay factor (0.1) */
  guint                     t_max;        /* cosine: period in epochs; 0 = the run's epochs */
  double                    eta_min;      /* cosine: floor (0) */
  CepExperimentMonitor      monitor;      /* plateau: dev loss (min) or accuracy (max) */
  double                    factor;       /* plateau: (0, 1), 0.1 */
  guint                     patience;     /* plateau: epochs without improvement (10) */
  double                    threshold;    /* plateau: relative improvement needed (1e-4) */
  double                    min_lr;       /* plateau: floor (0) */
} CepExperimentSchedule;

typedef struct
{
  guint                  epochs;          /* default 5 */
  guint                  batch_size;      /* default 1024 */
  CepExperimentOptimizer optimizer;
  CepExperimentSchedule  schedule;
  double                 grad_clip_norm;  /* clip the global gradient norm; 0 = off */
  char                  *backend;         /* "ref", "blas", ... (default "blas") */
  char                  *device;          /* vulkan: device index or part of its name;
                                           * NULL = CEPSTRA_VULKAN_DEVICE or the best */
  guint                  threads;         /* 0 = one per core */
} CepExperimentTrain;

typedef struct
{
  char              *name;     /* free text for people and run folders; may be NULL */
  char              *notes;    /* the student's annotation of a run; may be NULL (not written) */
  CepExperimentData  data;
  CepModelSpec      *model;    /* never NULL */
  CepExperimentTrain train;
  CepAugmentSpec     augment;  /* cep_augment_spec_init_default(): off */
  guint64            seed;     /* default 0; at most G_MAXINT64 (JSON integers) */
} CepExperiment;

/* The defaults: the seed notebook's run (tiny at D = 28 with 42 classes, AdamW lr 1e-3,
 * batch 1024, 5 epochs, constant schedule) on the demo dataset with the blas backend. */
CepExperiment *cep_experiment_new          (void);
CepExperiment *cep_experiment_copy         (const CepExperiment  *experiment);
void           cep_experiment_free         (CepExperiment        *experiment);
gboolean       cep_experiment_equal        (const CepExperiment  *a,
                                            const CepExperiment  *b);

/* Replaces the model (takes ownership of @model). */
void           cep_experiment_set_model    (CepExperiment        *experiment,
                                            CepModelSpec         *model);

/* Checks every value and the model; the message names the JSON path ("train.batch_size:
 * expected a whole number >= 1", "model.blocks[3]: dropout p 1 is not in [0, 1)"). */
gboolean       cep_experiment_validate     (const CepExperiment  *experiment,
                                            GError              **error);

/* Refuses a model above its parameter limit (model.param_limit; 0 = none), with a message
 * that gives the count, the limit and how to change them. The trainer calls it: a model over
 * the limit never trains, from the window or the CLI. */
gboolean       cep_experiment_check_param_limit (const CepExperiment  *experiment,
                                                 GError              **error);

/* What runs of @experiment are called: its name, else the model's ("tiny", "pyramid-6",
 * "custom"), else "run". Never NULL; borrowed. */
const char    *cep_experiment_get_display_name  (const CepExperiment  *experiment);

/* The JSON text (pretty, two-space indent, ending in a newline). */
char          *cep_experiment_to_json      (const CepExperiment  *experiment);
/* Parses @text (@length bytes, -1 = NUL-terminated); @name is used in messages. Warnings
 * (unknown keys) are returned in @warnings as a NULL-terminated array when it is not NULL
 * (an empty array when there are none). */
CepExperiment *cep_experiment_new_from_json (const char          *text,
                                             gssize               length,
                                             const char          *name,
                                             char              ***warnings,
                                             GError             **error);
/* The same from a node another reader already parsed through cep-json-input (an experiment
 * embedded in another file: an assignment's). */
CepExperiment *cep_experiment_new_from_node (JsonNode            *node,
                                             const char          *name,
                                             char              ***warnings,
                                             GError             **error);
CepExperiment *cep_experiment_load          (const char          *path,
                                             char              ***warnings,
                                             GError             **error);
/* Validates, then writes @path atomically (temporary file, fsync, rename). */
gboolean       cep_experiment_save          (const CepExperiment *experiment,
                                             const char          *path,
                                             GError             **error);

const char    *cep_experiment_optimizer_get_name (CepExperimentOptimizerKind kind);
const char    *cep_experiment_schedule_get_name  (CepExperimentScheduleKind  kind);
/* The kinds by the names above (as experiment.json writes them); FALSE for another name. */
gboolean       cep_experiment_optimizer_from_name (const char                 *name,
                                                   CepExperimentOptimizerKind *kind);
gboolean       cep_experiment_schedule_from_name  (const char                 *name,
                                                   CepExperimentScheduleKind  *kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepExperiment, cep_experiment_free)

G_END_DECLS
