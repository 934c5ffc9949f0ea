/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-depmatrix.c: `cepstra-cli depmatrix`, the dependency matrix of a run's model on one
 * utterance (core/analysis), with a summary against the band of a correct context-K model,
 * and CSV, PNG or SVG files of it.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-cli-number.h"
#include "cep-cli-progress.h"
#include "cep-analysis-figures.h"
#include "cep-plot-file.h"
#include "cep-run-data.h"

#include <glib/gi18n.h>
#include <stdio.h>

#define DEFAULT_FRAMES 200
#define FIGURE_WIDTH   1000
#define FIGURE_HEIGHT  900

typedef struct
{
  CepCliRunFlags  run;
  char           *utterance;
  gint64          start;
  int             frames;
  int             stride;
  char           *mode;
  double          rtol;
  double          atol;
  gboolean        naive;
  char           *csv;
  char           *png;
  char           *svg;
  char           *chunk;       /* --chunk/--lookahead as typed, NULL when not given */
  char           *lookahead;
  gboolean        json;
} DepmatrixFlags;

/* --chunk C [--lookahead L]: windows cut as a stream in chunks would see them. */
static gboolean
resolve_chunk (const DepmatrixFlags  *flags,
               CepChunkRegime        *regime,
               GError               **error)
{
  guint64 chunk = 0, lookahead = 0;

  if (flags->lookahead != NULL && flags->chunk == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("--lookahead needs --chunk"));
      return FALSE;
    }
  if (flags->chunk != NULL
      && (!cep_cli_number_uint ("--chunk", flags->chunk, 1, 1000000, &chunk, error)
          || (flags->lookahead != NULL
              && !cep_cli_number_uint ("--lookahead", flags->lookahead, 0, 1000000, &lookahead,
                                       error))))
    return FALSE;
  *regime = (CepChunkRegime) { (guint) chunk, (guint) lookahead };
  return TRUE;
}

static gboolean
resolve_options (const DepmatrixFlags  *flags,
                 CepDependencyOptions  *options,
                 GError               **error)
{
  cep_dependency_options_init (options);
  if (flags->mode != NULL && !cep_dependency_mode_from_name (flags->mode, &options->mode))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("unknown --mode “%s” (bool, sensitivity or gradient)"), flags->mode);
      return FALSE;
    }
  if (flags->start < 0 || flags->frames < 0 || flags->stride < 1 || !(flags->rtol >= 0)
      || !(flags->atol >= 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--start ≥ 0, --frames ≥ 0, --stride ≥ 1 and tolerances ≥ 0 are "
                     "required"));
      return FALSE;
    }
  options->start = (gsize) flags->start;
  options->stride = (guint) flags->stride;
  options->rtol = flags->rtol;
  options->atol = flags->atol;
  options->naive = flags->naive;
  return resolve_chunk (flags, &options->chunk, error);
}

/* --frames, or up to DEFAULT_FRAMES frames to the end of the utterance. */
static gboolean
resolve_range (CepPartition          *partition,
               guint                  utterance,
               const DepmatrixFlags  *flags,
               CepDependencyOptions  *options,
               GError               **error)
{
  gsize length = cep_partition_get_utterance_length (partition, utterance);

  if (options->start >= length)
    {
      g_autofree char *frames = cep_cli_format_count (length);

      /* Translators: "84-121123-0001: --start 900 is past its 523 frames". */
      g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_INVALID,
                   _("%s: --start %zu is past its %s frames"), flags->utterance,
                   (size_t) options->start, frames);
      return FALSE;
    }
  options->n_frames = flags->frames > 0 ? (guint) flags->frames
                                        : (guint) MIN (length - options->start, DEFAULT_FRAMES);
  return TRUE;
}

static gboolean
find_utterance (CepPartition  *partition,
                const char    *name,
                guint         *utterance,
                GError       **error)
{
  int found = cep_partition_lookup_utterance (partition, name);

  if (found < 0)
    {
      g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_INVALID,
                   _("%s: no utterance “%s”"), cep_partition_get_folder (partition), name);
      return FALSE;
    }
  *utterance = (guint) found;
  return TRUE;
}

static gboolean
write_outputs (const CepDependencyMatrix  *matrix,
               const DepmatrixFlags       *flags,
               GError                    **error)
{
  CepHeatmapFigure figure;
  gboolean ok = TRUE;

  if (flags->csv != NULL && !cep_dependency_matrix_write_csv (matrix, flags->csv, error))
    return FALSE;
  if (flags->png == NULL && flags->svg == NULL)
    return TRUE;
  cep_dependency_matrix_init_figure (matrix, flags->utterance, &figure);
  if (flags->png != NULL)
    ok = cep_plot_save_png (flags->png, FIGURE_WIDTH, FIGURE_HEIGHT, cep_heatmap_draw_func,
                            &figure.heatmap, error);
  if (ok && flags->svg != NULL)
    ok = cep_plot_save_svg (flags->svg, FIGURE_WIDTH, FIGURE_HEIGHT, cep_heatmap_draw_func,
                            &figure.heatmap, error);
  cep_heatmap_figure_clear (&figure);
  return ok;
}

static void
print_text_summary (const CepDependencyMatrix *matrix,
                    CepPartition              *partition,
                    const DepmatrixFlags      *flags,
                    double                     seconds,
                    gboolean                   band,
                    guint64                    leaks,
                    guint64                    missing)
{
  g_autofree char *first = cep_cli_format_count (matrix->start);
  g_autofree char *last = cep_cli_format_count (matrix->start + matrix->n_outputs - 1);
  g_autofree char *outside = cep_cli_format_count (leaks);
  g_autofree char *inside = cep_cli_format_count (missing);
  g_autofree char *rows = cep_cli_format_count (matrix->rows_evaluated);

  /* Translators: "84-121123-0001 (dev-clean), frames 0–199, stride 1, bool mode: "; the
   * mode is a --mode value. The sentence goes on with one of the next two messages. */
  printf (_("%s (%s), frames %s–%s, stride %u, %s mode: "), flags->utterance,
          cep_partition_get_name (partition), first, last, matrix->stride,
          cep_dependency_mode_get_name (matrix->mode));
  if (matrix->chunk.chunk > 0)
    /* Translators: a streamed model's expected matrix: its window, cut at each chunk's end
     * plus the look-ahead (a staircase of blocks). */
    printf (band ? _("matches the staircase of chunks of %u frames with %u frames of "
                     "look-ahead")
                 : _("DIFFERS from the staircase of chunks of %u frames with %u frames of "
                     "look-ahead"), matrix->chunk.chunk, matrix->chunk.lookahead);
  else if (matrix->context_past != matrix->context_future)
    /* Translators: the window of an asymmetric model: inputs j − past .. j + future. */
    printf (band ? _("matches the window j − %u ≤ i ≤ j + %u")
                 : _("DIFFERS from the window j − %u ≤ i ≤ j + %u"), matrix->context_past,
            matrix->context_future);
  else if (band)
    printf (_("matches the band |i − j| ≤ %u"), matrix->context);
  else
    printf (_("DIFFERS from the band |i − j| ≤ %u"), matrix->context);
  /* Translators: the end of the sentence above: counts of cells, seconds taken, rows. */
  printf (_(" (%s dependencies outside it, %s missing inside); %.3f s, %s rows\n"), outside,
          inside, seconds, rows);
}

static void
print_summary (const CepDependencyMatrix *matrix,
               CepPartition              *partition,
               const DepmatrixFlags      *flags,
               double                     seconds)
{
  guint64 leaks = 0, missing = 0;
  gboolean band = cep_dependency_matrix_matches_regime (matrix, matrix->context_past,
                                                        matrix->context_future, &matrix->chunk,
                                                        &leaks, &missing);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!flags->json)
    {
      print_text_summary (matrix, partition, flags, seconds, band, leaks, missing);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
#define MEMBER(name, kind, value) do { \
    json_builder_set_member_name (builder, name); \
    json_builder_add_##kind##_value (builder, value); \
  } while (0)
  MEMBER ("utterance", string, flags->utterance);
  MEMBER ("partition", string, cep_partition_get_name (partition));
  MEMBER ("mode", string, cep_dependency_mode_get_name (matrix->mode));
  MEMBER ("start", int, (gint64) matrix->start);
  MEMBER ("frames", int, matrix->n_outputs);
  MEMBER ("stride", int, matrix->stride);
  MEMBER ("inputs", int, matrix->n_inputs);
  MEMBER ("context", int, matrix->context);
  MEMBER ("context_past", int, matrix->context_past);
  MEMBER ("context_future", int, matrix->context_future);
  MEMBER ("chunk", int, matrix->chunk.chunk);
  MEMBER ("lookahead", int, matrix->chunk.lookahead);
  MEMBER ("matches_band", boolean, band);
  MEMBER ("outside_band", int, (gint64) leaks);
  MEMBER ("missing_in_band", int, (gint64) missing);
  MEMBER ("rows_evaluated", int, (gint64) matrix->rows_evaluated);
  MEMBER ("seconds", double, seconds);
#undef MEMBER
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_depmatrix (const char     *run_dir,
               DepmatrixFlags *flags)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepDependencyMatrix) matrix = NULL;
  g_autoptr(CepCliProgress) progress = NULL;
  g_autoptr(GError) error = NULL;
  CepDependencyOptions options;
  guint utterance;
  gint64 started;
  int exit_code;

  if (!resolve_options (flags, &options, &error))
    return cep_cli_usage_error ("depmatrix", "%s", error->message);
  exit_code = cep_cli_open_run ("depmatrix", run_dir, &flags->run, FALSE, &run, &partition);
  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  if (!find_utterance (partition, flags->utterance, &utterance, &error)
      || !resolve_range (partition, utterance, flags, &options, &error))
    return cep_cli_fail ("depmatrix", error, CEP_CLI_EXIT_INVALID_DATA);
  progress = cep_cli_progress_new (_("dependency matrix"), _("steps"));
  options.progress = cep_cli_progress_func;
  options.progress_data = progress;
  started = g_get_monotonic_time ();
  matrix = cep_dependency_matrix_compute_utterance (cep_run_data_get_network (run), partition,
                                                    utterance, &options,
                                                    cep_cli_get_cancellable (), &error);
  g_clear_pointer (&progress, cep_cli_progress_free);
  if (matrix == NULL)
    return cep_cli_fail ("depmatrix", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!write_outputs (matrix, flags, &error))
    return cep_cli_fail ("depmatrix", error, CEP_CLI_EXIT_OUTPUT);
  print_summary (matrix, partition, flags,
                 (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);
  return CEP_CLI_EXIT_OK;
}

static void
depmatrix_flags_clear (DepmatrixFlags *flags)
{
  cep_cli_run_flags_clear (&flags->run);
  g_free (flags->utterance);
  g_free (flags->mode);
  g_free (flags->csv);
  g_free (flags->png);
  g_free (flags->svg);
  g_free (flags->chunk);
  g_free (flags->lookahead);
}

int
cep_cli_depmatrix_run (int    argc,
                       char **argv)
{
  DepmatrixFlags flags = { .stride = 1, .rtol = 1e-5, .atol = 1e-8 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "utterance", 'u', 0, G_OPTION_ARG_STRING, &flags.utterance,
      N_("Utterance name (required), e.g. 84-121123-0001"), "NAME" },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.run.partition,
      N_("Partition holding it (default: the dev partition)"), "NAME" },
    { "start", 0, 0, G_OPTION_ARG_INT64, &flags.start, N_("First frame (default 0)"), "F" },
    { "frames", 'T', 0, G_OPTION_ARG_INT, &flags.frames,
      N_("Frames T (default: up to 200, to the end of the utterance)"), "T" },
    { "stride", 0, 0, G_OPTION_ARG_INT, &flags.stride,
      N_("Perturb every S-th input frame (default 1)"), "S" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &flags.mode,
      N_("bool (default), sensitivity (size of the logit change) or gradient"), "MODE" },
    { "rtol", 0, 0, G_OPTION_ARG_DOUBLE, &flags.rtol, N_("Relative tolerance (default 1e-5)"),
      "R" },
    { "atol", 0, 0, G_OPTION_ARG_DOUBLE, &flags.atol, N_("Absolute tolerance (default 1e-8)"),
      "A" },
    { "naive", 0, 0, G_OPTION_ARG_NONE, &flags.naive,
      N_("Recompute all T outputs for every perturbation (the slow reference)"), NULL },
    { "chunk", 0, 0, G_OPTION_ARG_STRING, &flags.chunk,
      N_("Stream in chunks of C frames: windows cut at each chunk's end (default: whole "
         "utterances)"), "C" },
    { "lookahead", 0, 0, G_OPTION_ARG_STRING, &flags.lookahead,
      N_("Frames known past each chunk's end (default 0; needs --chunk)"), "L" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.csv, N_("Write the cells as CSV"), "OUT" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png, N_("Draw the matrix as PNG"), "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &flags.svg, N_("Draw the matrix as SVG"), "OUT" },
    { "checkpoint", 'c', 0, G_OPTION_ARG_STRING, &flags.run.checkpoint,
      N_("best or last (default: best if saved)"), "WHICH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.run.backend,
      N_("Backend (default: the run's)"), "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &flags.run.device,
      N_("The vulkan backend's device, an index or part of its name (default: the run's)"),
      "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.run.threads,
      N_("Compute threads (default: the run's)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print the summary as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("depmatrix", "RUNDIR",
                              N_("Perturbs one input frame at a time and marks the output frames "
                                 "whose logits change (torch.allclose tolerances), as SpeechBrain's"
                                 "\ninfer_dependency_matrix does, through the dataset's window "
                                 "extraction and the model in evaluation mode. A correct model\n"
                                 "with context K gives the band |i − j| ≤ K.\n"
                                 "Exit status: 0 done, 1 usage error, 2 invalid run, data or "
                                 "utterance (or a non-deterministic model), 3 file not written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("depmatrix", "%s", _("expected one RUNDIR"));
  else if (flags.utterance == NULL)
    exit_code = cep_cli_usage_error ("depmatrix", "%s", _("--utterance is required"));
  else
    exit_code = run_depmatrix (rest[0], &flags);

out:
  depmatrix_flags_clear (&flags);
  return exit_code;
}
