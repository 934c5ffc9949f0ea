/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-context-window.h: where the context window of a frame starts in a zero-padded frame block.
 *
 * The one definition of "the window of frame t": frames t-K .. t+K of an utterance stored with
 * @pad >= K zero frames on each side, as (2K+1)*dim contiguous floats. The partition's frame
 * store and the dependency-matrix analysis (which perturbs a private copy of an utterance) both
 * use it, so the analysis tests the same extraction that training uses.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @padded points at the first padding frame before the utterance's frame 0. */
static inline const float *
cep_context_window_start (const float *padded,
                          guint        pad,
                          guint        dim,
                          gsize        t,
                          guint        k)
{
  g_assert (k <= pad);
  return padded + ((gsize) pad + t - k) * dim;
}

G_END_DECLS
