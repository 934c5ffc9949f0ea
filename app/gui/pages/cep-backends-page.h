/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backends-page.h: the Backends page — how fast each compute backend of this machine is.
 *
 * Runs core/analysis's benchmark (cep-benchmark.h, what `cepstra-cli bench` reports) in the
 * background: the seed notebook's matrix product on every backend and through OpenBLAS
 * directly, with the speedup over the plain-C reference, and a training step and an inference
 * pass of the session's model. Each backend's row appears as soon as it is measured; the
 * training throughput is drawn as a bar chart.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_BACKENDS_PAGE (cep_backends_page_get_type ())
G_DECLARE_FINAL_TYPE (CepBackendsPage, cep_backends_page, CEP, BACKENDS_PAGE, GtkWidget)

void     cep_backends_page_set_session (CepBackendsPage *self,
                                        CepSession      *session);
/* Starts the measurements (FALSE when they are already running); "finished" follows. */
gboolean cep_backends_page_run         (CepBackendsPage *self);
gboolean cep_backends_page_is_running  (CepBackendsPage *self);
/* Timed runs per measurement (default 5; the seed product takes 4 times as many). Medians of
 * fewer runs are noisier: tests use 1. */
void     cep_backends_page_set_repeat  (CepBackendsPage *self,
                                        guint            repeat);
/* Rows measured so far (backends, plus the direct OpenBLAS row). */
guint    cep_backends_page_get_n_rows  (CepBackendsPage *self);

G_END_DECLS
