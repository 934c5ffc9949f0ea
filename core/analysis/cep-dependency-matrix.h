/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-matrix.h: which output frames of a trained model depend on which input frames,
 * measured by running the real pipeline, not by reading the spec.
 *
 * Semantics (those of SpeechBrain's infer_dependency_matrix): take T frames of an utterance,
 * perturb one input frame i at a time (every stride-th), run window extraction and the model
 * in evaluation mode over all T output frames, and mark output j as dependent on input i when
 * its logits change beyond a tolerance. Like SpeechBrain, the model must be deterministic:
 * that is checked first, and the analysis refuses to run otherwise.
 *
 * The pipeline under test is the dataset's own: the utterance (normalized, as stored in its
 * partition) is copied into a private zero-padded block laid out like the partition's frame
 * store, windows are taken from it with the extraction the store uses (cep_context_window_start, or
 * a replacement given in the options, which is how the tests prove that a leaky extraction is
 * caught), and the logits come from cep_network_forward_eval().
 *
 * Perturbation: every coefficient of frame i gets a random offset of magnitude 1 to 3 and
 * random sign (Philox, from the options' seed), i.e. one to three standard deviations of a
 * normalized feature. Unlike a replacement by random values it can never leave a coefficient
 * unchanged. Tolerance: torch.allclose's, output j depends on input i when some logit c has
 * |perturbed − base| > atol + rtol·|base| (defaults rtol 1e-5, atol 1e-8, torch's).
 *
 * Modes:
 * - bool: the matrix above.
 * - sensitivity: also the L2 norm of the logit change of output j when input i is perturbed
 *   (0 where nothing changed); shows how strongly, not only whether, j depends on i.
 * - gradient: ‖∂logits_j/∂frame_i‖ (Frobenius norm of the n_classes × D Jacobian block, the
 *   gradient summed over every window position that holds frame i) at the unperturbed input,
 *   by cep_network_input_gradient(); "depends" is then "the norm is not zero".
 *
 * Speed (bool and sensitivity): in evaluation mode a sample's logits depend only on its own
 * input window, so an output whose extracted window is bit-identical to its unperturbed window
 * keeps the unperturbed logits, and only outputs whose window differs are recomputed. The
 * windows compared are the ones the extraction returns, so a leaky extraction shows up as
 * extra differing windows exactly as in the full recomputation. Every evaluation lays out T
 * rows, row j holding a window of output j, in calls of the same sizes (min (T, 1024,
 * max_batch) rows), because a backend may round a row differently at another place in a call
 * or in a call of another size (OpenBLAS's edge tiles, blas's kernel choice by batch size);
 * perturbations whose changed windows sit in disjoint rows share one evaluation (about 2K + 1
 * evaluations of T rows for a context-K model instead of T), and calls with nothing changed
 * are skipped. So each changed window is evaluated exactly as the full recomputation
 * evaluates it, and the result is bit-identical, not an approximation, provided a row's logits
 * do not depend on the other rows' contents. That is verified as it goes: rows an evaluation
 * leaves unchanged but computes anyway must reproduce their earlier logits bit for bit, beside
 * new neighbours. Before anything, SpeechBrain's determinism check runs: the unperturbed
 * windows are evaluated twice and the runs must agree bit for bit (the naive method also
 * checks neighbours there, twice with every other row replaced). Any difference makes the
 * analysis refuse with CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC. options->naive runs the full
 * recomputation instead (all T windows of every perturbation), the reference the fast path is
 * tested against.
 */
#pragma once

#include <gio/gio.h>

#include "cep-chunk-regime.h"
#include "cep-network.h"
#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_DEPENDENCY_ERROR (cep_dependency_error_quark ())
GQuark cep_dependency_error_quark (void);

typedef enum
{
  CEP_DEPENDENCY_ERROR_INVALID,            /* bad range, stride, tolerance, feature dimension */
  CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC,  /* two evaluations of the same input differ */
  CEP_DEPENDENCY_ERROR_WINDOW,             /* the extraction points outside the padded copy */
  CEP_DEPENDENCY_ERROR_CANCELLED,
} CepDependencyError;

typedef enum
{
  CEP_DEPENDENCY_MODE_BOOL,
  CEP_DEPENDENCY_MODE_SENSITIVITY,
  CEP_DEPENDENCY_MODE_GRADIENT,
} CepDependencyMode;

/* "bool", "sensitivity", "gradient". */
const char *cep_dependency_mode_get_name  (CepDependencyMode  mode);
gboolean    cep_dependency_mode_from_name (const char        *name,
                                           CepDependencyMode *mode);

/* Where the (past+future+1)·@dim floats of the window of frame @t start (@k is the past
 * side), in a block that holds the utterance with @pad zero frames on each side (@padded
 * points at the first padding frame): the shape of cep_context_window_start(). The analysis
 * gives @pad >= 2·max (past, future) + 8, so an extraction that strays up to max + 8 frames
 * past a correct window still reads the private copy. */
typedef const float *(*CepWindowFunc) (const float *padded,
                                       guint        pad,
                                       guint        dim,
                                       gsize        t,
                                       guint        k,
                                       gpointer     user_data);

/* The dataset's extraction, cep_context_window_start(), as a CepWindowFunc. */
const float *cep_dependency_dataset_window (const float *padded,
                                            guint        pad,
                                            guint        dim,
                                            gsize        t,
                                            guint        k,
                                            gpointer     user_data);

/* An evaluation-mode forward pass: @logits (n × n_classes) of @inputs (n × input_dim). The
 * shape of cep_network_forward_eval() plus user data; a replacement is how a test proves that
 * a non-deterministic model is refused. */
typedef gboolean (*CepDependencyForwardFunc) (CepNetwork   *network,
                                              const float  *inputs,
                                              guint         n,
                                              float        *logits,
                                              gpointer      user_data,
                                              GError      **error);

typedef struct
{
  CepDependencyMode mode;       /* default bool */
  gsize             start;      /* first analysed frame of the utterance (default 0) */
  guint             n_frames;   /* T; 0 = up to the end of the utterance (default 0) */
  guint             stride;     /* perturb frames start, start + stride, ... (default 1) */
  double            rtol;       /* default 1e-5 */
  double            atol;       /* default 1e-8 */
  guint64           seed;       /* of the perturbations (default 0) */
  CepWindowFunc     window;     /* default cep_dependency_dataset_window */
  gpointer          window_data;
  CepDependencyForwardFunc forward;  /* NULL = cep_network_forward_eval */
  gpointer          forward_data;
  gboolean          naive;      /* recompute all T outputs per perturbation (default FALSE) */
  CepChunkRegime    chunk;      /* streamed: each window cut to what its output's chunk and
                                 * look-ahead know (default { 0, 0 }: whole utterances) */
  CepProgressFunc   progress;   /* perturbations (or outputs, gradient mode) done; may be NULL */
  gpointer          progress_data;
} CepDependencyOptions;

void cep_dependency_options_init (CepDependencyOptions *options);

typedef struct
{
  CepDependencyMode mode;
  guint    n_inputs;        /* rows: input frames start, start + stride, ... */
  guint    n_outputs;       /* columns: output frames start .. start + n_outputs − 1 */
  gsize    start;
  guint    stride;
  guint    context;         /* the model's K (max (past, future)) */
  guint    context_past;    /* the model's window: frames before and after the current one */
  guint    context_future;
  CepChunkRegime chunk;     /* the regime it was measured under */
  guint8  *depends;         /* n_inputs × n_outputs, row-major: 1 = output depends on input */
  float   *values;          /* n_inputs × n_outputs: L2 logit change or gradient norm; NULL in
                             * bool mode */
  guint64  rows_evaluated;  /* forward (or gradient) rows run, the determinism check
                             * included */
} CepDependencyMatrix;

/* Analyses frames [options->start, start + T) of one utterance given as @n_frames × @dim
 * floats (normalized as the model saw them in training). @network: evaluation-mode passes
 * only, its parameters are not touched; used from this thread only during the call. */
CepDependencyMatrix *cep_dependency_matrix_compute      (CepNetwork                  *network,
                                                         const float                 *frames,
                                                         gsize                        n_frames,
                                                         guint                        dim,
                                                         const CepDependencyOptions  *options,
                                                         GCancellable                *cancellable,
                                                         GError                     **error);
/* The same for utterance @utterance of @partition, read from its frame store. */
CepDependencyMatrix *cep_dependency_matrix_compute_utterance
                                                        (CepNetwork                  *network,
                                                         CepPartition                *partition,
                                                         guint                        utterance,
                                                         const CepDependencyOptions  *options,
                                                         GCancellable                *cancellable,
                                                         GError                     **error);
void                 cep_dependency_matrix_free         (CepDependencyMatrix         *matrix);

/* cep_dependency_matrix_compute_utterance() on a worker thread (GTask), for a GUI. The options
 * are copied (their progress callback then runs on the worker thread); @partition is kept
 * alive; @network is used by the worker until @callback runs, so leave it alone until then. */
void                 cep_dependency_matrix_compute_utterance_async
                                                        (CepNetwork                  *network,
                                                         CepPartition                *partition,
                                                         guint                        utterance,
                                                         const CepDependencyOptions  *options,
                                                         GCancellable                *cancellable,
                                                         GAsyncReadyCallback          callback,
                                                         gpointer                     user_data);
CepDependencyMatrix *cep_dependency_matrix_compute_finish
                                                        (GAsyncResult                *result,
                                                         GError                     **error);

/* Frame index (within the utterance) of row @input and column @output. */
gsize    cep_dependency_matrix_get_input_frame  (const CepDependencyMatrix *matrix,
                                                 guint                      input);
gsize    cep_dependency_matrix_get_output_frame (const CepDependencyMatrix *matrix,
                                                 guint                      output);
gboolean cep_dependency_matrix_depends          (const CepDependencyMatrix *matrix,
                                                 guint                      input,
                                                 guint                      output);

/* Compares the boolean matrix with the band |i − j| <= @k of a correct context-K model:
 * @leaks counts dependent cells outside the band, @missing independent cells inside it
 * (either may be NULL). TRUE when both are zero. */
gboolean cep_dependency_matrix_matches_band     (const CepDependencyMatrix *matrix,
                                                 guint                      k,
                                                 guint64                   *leaks,
                                                 guint64                   *missing);

/* The matrix as floats for a heatmap: 0/1 in bool mode, else the values. g_free(). */
/* Under @regime as well: output j may depend on inputs j − @past .. j + @future known when j is
 * classified (cep_chunk_regime_known_end()); the block staircase of a streamed model. */
gboolean cep_dependency_matrix_matches_regime   (const CepDependencyMatrix *matrix,
                                                 guint                      past,
                                                 guint                      future,
                                                 const CepChunkRegime      *regime,
                                                 guint64                   *leaks,
                                                 guint64                   *missing);
/* How far the dependencies reach: the most frames an output depends on before (@past) and
 * after (@future) itself, 0 where none; the receptive field as measured. */
void     cep_dependency_matrix_get_reach        (const CepDependencyMatrix *matrix,
                                                 guint                     *past,
                                                 guint                     *future);

/* The same for an asymmetric window: output j may depend on inputs j − @past .. j + @future. */
gboolean cep_dependency_matrix_matches_window   (const CepDependencyMatrix *matrix,
                                                 guint                      past,
                                                 guint                      future,
                                                 guint64                   *leaks,
                                                 guint64                   *missing);

float   *cep_dependency_matrix_to_floats        (const CepDependencyMatrix *matrix);

/* CSV: "input_frame,output_frame,depends[,sensitivity|gradient]", one row per cell, inputs
 * outer, frames as indices within the utterance. Written atomically. */
gboolean cep_dependency_matrix_write_csv        (const CepDependencyMatrix *matrix,
                                                 const char                *path,
                                                 GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepDependencyMatrix, cep_dependency_matrix_free)

G_END_DECLS
