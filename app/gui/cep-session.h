/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-session.h: what one window works on — the open dataset and the experiment being set up.
 *
 * The pages share one session: the Data page shows its dataset and edits the augmentation,
 * the Model page edits the experiment's model, the Train page its training settings and runs
 * it. Whoever changes the experiment calls cep_session_experiment_changed() so the others
 * follow. Loading a dataset is a cancellable GTask (core's CepDataset on a worker thread);
 * progress reaches the main thread at most once per main-loop iteration. Only the main
 * thread touches a session.
 */
#pragma once

#include <gio/gio.h>

#include "cep-assignment.h"
#include "cep-dataset.h"
#include "cep-experiment.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_SESSION_CHANGED_MODEL   = 1 << 0,
  CEP_SESSION_CHANGED_TRAIN   = 1 << 1,
  CEP_SESSION_CHANGED_AUGMENT = 1 << 2,
  CEP_SESSION_CHANGED_DATA    = 1 << 3,
} CepSessionChange;

#define CEP_TYPE_SESSION (cep_session_get_type ())
G_DECLARE_FINAL_TYPE (CepSession, cep_session, CEP, SESSION, GObject)

CepSession    *cep_session_new                 (void);

/* The loaded dataset (every partition loaded and cross-checked), or NULL. */
CepDataset    *cep_session_get_dataset         (CepSession          *self);
const char    *cep_session_get_root            (CepSession          *self);
gboolean       cep_session_is_demo             (CepSession          *self);
/* A loaded partition of the dataset, or NULL. */
CepPartition  *cep_session_get_partition       (CepSession          *self,
                                                const char          *name);
/* Files the loader skipped, over all partitions (CepSkippedFile*, borrowed). */
GPtrArray     *cep_session_get_skipped         (CepSession          *self);

/* Opens @root (NULL: the demo dataset) on a worker thread. While it runs, "loading" is TRUE
 * and "progress" goes from 0 to 1; on success the dataset replaces the current one and
 * "dataset" is notified. A second load cancels the first. Errors name the folder or file. */
void           cep_session_load_async          (CepSession          *self,
                                                const char          *root,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       cep_session_load_finish         (CepSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);
void           cep_session_cancel_load         (CepSession          *self);
gboolean       cep_session_get_loading         (CepSession          *self);
double         cep_session_get_progress        (CepSession          *self);
/* "Loading dev-clean…" while loading. */
const char    *cep_session_get_status          (CepSession          *self);

/* The experiment the pages edit (never NULL; owned by the session). */
CepExperiment *cep_session_get_experiment      (CepSession          *self);
/* Emits "experiment-changed" with what changed (CepSessionChange flags). */
void           cep_session_experiment_changed  (CepSession          *self,
                                                CepSessionChange     what);
/* Replaces the experiment (takes ownership), e.g. from a run's experiment.json. */
void           cep_session_set_experiment      (CepSession          *self,
                                                CepExperiment       *experiment);

/* The assignment the window works under ("assignment", notified), or NULL. Setting one
 * replaces the experiment with a copy of the assignment's (on the session's dataset);
 * NULL leaves it, keeping the experiment as it is. The rows ask cep_session_get_field_rule()
 * which rule governs their setting (cep-rule-row.h). */
CepAssignment *cep_session_get_assignment      (CepSession          *self);
void           cep_session_set_assignment      (CepSession          *self,
                                                CepAssignment       *assignment);
/* The rule of the experiment.json path @path; FALSE (and a zeroed @rule) without one. */
gboolean       cep_session_get_field_rule      (CepSession          *self,
                                                const char          *path,
                                                CepAssignmentFieldRule *rule);

G_END_DECLS
