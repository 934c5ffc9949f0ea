/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-private.h: the state one dependency analysis shares between its passes
 * (cep-dependency-passes.c: baseline and determinism check, perturbations, gradients).
 */
#pragma once

#include "cep-dependency-matrix.h"

G_BEGIN_DECLS

/* Rows gathered before a forward call: large enough for GEMM to run near its peak, small
 * enough (7 MB at tiny's 1708 inputs) to stay in the last-level cache's neighbourhood. */
#define CEP_DEPENDENCY_BATCH_ROWS 1024u
/* Zero frames around the private copy beyond the 2K a correct window could ever need. */
#define CEP_DEPENDENCY_EXTRA_PAD  8u

typedef struct
{
  CepNetwork                 *network;
  const CepDependencyOptions *options;
  GCancellable               *cancellable;
  CepDependencyMatrix        *matrix;

  guint         k;
  guint         dim;
  guint         window_floats;   /* (2K + 1) · D */
  guint         n_classes;
  gsize         n_frames;        /* of the utterance */
  guint         pad;             /* zero frames on each side of the private copies */
  gsize         block_floats;    /* (n_frames + 2 pad) · D */
  float        *base;            /* the padded utterance as given */
  float        *work;            /* the same, with one frame perturbed at a time */
  const float **base_windows;    /* n_outputs windows extracted from base */
  float        *base_logits;     /* n_outputs × n_classes */

  /* Rows waiting for one forward (or gradient) call. */
  guint         batch_capacity;
  guint         batch_n;
  float        *batch_inputs;    /* capacity × window_floats */
  float        *batch_outputs;   /* capacity × n_classes logits, or × window_floats gradients */
  float        *batch_dlogits;   /* gradient mode: capacity × n_classes */
  guint        *batch_cells;     /* what each row is: row · n_outputs + column (gradient mode:
                                  * column · n_classes + class) */
} CepDependencyAnalysis;

const float *_cep_dependency_extract            (CepDependencyAnalysis  *analysis,
                                                 const float            *block,
                                                 gsize                   frame,
                                                 GError                **error);
gboolean     _cep_dependency_run_baseline       (CepDependencyAnalysis  *analysis,
                                                 GError                **error);
gboolean     _cep_dependency_run_perturbations  (CepDependencyAnalysis  *analysis,
                                                 GError                **error);
gboolean     _cep_dependency_run_gradients      (CepDependencyAnalysis  *analysis,
                                                 GError                **error);

G_END_DECLS
