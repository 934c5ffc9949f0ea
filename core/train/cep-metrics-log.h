/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-metrics-log.h: metrics.jsonl, one JSON object per line, appended as a run goes.
 *
 * Lines are written whole with one write(2) each, so a reader (the GUI's plot, `tail -f`)
 * never sees half a line from a live run, and a crash loses at most the line being written.
 * Resuming a run cuts the file back to the lines it held at the checkpoint. The trainer
 * decides the contents (cep-trainer.h documents them); this module only keeps the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CepMetricsLog CepMetricsLog;

/* Opens @path for appending after keeping its first @keep_lines lines (0: start empty,
 * G_MAXUINT64: keep everything), creating it if needed. */
CepMetricsLog *cep_metrics_log_open       (const char     *path,
                                           guint64         keep_lines,
                                           GError        **error);
void           cep_metrics_log_free       (CepMetricsLog  *log);
/* Appends @line (one JSON object, no newline) and a newline. */
gboolean       cep_metrics_log_append     (CepMetricsLog  *log,
                                           const char     *line,
                                           GError        **error);
/* Lines in the file (kept + appended). */
guint64        cep_metrics_log_get_n_lines (CepMetricsLog *log);
/* Flushes the file to disk (at checkpoints). */
gboolean       cep_metrics_log_sync       (CepMetricsLog  *log,
                                           GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepMetricsLog, cep_metrics_log_free)

G_END_DECLS
