/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-context-window.h: where the context window of a frame starts in a zero-padded frame block.
 *
 * The one definition of "the window of frame t": frames t-P .. t+F of an utterance stored with
 * @pad >= max (P, F) zero frames on each side, as (P+F+1)*dim contiguous floats (P frames of
 * past and F of future context; a symmetric window has P = F = K). The partition's frame
 * store and the dependency-matrix analysis (which perturbs a private copy of an utterance) both
 * use it, so the analysis tests the same extraction that training uses.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A side of a window (past or future) given as CEP_CONTEXT_SAME follows the symmetric K: old
 * settings that only know K stay symmetric without naming the sides. */
#define CEP_CONTEXT_SAME G_MAXUINT

static inline guint
cep_context_side (guint side,
                  guint k)
{
  return side == CEP_CONTEXT_SAME ? k : side;
}

/* The frames of a window with @past frames before the current one and @future after it. */
static inline guint
cep_context_window_frames (guint past,
                           guint future)
{
  return past + future + 1;
}

/* @padded points at the first padding frame before the utterance's frame 0. */
static inline const float *
cep_context_window_start (const float *padded,
                          guint        pad,
                          guint        dim,
                          gsize        t,
                          guint        past)
{
  g_assert (past <= pad);
  return padded + ((gsize) pad + t - past) * dim;
}

G_END_DECLS
