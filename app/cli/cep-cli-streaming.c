/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-streaming.c: `cepstra-cli streaming`, what streaming a run's model would cost: dev
 * accuracy for each chunk size and look-ahead against the latency it buys
 * (core/analysis/cep-streaming-whatif.h), the receptive field, a flag when the model looks
 * further ahead than it declares, and a mark on each look-ahead shorter than the model's reach.
 * As text, JSON, CSV and a PNG plot.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-number.h"
#include "cep-cli-progress.h"
#include "cep-run-data.h"
#include "cep-streaming-whatif.h"

#include <glib/gi18n.h>
#include <stdio.h>

#define MAX_FRAMES 1000000
#define MAX_LIST   64

typedef struct
{
  CepCliRunFlags  run;
  char           *chunks_text;
  char           *lookaheads_text;
  char           *frame_shift_text;
  char           *csv;
  char           *png;
  gboolean        json;
  GArray         *chunks;       /* of guint */
  GArray         *lookaheads;
  double          frame_shift_ms;
} StreamingFlags;

/* "1,8,32" into @values, each in [@min, MAX_FRAMES]; a usage error names @flag. */
static gboolean
parse_list (const char  *flag,
            const char  *text,
            guint        min,
            GArray      *values,
            GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  guint n = g_strv_length (items);

  if (n == 0 || n > MAX_LIST)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: expected 1 to %u comma-separated numbers, not “%s”"), flag, MAX_LIST,
                   text);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      guint64 value;

      if (!cep_cli_number_uint (flag, g_strstrip (items[i]), min, MAX_FRAMES, &value, error))
        return FALSE;
      g_array_append_vals (values, &(guint) { (guint) value }, 1);
    }
  return TRUE;
}

static gboolean
parse_flags (StreamingFlags  *flags,
             GError         **error)
{
  flags->frame_shift_ms = 10.0;
  return parse_list ("--chunks", flags->chunks_text ? flags->chunks_text : "1,8,32,128", 1,
                     flags->chunks, error)
         && parse_list ("--lookahead", flags->lookaheads_text ? flags->lookaheads_text
                                                               : "0,2,5,10",
                        0, flags->lookaheads, error)
         && (flags->frame_shift_text == NULL
             || cep_cli_number_double ("--frame-shift", flags->frame_shift_text, 0, FALSE,
                                       1000, TRUE, &flags->frame_shift_ms, error));
}

static void
print_text (const CepStreamingWhatif *whatif)
{
  gboolean flagged = FALSE;

  /* Translators: the model's receptive field, declared and measured by its dependency
   * matrix: "receptive field: 5 past + 5 future frames (dependency matrix: 5 + 5)". */
  printf (_("receptive field: %u past + %u future frames (dependency matrix: %u + %u)\n"),
          whatif->declared_past, whatif->declared_future, whatif->measured_past,
          whatif->measured_future);
  if (whatif->reaches_past_lookahead)
    printf ("%s\n", _("WARNING: the dependency matrix reaches past the declared context: "
                      "the model looks further ahead than its look-ahead says"));
  printf (_("offline (whole utterances): accuracy %.2f %%\n"), 100 * whatif->offline.accuracy);
  /* Translators: the table's header; keep the columns aligned with the rows below. */
  printf ("%s\n", _("  chunk  look-ahead  latency (ms)  accuracy"));
  for (guint i = 0; i < whatif->cells->len; i++)
    {
      const CepStreamingCell *cell = &g_array_index (whatif->cells, CepStreamingCell, i);

      printf ("%7u  %10u  %12.0f  %7.2f %%%s\n", cell->regime.chunk, cell->regime.lookahead,
              cell->latency_ms, 100 * cell->result.accuracy,
              cell->reaches_past_lookahead ? "  *" : "");
      flagged |= cell->reaches_past_lookahead;
    }
  if (flagged)
    /* Translators: the footnote of the rows marked "*"; %u is a number of frames. */
    printf (_("* the model reads %u future frames, more than this look-ahead gives it\n"),
            whatif->measured_future);
}

static void
add_cell_json (JsonBuilder            *builder,
               const CepStreamingCell *cell)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chunk");
  json_builder_add_int_value (builder, cell->regime.chunk);
  json_builder_set_member_name (builder, "lookahead");
  json_builder_add_int_value (builder, cell->regime.lookahead);
  json_builder_set_member_name (builder, "chunk_ms");
  json_builder_add_double_value (builder, cell->chunk_ms);
  json_builder_set_member_name (builder, "lookahead_ms");
  json_builder_add_double_value (builder, cell->lookahead_ms);
  json_builder_set_member_name (builder, "latency_ms");
  json_builder_add_double_value (builder, cell->latency_ms);
  json_builder_set_member_name (builder, "accuracy");
  json_builder_add_double_value (builder, cell->result.accuracy);
  json_builder_set_member_name (builder, "loss");
  json_builder_add_double_value (builder, cell->result.loss);
  json_builder_set_member_name (builder, "reaches_past_lookahead");
  json_builder_add_boolean_value (builder, cell->reaches_past_lookahead);
  json_builder_end_object (builder);
}

static void
print_json (const CepStreamingWhatif *whatif,
            CepPartition             *partition)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
#define MEMBER(name, kind, value) do { \
    json_builder_set_member_name (builder, name); \
    json_builder_add_##kind##_value (builder, value); \
  } while (0)
  MEMBER ("partition", string, cep_partition_get_name (partition));
  MEMBER ("frame_shift_ms", double, whatif->frame_shift_ms);
  MEMBER ("context_past", int, whatif->declared_past);
  MEMBER ("context_future", int, whatif->declared_future);
  MEMBER ("measured_past", int, whatif->measured_past);
  MEMBER ("measured_future", int, whatif->measured_future);
  MEMBER ("reaches_past_lookahead", boolean, whatif->reaches_past_lookahead);
  MEMBER ("offline_accuracy", double, whatif->offline.accuracy);
  MEMBER ("offline_loss", double, whatif->offline.loss);
#undef MEMBER
  json_builder_set_member_name (builder, "cells");
  json_builder_begin_array (builder);
  for (guint i = 0; i < whatif->cells->len; i++)
    add_cell_json (builder, &g_array_index (whatif->cells, CepStreamingCell, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static gboolean
write_outputs (const CepStreamingWhatif  *whatif,
               const StreamingFlags      *flags,
               GError                   **error)
{
  return (flags->csv == NULL || cep_streaming_whatif_write_csv (whatif, flags->csv, error))
         && (flags->png == NULL
             || cep_streaming_whatif_save_png (whatif, flags->png, 900, 560, error));
}

static int
run_streaming (const char     *run_dir,
               StreamingFlags *flags)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepStreamingWhatif) whatif = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  if (!parse_flags (flags, &error))
    return cep_cli_usage_error ("streaming", "%s", error->message);
  exit_code = cep_cli_open_run ("streaming", run_dir, &flags->run, TRUE, &run, &partition);
  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  whatif = cep_streaming_whatif_compute (cep_run_data_get_network (run), partition,
                                         (const guint *) flags->chunks->data, flags->chunks->len,
                                         (const guint *) flags->lookaheads->data,
                                         flags->lookaheads->len, flags->frame_shift_ms,
                                         cep_cli_get_cancellable (), &error);
  if (whatif == NULL)
    return cep_cli_fail ("streaming", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!write_outputs (whatif, flags, &error))
    return cep_cli_fail ("streaming", error, CEP_CLI_EXIT_OUTPUT);
  if (flags->json)
    print_json (whatif, partition);
  else
    print_text (whatif);
  return CEP_CLI_EXIT_OK;
}

static void
streaming_flags_clear (StreamingFlags *flags)
{
  cep_cli_run_flags_clear (&flags->run);
  g_free (flags->chunks_text);
  g_free (flags->lookaheads_text);
  g_free (flags->frame_shift_text);
  g_free (flags->csv);
  g_free (flags->png);
  g_array_unref (flags->chunks);
  g_array_unref (flags->lookaheads);
}

int
cep_cli_streaming_run (int    argc,
                       char **argv)
{
  StreamingFlags flags = { .chunks = g_array_new (FALSE, FALSE, sizeof (guint)),
                           .lookaheads = g_array_new (FALSE, FALSE, sizeof (guint)) };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "chunks", 0, 0, G_OPTION_ARG_STRING, &flags.chunks_text,
      N_("Chunk sizes in frames, comma-separated (default 1,8,32,128)"), "C,…" },
    { "lookahead", 0, 0, G_OPTION_ARG_STRING, &flags.lookaheads_text,
      N_("Look-aheads in frames, comma-separated (default 0,2,5,10)"), "L,…" },
    { "frame-shift", 0, 0, G_OPTION_ARG_STRING, &flags.frame_shift_text,
      N_("Milliseconds per frame (default 10, HW1P2's MFCCs)"), "MS" },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.run.partition,
      N_("Labelled partition (default: the dev partition)"), "NAME" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.csv, N_("Write the table as CSV"), "OUT" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png,
      N_("Plot accuracy against latency as PNG"), "OUT" },
    { "checkpoint", 'c', 0, G_OPTION_ARG_STRING, &flags.run.checkpoint,
      N_("best or last (default: best if saved)"), "WHICH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.run.backend,
      N_("Backend (default: the run's)"), "NAME" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.run.threads,
      N_("Compute threads (default: the run's)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print the table as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("streaming", "RUNDIR",
                              N_("Evaluates the run on the dev partition streamed in chunks of C "
                                 "frames with L frames of look-ahead\n(SpeechBrain's "
                                 "split_fixed_chunks), for every C and L given; latency is "
                                 "(C + L) frames.\nExit status: 0 done, 1 usage error, 2 invalid "
                                 "run or data, 3 file not written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("streaming", "%s", _("expected one RUNDIR"));
  else
    exit_code = run_streaming (rest[0], &flags);

out:
  streaming_flags_clear (&flags);
  return exit_code;
}
