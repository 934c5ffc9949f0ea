/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run.h: a run directory seen from the outside — where it goes, what it holds, and how to
 * get a trained network back out of it.
 *
 *   <run>/experiment.json
 *   <run>/metrics.jsonl
 *   <run>/checkpoints/last.safetensors   model + optimizer + trainer state, every epoch
 *   <run>/checkpoints/best.safetensors   model, best dev accuracy so far
 *
 * Every checkpoint carries the experiment JSON in its "__metadata__" under
 * CEP_RUN_METADATA_EXPERIMENT, so a checkpoint alone is enough to rebuild its network.
 * The trainer (cep-trainer.c) writes runs; this module only names and reads them.
 */
#pragma once

#include <glib.h>

#include "cep-backend.h"
#include "cep-experiment.h"
#include "cep-network.h"

G_BEGIN_DECLS

#define CEP_RUN_EXPERIMENT_FILE   "experiment.json"
#define CEP_RUN_METRICS_FILE      "metrics.jsonl"
/* The training data's fingerprint (cep_partition_folder_fingerprint), so the run is found
 * again when its dataset is copied or moved. */
#define CEP_RUN_FINGERPRINT_FILE  "dataset.fingerprint"
#define CEP_RUN_CHECKPOINTS_DIR   "checkpoints"
#define CEP_RUN_LAST_CHECKPOINT   "checkpoints/last.safetensors"
#define CEP_RUN_BEST_CHECKPOINT   "checkpoints/best.safetensors"

/* train.backend of a run written by the PyTorch export (cep-export-torch.h): no Cepstra
 * backend; its analyses open the default one. */
#define CEP_RUN_TORCH_BACKEND     "torch"

/* "__metadata__" keys of a checkpoint. */
#define CEP_RUN_METADATA_FORMAT     "format"              /* "pt", as torch tools expect */
#define CEP_RUN_METADATA_EXPERIMENT "cepstra.experiment"  /* the experiment JSON */
#define CEP_RUN_METADATA_STATE      "cepstra.state"       /* trainer state JSON (last only) */
#define CEP_RUN_METADATA_STEP       "cepstra.step"        /* training steps done, decimal */

/* $XDG_DATA_HOME/cepstra/runs/<YYYYmmdd-HHMMSS>-<name>/ (local time; @name sanitized to
 * [A-Za-z0-9._-], "run" when NULL or empty). Newly allocated; nothing is created. */
char         *cep_run_dir_new_default      (const char      *name);

/* Where a run's per-step CSV goes beside its per-epoch CSV @path: "-steps" before the
 * extension ("curves.csv" → "curves-steps.csv"), or after a name without one. */
char         *cep_run_steps_csv_path       (const char      *path);

/* The checkpoint file of a run: @which is "best", "last" or NULL (best if it exists, else
 * last). NULL with an error naming the run when there is none. */
char         *cep_run_find_checkpoint      (const char      *run_dir,
                                            const char      *which,
                                            GError         **error);

/* Opens @checkpoint_path (a .safetensors written by Cepstra), rebuilds the experiment from its
 * metadata and a network on @backend for @max_batch rows with the checkpoint's parameters and
 * running statistics. @experiment (may be NULL) receives the experiment; free it with
 * cep_experiment_free(). */
CepNetwork   *cep_run_load_network         (const char      *checkpoint_path,
                                            CepBackend      *backend,
                                            guint            max_batch,
                                            CepExperiment  **experiment,
                                            GError         **error);

G_END_DECLS
