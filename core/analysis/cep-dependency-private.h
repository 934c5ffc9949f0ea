/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-private.h: the state one dependency analysis shares between its passes:
 * the baseline and determinism check (cep-dependency-baseline.c), the perturbations
 * (cep-dependency-perturb.c) and the input gradients (cep-dependency-gradient.c).
 */
#pragma once

#include "cep-dependency-matrix.h"

G_BEGIN_DECLS

/* The most rows of one forward call: large enough for GEMM to run near its peak, small
 * enough (7 MB at tiny's 1708 inputs) to stay near the caches. */
#define CEP_DEPENDENCY_CALL_ROWS 1024u
/* Zero frames around the private copy beyond the 2K a correct window could ever need. */
#define CEP_DEPENDENCY_EXTRA_PAD 8u

typedef struct
{
  CepNetwork                 *network;
  const CepDependencyOptions *options;
  GCancellable               *cancellable;
  CepDependencyMatrix        *matrix;

  guint         k;               /* the window's past side, as CepWindowFunc takes it */
  guint         dim;
  guint         window_floats;   /* (past + future + 1) · D */
  guint         n_classes;
  gsize         n_frames;        /* of the utterance */
  guint         pad;             /* zero frames on each side of the private copies */
  gsize         block_floats;    /* (n_frames + 2 pad) · D */
  float        *base;            /* the padded utterance as given */
  float        *work;            /* the same, with frames perturbed for a while */
  const float **base_windows;    /* n_outputs windows extracted from base */
  float        *base_logits;     /* n_outputs × n_classes */

  /* The layout of every evaluation: T rows, row j the window of output j, run through the
   * model in calls of call_rows rows (the last call may be shorter). */
  guint         call_rows;
  guint         n_calls;
  float        *rows;            /* T × window_floats, the unperturbed windows between uses */
  float        *logits;          /* T × n_classes of the latest run */
} CepDependencyAnalysis;

gboolean     _cep_dependency_check_cancelled    (CepDependencyAnalysis  *analysis,
                                                 GError                **error);
/* Copies @window (of output @column) into @dest and cuts it by the options' chunk regime. */
void         _cep_dependency_copy_window        (CepDependencyAnalysis  *analysis,
                                                 float                  *dest,
                                                 const float            *window,
                                                 guint                   column);
void         _cep_dependency_report_progress    (CepDependencyAnalysis  *analysis,
                                                 gsize                   done,
                                                 gsize                   total);
const float *_cep_dependency_extract            (CepDependencyAnalysis  *analysis,
                                                 const float            *block,
                                                 gsize                   frame,
                                                 GError                **error);
/* The model's evaluation-mode forward pass (or the options' replacement). */
gboolean     _cep_dependency_forward            (CepDependencyAnalysis  *analysis,
                                                 const float            *inputs,
                                                 guint                   n,
                                                 float                  *logits,
                                                 GError                **error);
/* Runs analysis->rows into analysis->logits, call by call; calls whose flag in @active is 0
 * are skipped (their logits are left as they were). @active may be NULL: every call. */
gboolean     _cep_dependency_forward_rows       (CepDependencyAnalysis  *analysis,
                                                 const guint8           *active,
                                                 GError                **error);
/* Refuses (CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC) unless the logits of output @column are the
 * same bits @before and @after; @circumstance says what changed between the two, for the
 * message. */
#define CEP_DEPENDENCY_NEIGHBOURS "when the other rows of its batch held other windows"
gboolean     _cep_dependency_check_same_logits  (CepDependencyAnalysis  *analysis,
                                                 guint                   column,
                                                 const float            *before,
                                                 const float            *after,
                                                 const char             *circumstance,
                                                 GError                **error);
/* Puts the unperturbed window of output @column back into its row. */
void         _cep_dependency_restore_row        (CepDependencyAnalysis  *analysis,
                                                 guint                   column);

gboolean     _cep_dependency_run_baseline       (CepDependencyAnalysis  *analysis,
                                                 GError                **error);
gboolean     _cep_dependency_run_perturbations  (CepDependencyAnalysis  *analysis,
                                                 GError                **error);
gboolean     _cep_dependency_run_gradients      (CepDependencyAnalysis  *analysis,
                                                 GError                **error);

G_END_DECLS
