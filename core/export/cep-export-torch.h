/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-export-torch.h: an experiment handed over to PyTorch — a small project that trains it
 * under torchrun (DistributedDataParallel) and writes a Cepstra run folder.
 *
 *   OUT/train.py          python3 train.py --data DATASET --out RUNDIR [--resume]
 *   OUT/data.py           the dataset read as Cepstra's batch producer reads it
 *   OUT/model.py          the nn.Sequential whose state_dict names are the checkpoints'
 *   OUT/cepstra_run.py    metrics.jsonl and safetensors checkpoints in Cepstra's format
 *   OUT/experiment.json   the experiment, as Cepstra saved it
 *   OUT/phonemes.txt      the experiment's phoneme table (HW1P2's unless it names one)
 *   OUT/README.md         the commands (one GPU, torchrun, several nodes, Slurm) and what
 *                         differs from Cepstra
 *   OUT/.cepstra-export   marks the folder as an export, so exporting into it again is allowed
 *
 * The Python files are the committed ones of core/export/torch/, embedded in the library,
 * written byte for byte; nothing in them names the machine that exported them.
 */
#pragma once

#include <glib.h>

#include "cep-experiment.h"

G_BEGIN_DECLS

#define CEP_EXPORT_ERROR (cep_export_error_quark ())
GQuark cep_export_error_quark (void);

typedef enum
{
  CEP_EXPORT_ERROR_UNSUPPORTED,   /* the experiment uses what the export cannot express */
  CEP_EXPORT_ERROR_INPUT,         /* a file the export reads (the phoneme table) is bad */
  CEP_EXPORT_ERROR_NOT_EMPTY,     /* the output folder holds something that is not an export */
  CEP_EXPORT_ERROR_OUTPUT,        /* a file could not be written */
} CepExportError;

/* The marker file of an exported project. */
#define CEP_EXPORT_MARKER ".cepstra-export"

/* Whether the exported project can express @experiment; the error names the field
 * ("model.blocks[2].type: ..."). */
gboolean cep_export_torch_check  (const CepExperiment  *experiment,
                                  GError              **error);

/* Writes the project into @out_dir (created with its parents). A folder that is not empty is
 * refused unless it holds an earlier export or @force is set; files of the project are
 * replaced, nothing else in the folder is touched. */
gboolean cep_export_torch        (const CepExperiment  *experiment,
                                  const char           *out_dir,
                                  gboolean              force,
                                  GError              **error);

/* The names of the files cep_export_torch() writes, NULL-terminated (static). */
const char * const *cep_export_torch_list_files (void);

G_END_DECLS
