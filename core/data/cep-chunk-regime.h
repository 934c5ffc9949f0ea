/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-chunk-regime.h: what a streaming model has heard when it classifies a frame.
 *
 * SpeechBrain's split_fixed_chunks and split_wav_lens: an utterance of T frames arrives in
 * fixed chunks of C frames, chunk c holding frames [cC, (c+1)C) (the last one shorter), and
 * when a chunk is processed at most L frames after its end are known as well (look-ahead).
 * Everything before is known (past chunks stay available). Frames from
 * min (T, chunk end + L) on are unknown when frame t is classified, and a window that reaches
 * them reads zeros, exactly as it reads zeros past the utterance's end in the padded frame
 * store (cep-context-window.h). A chunk of 0 is the whole utterance: the offline regime.
 *
 * The one definition of "unknown at frame t": chunked evaluation and the dependency matrix
 * under a regime both cut windows with it. It must not allocate or know about models.
 */
#pragma once

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef struct
{
  guint chunk;       /* C frames per chunk; 0 = the whole utterance */
  guint lookahead;   /* L frames known past the end of a frame's chunk */
} CepChunkRegime;

/* The first frame of an utterance of @n_frames that is unknown when @frame is classified. */
static inline gsize
cep_chunk_regime_known_end (const CepChunkRegime *regime,
                            gsize                 frame,
                            gsize                 n_frames)
{
  gsize chunk_end;

  if (regime->chunk == 0)
    return n_frames;
  chunk_end = (frame / regime->chunk + 1) * regime->chunk;
  return MIN (n_frames, chunk_end + regime->lookahead);
}

/* Zeroes the frames of @window (the window of @frame: @past frames before it, @window_frames
 * in all, @dim floats each) that are unknown under @regime. */
static inline void
cep_chunk_regime_cut_window (const CepChunkRegime *regime,
                             float                *window,
                             guint                 past,
                             guint                 window_frames,
                             guint                 dim,
                             gsize                 frame,
                             gsize                 n_frames)
{
  gsize known_end = cep_chunk_regime_known_end (regime, frame, n_frames);
  /* Window row w holds frame − past + w; rows from known_end on are unknown. */
  gssize first_unknown = (gssize) known_end - (gssize) frame + (gssize) past;

  if (first_unknown < 0)
    first_unknown = 0;
  if ((gsize) first_unknown < window_frames)
    memset (window + (gsize) first_unknown * dim, 0,
            (window_frames - (gsize) first_unknown) * dim * sizeof (float));
}

G_END_DECLS
