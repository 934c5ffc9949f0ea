/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-progress.h: a one-line progress indicator with a rate and an ETA, drawn on stderr
 * only when stderr is a terminal, at most ten times a second, safe to update from any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepCliProgress CepCliProgress;

CepCliProgress *cep_cli_progress_new    (const char     *label,
                                         const char     *unit);
void            cep_cli_progress_update (CepCliProgress *self,
                                         gsize           done,
                                         gsize           total);
/* A CepProgressFunc-compatible trampoline: @user_data is the CepCliProgress. */
void            cep_cli_progress_func   (gsize           done,
                                         gsize           total,
                                         gpointer        user_data);
/* Erases the line (if one was drawn) and frees. */
void            cep_cli_progress_free   (CepCliProgress *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepCliProgress, cep_cli_progress_free)

G_END_DECLS
