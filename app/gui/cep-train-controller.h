/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-controller.h: one training run seen from the main thread.
 *
 * Wraps a CepTrainer (core/train, its own thread): starts, pauses, resumes and stops it, and
 * brings its events to the main loop. The trainer's callback runs on the trainer thread and
 * only copies the event into a queue; one idle callback drains whatever has accumulated,
 * so a run of thousands of steps per second costs the main loop one short callback per
 * iteration, and "updated" fires at most once per drain. Nothing here touches GTK.
 */
#pragma once

#include <gio/gio.h>

#include "cep-assignment.h"
#include "cep-run-history.h"
#include "cep-trainer.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_TRAIN_STATE_IDLE,
  CEP_TRAIN_STATE_RUNNING,
  CEP_TRAIN_STATE_PAUSED,
  CEP_TRAIN_STATE_STOPPING,
  CEP_TRAIN_STATE_STARTING,   /* the run is being set up on a worker */
} CepTrainState;

/* The latest numbers of the running run. */
typedef struct
{
  guint   epoch;              /* 0-based */
  guint   n_epochs;
  guint64 step;
  guint64 batch;
  guint64 n_batches;
  double  samples_per_second;
  double  elapsed;
  double  lr;
  double  loss;
} CepTrainProgress;

#define CEP_TYPE_TRAIN_CONTROLLER (cep_train_controller_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainController, cep_train_controller, CEP, TRAIN_CONTROLLER, GObject)

CepTrainController *cep_train_controller_new          (void);

/* Starts @experiment on @train (and @dev, may be NULL) in @run_dir (NULL: a new default
 * folder named after the experiment), or with @resume continues @run_dir from its last
 * checkpoint. The setup (backend, network, run folder) happens on a worker: the state is
 * STARTING until it is done, then RUNNING, or back to IDLE with "start-failed" and an error
 * naming the partition or folder. FALSE only when a run is already under way. */
gboolean            cep_train_controller_start        (CepTrainController   *self,
                                                       const CepExperiment  *experiment,
                                                       CepPartition         *train,
                                                       CepPartition         *dev,
                                                       const char           *run_dir,
                                                       const char           *backend,
                                                       gboolean              resume);
void                cep_train_controller_pause        (CepTrainController   *self);
void                cep_train_controller_unpause      (CepTrainController   *self);
/* Asks the run to stop; "finished" follows with CEP_RUN_STATUS_CANCELLED. */
void                cep_train_controller_stop         (CepTrainController   *self);

CepTrainState       cep_train_controller_get_state    (CepTrainController   *self);
const char         *cep_train_controller_get_run_dir  (CepTrainController   *self);
const CepExperiment *cep_train_controller_get_experiment (CepTrainController *self);
const CepTrainProgress *cep_train_controller_get_progress (CepTrainController *self);
/* The run's curves so far (owned by the controller; kept after the run ends). */
CepRunCurves       *cep_train_controller_get_curves   (CepTrainController   *self);
/* Events received and drains run, for tests and the responsiveness benchmark. */
guint64             cep_train_controller_get_n_events (CepTrainController   *self);
guint64             cep_train_controller_get_n_drains (CepTrainController   *self);

/* The assignment the runs started from now on answer (NULL: none): each run keeps its bytes
 * as RUN/assignment.cepstra-assignment, as `cepstra-cli train --assignment` does. */
void                cep_train_controller_set_assignment (CepTrainController *self,
                                                         CepAssignment      *assignment);

G_END_DECLS
