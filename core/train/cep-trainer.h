/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-trainer.h: one training run on a background thread — the epoch loop, its events, and
 * its run directory.
 *
 * A trainer owns a copy of the experiment, references to the (immutable) training and dev
 * partitions, a batch producer that prepares batches ahead of it, a backend and a network,
 * and a GCancellable. cep_trainer_start() returns at once; the thread then trains epoch by
 * epoch and reports through the callback:
 *
 *   STARTED, then per step STEP, per epoch EPOCH (training averages, dev loss/accuracy) and
 *   CHECKPOINT (last, and best by dev accuracy), and finally exactly one of FINISHED,
 *   CANCELLED or FAILED (with the GError).
 *
 * THE CALLBACK RUNS ON THE TRAINER THREAD. It must be quick and must not call GTK: a GUI
 * copies what it needs and marshals it to the main loop (g_main_context_invoke or an idle).
 * Pointers inside an event are valid during the callback only.
 *
 * Run directory (DESIGN.md): experiment.json (written at start), metrics.jsonl (one JSON
 * object per event, appended as it goes, with wall time), checkpoints/last.safetensors (model,
 * optimizer state and trainer state, after every epoch) and checkpoints/best.safetensors
 * (model only, whenever dev accuracy improves; by training accuracy without a dev partition).
 * Checkpoints are written atomically: a failure (a full disk) leaves the previous file intact
 * and fails the run. A NaN or infinite loss fails the run too, before anything is saved from
 * that epoch.
 *
 * metrics.jsonl lines are compact JSON objects with "event" ("start", "step", "epoch",
 * "checkpoint", "finished", "cancelled", "failed"), "time" (seconds since 1970), "elapsed",
 * "epoch" (0-based) and "step" (optimizer steps completed); step and epoch lines add "lr",
 * "loss", "accuracy" and "samples_per_second", step lines "batch", epoch lines "dev_loss" and
 * "dev_accuracy" when there is a dev partition; checkpoint lines "path" (relative to the run)
 * and "best"; start lines "backend" and "resumed"; failed lines "message". Non-finite numbers
 * are null.
 *
 * Resume (options.resume) reads checkpoints/last.safetensors and continues after its epoch:
 * same step counter, schedule state, optimizer state and BatchNorm statistics; batch order,
 * masks and dropout are counter-based so they need no saved state. metrics.jsonl is cut back
 * to what it held when that checkpoint was written, so the curve continues exactly as if the
 * run had never stopped. The same experiment, backend and thread count give the same
 * metrics and checkpoint bytes.
 */
#pragma once

#include <gio/gio.h>

#include "cep-experiment.h"
#include "cep-network.h"
#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_TRAINER_ERROR (cep_trainer_error_quark ())
GQuark cep_trainer_error_quark (void);

typedef enum
{
  CEP_TRAINER_ERROR_INVALID,      /* the experiment does not fit the data, bad options */
  CEP_TRAINER_ERROR_RUN_DIR,      /* the run directory cannot be created or written */
  CEP_TRAINER_ERROR_RESUME,       /* nothing to resume, or a checkpoint that does not fit */
  CEP_TRAINER_ERROR_NON_FINITE,   /* the loss became NaN or infinite */
  CEP_TRAINER_ERROR_CANCELLED,
} CepTrainerError;

typedef enum
{
  CEP_TRAINER_EVENT_STARTED,
  CEP_TRAINER_EVENT_STEP,
  CEP_TRAINER_EVENT_EPOCH,
  CEP_TRAINER_EVENT_CHECKPOINT,
  CEP_TRAINER_EVENT_FINISHED,
  CEP_TRAINER_EVENT_CANCELLED,
  CEP_TRAINER_EVENT_FAILED,
} CepTrainerEventKind;

typedef struct
{
  CepTrainerEventKind kind;
  double        wall_time;          /* seconds since 1970 (g_get_real_time) */
  double        elapsed;            /* seconds of training in this process (pauses excluded) */
  guint         epoch;              /* 0-based epoch the event belongs to; FINISHED,
                                     * CANCELLED, FAILED: epochs completed so far */
  guint         n_epochs;
  guint64       step;               /* optimizer steps completed, over the whole run */
  guint64       batch;              /* STEP: index of the batch within its epoch */
  guint64       n_batches;          /* batches per epoch */
  double        lr;                 /* the learning rate of the step / of the next epoch */
  /* STEP: the batch's (training mode); EPOCH: means over the epoch's batches */
  double        loss;
  double        accuracy;
  double        samples_per_second; /* STEP: recent throughput; EPOCH: over the epoch */
  /* EPOCH */
  gboolean      has_dev;
  double        dev_loss;
  double        dev_accuracy;
  /* CHECKPOINT */
  const char   *path;               /* absolute path of the file written */
  gboolean      is_best;
  /* FAILED */
  const GError *error;
} CepTrainerEvent;

typedef void (*CepTrainerEventFunc) (const CepTrainerEvent *event,
                                     gpointer               user_data);

typedef struct
{
  const char          *backend;      /* cep_backend_new() name; NULL = the experiment's */
  const char          *device;       /* with @backend: its device (CepBackendOptions.device) */
  guint                threads;      /* backend threads; 0 = one per processor */
  gboolean             resume;       /* continue the run in run_dir from its last checkpoint */
  guint                log_every;    /* a metrics.jsonl line every n steps (default 1) */
  gboolean             host_input;   /* gather windows on the host even on a device backend
                                      * (for comparisons; see cep_trainer_get_input_note) */
  CepTrainerEventFunc  callback;     /* may be NULL */
  gpointer             user_data;
  /* A file the run keeps beside experiment.json, written under the run's lock when it
   * starts (and again on a resume): RUN/attachment_name holds @attachment's bytes. The
   * classroom tier records the assignment a run answers this way; NULL: none. */
  const char          *attachment_name;
  GBytes              *attachment;
} CepTrainerOptions;

void cep_trainer_options_init (CepTrainerOptions *options);

typedef struct _CepTrainer CepTrainer;

/* Checks the experiment against the partitions (feature dimension, context, labels) and, with
 * options->resume, that @run_dir holds a checkpoint to resume. @dev may be NULL. @run_dir is
 * created at start (parents included); NULL = cep_run_dir_new_default (experiment name). */
CepTrainer   *cep_trainer_new          (const CepExperiment      *experiment,
                                        CepPartition             *train,
                                        CepPartition             *dev,
                                        const char               *run_dir,
                                        const CepTrainerOptions  *options,
                                        GError                  **error);
/* Cancels a running thread, waits for it, frees everything. */
void          cep_trainer_free         (CepTrainer               *self);

/* Creates the run directory, writes experiment.json, starts the thread. Never blocks on
 * training; fails only when the directory cannot be prepared. */
gboolean      cep_trainer_start        (CepTrainer               *self,
                                        GError                  **error);
/* Pause takes effect between two steps; the thread then sleeps on a condition variable. */
void          cep_trainer_pause        (CepTrainer               *self);
void          cep_trainer_unpause      (CepTrainer               *self);
gboolean      cep_trainer_is_paused    (CepTrainer               *self);
/* Stops within one batch (a paused trainer wakes up to stop). Nothing saved is touched: the
 * run directory keeps the checkpoints of the last completed epoch. Returns at once. */
void          cep_trainer_cancel       (CepTrainer               *self);
/* Blocks until the thread ends (after a successful cep_trainer_start()). TRUE when every
 * epoch completed; otherwise the failure, or CEP_TRAINER_ERROR_CANCELLED. */
gboolean      cep_trainer_wait         (CepTrainer               *self,
                                        GError                  **error);

const char   *cep_trainer_get_run_dir  (CepTrainer               *self);
const CepExperiment *cep_trainer_get_experiment (CepTrainer      *self);
/* Why the run uses another backend than it asked for (no Vulkan device here), or NULL. */
const char   *cep_trainer_get_backend_notice (CepTrainer         *self);
/* How the running trainer feeds its backend, once the thread has started training (the
 * "start" line of metrics.jsonl says it too): TRUE when the training partition is resident on
 * the backend and windows are gathered there; otherwise the reason it is not (a CPU backend,
 * too little device memory, ...) is in the note (NULL before the thread decided). */
gboolean      cep_trainer_is_resident        (CepTrainer         *self);
const char   *cep_trainer_get_input_note     (CepTrainer         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepTrainer, cep_trainer_free)

G_END_DECLS
