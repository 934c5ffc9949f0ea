/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-streaming-whatif.h: what a trained model would lose if it were streamed — dev accuracy
 * for every chunk size and look-ahead asked for, against the algorithmic latency each costs,
 * and the model's receptive field as declared and as its dependency matrix measures it.
 *
 * Every cell is cep_network_evaluate_chunked() under one CepChunkRegime. Latency is the audio
 * a regime buffers before it classifies a chunk's first frame: (chunk + look-ahead) frames at
 * the dataset's frame shift (10 ms for HW1P2's and the demo dataset's MFCCs). The receptive
 * field is measured on the partition's first utterance (its first 64 frames, at most) by the
 * offline dependency matrix (bool mode); a model whose outputs depend on frames beyond its
 * declared past or future context — an extraction or model that secretly looks ahead — is
 * flagged, since its look-ahead figures would understate the latency it really needs. A
 * model's window bounds what its dependency matrix can reach, so the look-ahead it is held to
 * in practice is a regime's: each cell whose look-ahead is shorter than the measured future
 * reach is flagged too.
 *
 * It must not print or know about the command line; the CLI (and a window) show what it holds.
 */
#pragma once

#include <gio/gio.h>

#include "cep-chunk-regime.h"
#include "cep-network.h"
#include "cep-partition.h"

G_BEGIN_DECLS

typedef struct
{
  CepChunkRegime regime;
  double         chunk_ms;
  double         lookahead_ms;
  double         latency_ms;      /* (chunk + look-ahead) · frame shift */
  /* The model reaches further ahead (measured_future) than this look-ahead: a chunk's last
   * frames are classified without frames the model reads, wherever the utterance goes on. */
  gboolean       reaches_past_lookahead;
  CepEvalResult  result;
} CepStreamingCell;

typedef struct
{
  double         frame_shift_ms;
  guint          declared_past;   /* the model's window */
  guint          declared_future;
  guint          measured_past;   /* the reach of its dependency matrix */
  guint          measured_future;
  gboolean       reaches_past_lookahead;  /* measured beyond declared, on either side */
  CepEvalResult  offline;         /* whole utterances */
  GArray        *cells;           /* of CepStreamingCell: chunks outer, look-aheads inner */
} CepStreamingWhatif;

/* FALSE with G_IO_ERROR_INVALID_ARGUMENT for an empty list, a chunk of 0 or a frame shift
 * that is not positive; otherwise the errors of the evaluation and dependency analysis. */
CepStreamingWhatif *cep_streaming_whatif_compute  (CepNetwork          *network,
                                                   CepPartition        *partition,
                                                   const guint         *chunks,
                                                   guint                n_chunks,
                                                   const guint         *lookaheads,
                                                   guint                n_lookaheads,
                                                   double               frame_shift_ms,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void                cep_streaming_whatif_free     (CepStreamingWhatif  *whatif);

/* cep_streaming_whatif_compute() on a worker thread (GTask), for a window. The lists are
 * copied and @partition kept alive; @network is used by the worker until @callback runs. */
void                cep_streaming_whatif_compute_async  (CepNetwork          *network,
                                                         CepPartition        *partition,
                                                         const guint         *chunks,
                                                         guint                n_chunks,
                                                         const guint         *lookaheads,
                                                         guint                n_lookaheads,
                                                         double               frame_shift_ms,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
CepStreamingWhatif *cep_streaming_whatif_compute_finish (GAsyncResult        *result,
                                                         GError             **error);

/* "chunk,lookahead,chunk_ms,lookahead_ms,latency_ms,accuracy,loss", one row per cell, the
 * offline figures first as chunk 0; numbers in the C locale. Written atomically. */
gboolean            cep_streaming_whatif_write_csv (const CepStreamingWhatif *whatif,
                                                    const char               *path,
                                                    GError                  **error);
/* Accuracy (%) against latency (ms), one line per chunk size, the offline accuracy as a
 * dashed line; @width × @height pixels. */
gboolean            cep_streaming_whatif_save_png  (const CepStreamingWhatif *whatif,
                                                    const char               *path,
                                                    int                       width,
                                                    int                       height,
                                                    GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepStreamingWhatif, cep_streaming_whatif_free)

G_END_DECLS
