/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-history.h: runs on disk and their curves, as the window's history and
 * `cepstra-cli runs` list them and the Train page plots them.
 *
 * A run folder (cep-run.h) holds experiment.json and metrics.jsonl; this module reads them
 * back into curves: per-step loss and learning rate against step and elapsed time, and
 * per-epoch training and dev loss and accuracy. Live runs fill the same curves from trainer
 * events, so a finished run and a running one plot alike. Long step curves keep their shape
 * but not every point: once CEP_RUN_CURVES_MAX_STEPS is reached, the older half is thinned to
 * the lowest and highest loss of every four points (what a line plot draws of them anyway).
 *
 * The one reader of run folders (next to the metrics writer): the window and the CLI both ask
 * it, for a run's summary and curves, the runs of a dataset, and where a resume continues.
 */
#pragma once

#include <gio/gio.h>

#include "cep-experiment.h"
#include "cep-trainer.h"

G_BEGIN_DECLS

#define CEP_RUN_CURVES_MAX_STEPS 200000

typedef struct
{
  /* per logged step */
  GArray *step;            /* double */
  GArray *step_time;       /* elapsed seconds */
  GArray *step_loss;
  GArray *step_lr;
  /* per epoch (epoch i + 1 ends at epoch_step[i]) */
  GArray *epoch_step;
  GArray *epoch_time;
  GArray *epoch_loss;
  GArray *epoch_accuracy;
  GArray *dev_loss;        /* NaN without a dev partition */
  GArray *dev_accuracy;
} CepRunCurves;

CepRunCurves *cep_run_curves_new          (void);
void          cep_run_curves_free         (CepRunCurves          *curves);
void          cep_run_curves_clear        (CepRunCurves          *curves);
/* Adds what a STEP or EPOCH event carries; other events are ignored. */
void          cep_run_curves_add_event    (CepRunCurves          *curves,
                                           const CepTrainerEvent *event);
/* Whether any epoch has a dev evaluation (the batch-size experiment's runs have none). */
gboolean      cep_run_curves_has_dev      (const CepRunCurves    *curves);
/* Best dev accuracy (training accuracy without dev), NaN before the first epoch. */
double        cep_run_curves_best_accuracy (const CepRunCurves   *curves);
/* Writes the per-epoch curves to @path ("epoch,step,time,train_loss,train_accuracy,dev_loss,
 * dev_accuracy") and the per-step ones beside it, "-steps" before the extension
 * ("step,time,loss,lr"). Atomically; errors name the file. */
gboolean      cep_run_curves_write_csv    (const CepRunCurves    *curves,
                                           const char            *path,
                                           GError               **error);

typedef enum
{
  CEP_RUN_STATUS_UNKNOWN,    /* no final event: running elsewhere, or killed */
  CEP_RUN_STATUS_FINISHED,
  CEP_RUN_STATUS_CANCELLED,
  CEP_RUN_STATUS_FAILED,
} CepRunStatus;

const char   *cep_run_status_get_label    (CepRunStatus           status);

typedef struct
{
  char          *dir;
  char          *id;            /* folder name: "20261123-101500-tiny" */
  CepExperiment *experiment;
  CepRunStatus   status;
  char          *backend;       /* description from the start event, or NULL */
  gint64         started;       /* unix time of the first event, 0 if none */
  guint          epochs_done;
  CepRunCurves  *curves;
  char          *fingerprint;   /* its training data's (CEP_RUN_FINGERPRINT_FILE), or NULL */
} CepRunInfo;

/* Reads @dir's experiment.json and metrics.jsonl (a missing or half-written last line is
 * tolerated: a live run may be writing it). */
CepRunInfo   *cep_run_info_load           (const char            *dir,
                                           GError               **error);
/* The same with only the first @max_lines lines of metrics.jsonl (what a resume keeps). */
CepRunInfo   *cep_run_info_load_lines     (const char            *dir,
                                           guint64                max_lines,
                                           GError               **error);
void          cep_run_info_free           (CepRunInfo            *info);
/* Whether the run trained on the dataset at @root (NULL: the demo dataset), or on a copy of
 * it: one whose fingerprint (cep_dataset_get_fingerprint) is @fingerprint (may be NULL). */
gboolean      cep_run_info_uses_dataset   (const CepRunInfo      *info,
                                           const char            *root,
                                           const char            *fingerprint);
gboolean      cep_run_info_can_resume     (const CepRunInfo      *info);

/* The metrics lines a resume of @run_dir keeps: the count in its last checkpoint's trainer
 * state (the trainer cuts everything after it), 0 without a last checkpoint (the run starts
 * again), G_MAXUINT64 when the state cannot be read (keep every line). */
guint64       cep_run_history_resume_point (const char           *run_dir);
/* $XDG_DATA_HOME/cepstra/runs */
char         *cep_run_history_get_root    (void);
/* Every readable run under @runs_root, newest first; with @every_dataset FALSE only those
 * that used the dataset @root (NULL: the demo) or a copy of it (its fingerprint is worked out
 * here: call it on a worker). Unreadable folders are skipped. */
GPtrArray    *cep_run_history_list        (const char            *runs_root,
                                           gboolean               every_dataset,
                                           const char            *root,
                                           GCancellable          *cancellable);
/* The fingerprint of the dataset at @root (NULL: the demo), or NULL. */
char         *cep_run_history_dataset_fingerprint (const char    *root);
/* cep_run_history_list() of the runs of the dataset @root (NULL: demo), on a worker. */
void          cep_run_history_list_async  (const char            *runs_root,
                                           const char            *root,
                                           GCancellable          *cancellable,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
/* A GPtrArray of CepRunInfo* (free function set). */
GPtrArray    *cep_run_history_list_finish (GAsyncResult          *result,
                                           GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepRunInfo, cep_run_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepRunCurves, cep_run_curves_free)

G_END_DECLS
