/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-import.h: a run folder made elsewhere — by the PyTorch export, on a cluster, or by
 * another Cepstra — taken into this machine's runs folder.
 *
 * Import means: check the folder as Cepstra's own readers would (experiment.json, metrics.jsonl
 * line by line, each checkpoint opened and loaded into a network of its experiment, whose model
 * must be experiment.json's), then copy it whole into the runs folder under a new run id, where
 * the run history, `cepstra-cli runs`, the analyses and a hand-in find an ordinary run. The
 * source is never changed. The copy goes into a hidden temporary folder that is renamed into
 * place at the end, so a failed import leaves nothing behind. A run without
 * dataset.fingerprint gets the fingerprint of its experiment's dataset when that opens here,
 * so the history also finds it beside a copy of the dataset.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_RUN_IMPORT_ERROR (cep_run_import_error_quark ())
GQuark cep_run_import_error_quark (void);

typedef enum
{
  CEP_RUN_IMPORT_ERROR_INVALID,   /* the folder is not a run, or one of its files is bad */
  CEP_RUN_IMPORT_ERROR_EXISTS,    /* the runs folder already holds a run of that id */
  CEP_RUN_IMPORT_ERROR_OUTPUT,    /* the copy could not be written */
} CepRunImportError;

/* Checks @run_dir as described above; every message starts with the file it is about. */
gboolean cep_run_import_check (const char  *run_dir,
                               GError     **error);

/* Checks @run_dir and copies it into @runs_root (NULL: cep_run_history_get_root()). The new
 * run's id is @run_dir's name when it is a run id (YYYYmmdd-HHMMSS-name), else one made from
 * the time of its first metrics line and its experiment's name. Returns the new folder. */
char    *cep_run_import       (const char  *run_dir,
                               const char  *runs_root,
                               GError     **error);

G_END_DECLS
