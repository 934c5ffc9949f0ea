/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-workers.h: a tiny persistent thread team for the CPU backends' loops.
 *
 * cep_workers_run() splits a job into parts and runs part p on thread p % n_threads, the
 * caller being thread 0, then returns when all parts are done. Parts are assigned statically,
 * never stolen, so a job that writes disjoint ranges per part gives the same result for any
 * team size. Idle threads spin briefly (a training step issues operations back to back) and
 * then sleep. Not thread-safe: one caller at a time.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepWorkers CepWorkers;

typedef void (*CepWorkFunc) (gpointer data,
                             guint    part,
                             guint    n_parts);

/* A team of @n_threads threads counting the caller (1 = run everything inline). */
CepWorkers *cep_workers_new           (guint        n_threads);
void        cep_workers_free          (CepWorkers  *workers);
guint       cep_workers_get_n_threads (CepWorkers  *workers);
void        cep_workers_run           (CepWorkers  *workers,
                                       CepWorkFunc  func,
                                       gpointer     data,
                                       guint        n_parts);

/* The [start, end) of part @part when @n items are split into @n_parts near-equal ranges
 * whose boundaries are multiples of @align (except the end). */
void        cep_workers_split         (gsize        n,
                                       guint        part,
                                       guint        n_parts,
                                       gsize        align,
                                       gsize       *start,
                                       gsize       *end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepWorkers, cep_workers_free)

G_END_DECLS
