/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-streaming-whatif.c: the latency/accuracy table of a run and its receptive field.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-streaming-whatif.h"

#include <math.h>

#include "cep-atomic-file.h"
#include "cep-chunked-eval.h"
#include "cep-dependency-matrix.h"
#include "cep-line-plot.h"
#include "cep-plot-file.h"

/* Enough frames to see any window of the presets whole in the middle of the probe. */
#define PROBE_FRAMES 64

static gboolean
check_request (guint         n_chunks,
               const guint  *chunks,
               guint         n_lookaheads,
               double        frame_shift_ms,
               GError      **error)
{
  const char *problem = NULL;

  if (n_chunks == 0 || n_lookaheads == 0)
    problem = "no chunk size or no look-ahead to try";
  else if (!(frame_shift_ms > 0 && isfinite (frame_shift_ms)))
    problem = "the frame shift must be a positive number of milliseconds";
  for (guint i = 0; problem == NULL && i < n_chunks; i++)
    if (chunks[i] == 0)
      problem = "a chunk holds at least one frame";
  if (problem == NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", problem);
  return FALSE;
}

/* The offline dependency matrix of the first utterance: how far the outputs really reach. */
static gboolean
measure_reach (CepStreamingWhatif  *whatif,
               CepNetwork          *network,
               CepPartition        *partition,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(CepDependencyMatrix) matrix = NULL;
  CepDependencyOptions options;

  cep_dependency_options_init (&options);
  options.n_frames = (guint) MIN (PROBE_FRAMES, cep_partition_get_utterance_length (partition,
                                                                                    0));
  matrix = cep_dependency_matrix_compute_utterance (network, partition, 0, &options,
                                                    cancellable, error);
  if (matrix == NULL)
    return FALSE;
  cep_dependency_matrix_get_reach (matrix, &whatif->measured_past, &whatif->measured_future);
  whatif->reaches_past_lookahead = whatif->measured_past > whatif->declared_past
                                   || whatif->measured_future > whatif->declared_future;
  return TRUE;
}

static gboolean
evaluate_cells (CepStreamingWhatif  *whatif,
                CepNetwork          *network,
                CepPartition        *partition,
                const guint         *chunks,
                guint                n_chunks,
                const guint         *lookaheads,
                guint                n_lookaheads,
                GCancellable        *cancellable,
                GError             **error)
{
  double shift = whatif->frame_shift_ms;

  for (guint c = 0; c < n_chunks; c++)
    for (guint l = 0; l < n_lookaheads; l++)
      {
        CepStreamingCell cell = {
          .regime = { chunks[c], lookaheads[l] },
          .chunk_ms = chunks[c] * shift,
          .lookahead_ms = lookaheads[l] * shift,
          .latency_ms = ((double) chunks[c] + lookaheads[l]) * shift,
          .reaches_past_lookahead = whatif->measured_future > lookaheads[l],
        };

        if (!cep_network_evaluate_chunked (network, partition, &cell.regime, cancellable,
                                           &cell.result, error))
          return FALSE;
        g_array_append_val (whatif->cells, cell);
      }
  return TRUE;
}

CepStreamingWhatif *
cep_streaming_whatif_compute (CepNetwork    *network,
                              CepPartition  *partition,
                              const guint   *chunks,
                              guint          n_chunks,
                              const guint   *lookaheads,
                              guint          n_lookaheads,
                              double         frame_shift_ms,
                              GCancellable  *cancellable,
                              GError       **error)
{
  static const CepChunkRegime offline = { 0, 0 };
  const CepModelSpec *spec;
  g_autoptr(CepStreamingWhatif) whatif = NULL;

  g_return_val_if_fail (network != NULL && CEP_IS_PARTITION (partition), NULL);

  if (!check_request (n_chunks, chunks, n_lookaheads, frame_shift_ms, error))
    return NULL;
  spec = cep_network_get_spec (network);
  whatif = g_new0 (CepStreamingWhatif, 1);
  whatif->cells = g_array_new (FALSE, TRUE, sizeof (CepStreamingCell));
  whatif->frame_shift_ms = frame_shift_ms;
  whatif->declared_past = cep_model_spec_get_context_past (spec);
  whatif->declared_future = cep_model_spec_get_context_future (spec);
  if (!cep_network_evaluate_chunked (network, partition, &offline, cancellable,
                                     &whatif->offline, error)
      || !measure_reach (whatif, network, partition, cancellable, error)
      || !evaluate_cells (whatif, network, partition, chunks, n_chunks, lookaheads,
                          n_lookaheads, cancellable, error))
    return NULL;
  return g_steal_pointer (&whatif);
}

void
cep_streaming_whatif_free (CepStreamingWhatif *whatif)
{
  if (whatif == NULL)
    return;
  g_array_unref (whatif->cells);
  g_free (whatif);
}

typedef struct
{
  CepNetwork   *network;
  CepPartition *partition;
  GArray       *chunks;
  GArray       *lookaheads;
  double        frame_shift_ms;
} ComputeJob;

static void
compute_job_free (gpointer data)
{
  ComputeJob *job = data;

  g_object_unref (job->partition);
  g_array_unref (job->chunks);
  g_array_unref (job->lookaheads);
  g_free (job);
}

static void
compute_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  ComputeJob *job = data;
  GError *error = NULL;
  CepStreamingWhatif *whatif;

  whatif = cep_streaming_whatif_compute (job->network, job->partition,
                                         (const guint *) job->chunks->data, job->chunks->len,
                                         (const guint *) job->lookaheads->data,
                                         job->lookaheads->len, job->frame_shift_ms, cancellable,
                                         &error);
  if (whatif == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, whatif, (GDestroyNotify) cep_streaming_whatif_free);
}

static GArray *
copy_list (const guint *values,
           guint        n)
{
  GArray *list = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);

  g_array_append_vals (list, values, n);
  return list;
}

void
cep_streaming_whatif_compute_async (CepNetwork          *network,
                                    CepPartition        *partition,
                                    const guint         *chunks,
                                    guint                n_chunks,
                                    const guint         *lookaheads,
                                    guint                n_lookaheads,
                                    double               frame_shift_ms,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ComputeJob *job = g_new0 (ComputeJob, 1);

  job->network = network;
  job->partition = g_object_ref (partition);
  job->chunks = copy_list (chunks, n_chunks);
  job->lookaheads = copy_list (lookaheads, n_lookaheads);
  job->frame_shift_ms = frame_shift_ms;
  g_task_set_task_data (task, job, compute_job_free);
  g_task_run_in_thread (task, compute_in_thread);
}

CepStreamingWhatif *
cep_streaming_whatif_compute_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
append_csv_row (GString             *text,
                const CepChunkRegime *regime,
                double               shift,
                const CepEvalResult *result)
{
  char numbers[5][G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (text, "%u,%u,%s,%s,%s,%s,%s\n", regime->chunk, regime->lookahead,
                          g_ascii_formatd (numbers[0], sizeof numbers[0], "%g",
                                           regime->chunk * shift),
                          g_ascii_formatd (numbers[1], sizeof numbers[1], "%g",
                                           regime->lookahead * shift),
                          g_ascii_formatd (numbers[2], sizeof numbers[2], "%g",
                                           ((double) regime->chunk + regime->lookahead) * shift),
                          g_ascii_formatd (numbers[3], sizeof numbers[3], "%.6f",
                                           result->accuracy),
                          g_ascii_formatd (numbers[4], sizeof numbers[4], "%.6f",
                                           result->loss));
}

gboolean
cep_streaming_whatif_write_csv (const CepStreamingWhatif *whatif,
                                const char               *path,
                                GError                  **error)
{
  static const CepChunkRegime offline = { 0, 0 };
  g_autoptr(GString) text = g_string_new ("chunk,lookahead,chunk_ms,lookahead_ms,latency_ms,"
                                          "accuracy,loss\n");

  append_csv_row (text, &offline, whatif->frame_shift_ms, &whatif->offline);
  for (guint i = 0; i < whatif->cells->len; i++)
    {
      const CepStreamingCell *cell = &g_array_index (whatif->cells, CepStreamingCell, i);

      append_csv_row (text, &cell->regime, whatif->frame_shift_ms, &cell->result);
    }
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}

/* The figure's data: per chunk size, x = latency, y = accuracy over the look-aheads. */
typedef struct
{
  GPtrArray *names;
  GArray    *series;
  GPtrArray *arrays;
  double     offline_x[2];
  double     offline_y[2];
} Figure;

static void
figure_clear (Figure *figure)
{
  g_ptr_array_unref (figure->names);
  g_array_unref (figure->series);
  g_ptr_array_unref (figure->arrays);
}

static void
add_chunk_series (Figure                   *figure,
                  const CepStreamingWhatif *whatif,
                  guint                     first,
                  guint                     n)
{
  double *x = g_new (double, n), *y = g_new (double, n);
  const CepStreamingCell *cells = &g_array_index (whatif->cells, CepStreamingCell, first);
  char *name = g_strdup_printf ("chunk %u", cells[0].regime.chunk);
  CepLineSeries series = { .name = name, .x = x, .y = y, .n = n, .markers = TRUE };

  for (guint i = 0; i < n; i++)
    {
      x[i] = cells[i].latency_ms;
      y[i] = cells[i].result.accuracy;
    }
  g_ptr_array_add (figure->names, name);
  g_ptr_array_add (figure->arrays, x);
  g_ptr_array_add (figure->arrays, y);
  g_array_append_val (figure->series, series);
}

static void
figure_init (Figure                   *figure,
             const CepStreamingWhatif *whatif)
{
  const CepStreamingCell *cells = (const CepStreamingCell *) whatif->cells->data;
  guint n = whatif->cells->len, first = 0;
  CepLineSeries offline = { .name = "offline", .x = figure->offline_x, .y = figure->offline_y,
                            .n = 2, .dashed = TRUE };

  figure->names = g_ptr_array_new_with_free_func (g_free);
  figure->arrays = g_ptr_array_new_with_free_func (g_free);
  figure->series = g_array_new (FALSE, TRUE, sizeof (CepLineSeries));
  /* Cells come chunk by chunk: each run of one chunk size is a line. */
  for (guint i = 1; i <= n; i++)
    if (i == n || cells[i].regime.chunk != cells[first].regime.chunk)
      {
        add_chunk_series (figure, whatif, first, i - first);
        first = i;
      }
  figure->offline_x[0] = 0;
  figure->offline_x[1] = 0;
  for (guint i = 0; i < n; i++)
    figure->offline_x[1] = MAX (figure->offline_x[1], cells[i].latency_ms);
  figure->offline_y[0] = figure->offline_y[1] = whatif->offline.accuracy;
  g_array_append_val (figure->series, offline);
}

gboolean
cep_streaming_whatif_save_png (const CepStreamingWhatif *whatif,
                               const char               *path,
                               int                       width,
                               int                       height,
                               GError                  **error)
{
  Figure figure;
  CepLinePlot plot;
  gboolean ok;

  figure_init (&figure, whatif);
  cep_line_plot_init (&plot);
  plot.title = "Streaming: dev accuracy against algorithmic latency";
  plot.x_label = "latency: chunk + look-ahead (ms)";
  plot.x_kind = CEP_PLOT_TICKS_NUMBER;
  plot.panels[0].y_label = "accuracy (%)";
  plot.panels[0].y_display_scale = 100;
  plot.series = (const CepLineSeries *) figure.series->data;
  plot.n_series = figure.series->len;
  ok = cep_plot_save_png (path, width, height, cep_line_plot_draw_func, &plot, error);
  figure_clear (&figure);
  return ok;
}
