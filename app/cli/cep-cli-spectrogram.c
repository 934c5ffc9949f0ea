/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-spectrogram.c: `cepstra-cli spectrogram`, one utterance as the Data and Analyze
 * pages draw it (core's CepSpectrogramFigure): normalized or raw features over the phoneme
 * track, the SpecAugment masks of one sample's window as bands or as the model sees them,
 * and a run's predictions as a second track; PNG or SVG.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-plot-file.h"
#include "cep-run-data.h"
#include "cep-spectrogram-figure.h"

#include <glib/gi18n.h>
#include <stdio.h>

typedef struct
{
  char     *utterance;
  char     *partition;
  char     *run;
  char     *experiment;
  gboolean  raw;
  gboolean  augment;
  gboolean  model_view;
  int       sample_frame;
  gint64    batch;
  gint64    seed;
  int       context;
  char     *png;
  char     *svg;
  int       width;
  int       height;
} SpectrogramFlags;

/* The masks' settings: an experiment file's (a run's), or the defaults with --augment. */
static CepExperiment *
mask_experiment (const SpectrogramFlags  *flags,
                 const CepExperiment     *run_experiment,
                 GError                 **error)
{
  CepExperiment *experiment;

  if (flags->experiment != NULL)
    experiment = cep_experiment_load (flags->experiment, NULL, error);
  else if (run_experiment != NULL)
    experiment = cep_experiment_copy (run_experiment);
  else
    experiment = cep_experiment_new ();
  if (experiment == NULL)
    return NULL;
  if (flags->augment)
    experiment->augment.enabled = TRUE;
  if (flags->seed >= 0)
    experiment->seed = (guint64) flags->seed;
  if (flags->context >= 0)
    cep_model_spec_set_context_window (experiment->model, (guint) flags->context,
                                       (guint) flags->context);
  return experiment;
}

static gboolean
save (const SpectrogramFlags  *flags,
      CepSpectrogramFigure    *figure,
      GError                 **error)
{
  if (flags->png != NULL
      && !cep_plot_save_png (flags->png, flags->width, flags->height,
                             cep_spectrogram_plot_draw_func, &figure->plot, error))
    return FALSE;
  return flags->svg == NULL
         || cep_plot_save_svg (flags->svg, flags->width, flags->height,
                               cep_spectrogram_plot_draw_func, &figure->plot, error);
}

/* Predicts the whole partition with the run (what Analyze shows) and keeps the utterance's. */
static guint8 *
predict (CepRunData    *run,
         CepPartition  *partition,
         GError       **error)
{
  g_autofree guint8 *all = g_new (guint8, MAX (cep_partition_get_n_frames (partition), 1));

  if (!cep_network_predict (cep_run_data_get_network (run), partition,
                            cep_cli_get_cancellable (), all, error))
    return NULL;
  return g_steal_pointer (&all);
}

static int
draw (const SpectrogramFlags *flags,
      CepPartition           *partition,
      CepRunData             *run)
{
  g_autoptr(CepExperiment) masks = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *predicted = NULL;
  CepSpectrogramFigureOptions options;
  CepSpectrogramFigure figure;
  int utterance = cep_partition_lookup_utterance (partition, flags->utterance);
  gboolean ok;

  if (utterance < 0)
    return cep_cli_usage_error ("spectrogram", _("%s: no utterance “%s”"),
                                cep_partition_get_name (partition), flags->utterance);
  masks = mask_experiment (flags, run != NULL ? cep_run_data_get_experiment (run) : NULL,
                           &error);
  if (masks == NULL)
    return cep_cli_fail ("spectrogram", error, CEP_CLI_EXIT_INVALID_DATA);
  if (run != NULL && (predicted = predict (run, partition, &error)) == NULL)
    return cep_cli_fail ("spectrogram", error, CEP_CLI_EXIT_INVALID_DATA);
  cep_spectrogram_figure_options_init (&options);
  options.raw = flags->raw;
  options.experiment = masks;
  options.sample_frame = flags->sample_frame >= 0
                         ? (guint) flags->sample_frame
                         : (guint) cep_partition_get_utterance_length (partition, utterance) / 2;
  options.batch = flags->batch >= 0 ? (guint64) flags->batch : 0;
  options.model_view = flags->model_view;
  options.predicted = predicted != NULL
                      ? predicted + cep_partition_get_utterance_start (partition, utterance)
                      : NULL;
  if (!cep_spectrogram_figure_init (&figure, partition, utterance, &options, &error))
    return cep_cli_usage_error ("spectrogram", "%s", error->message);
  ok = save (flags, &figure, &error);
  printf (_("%s: %s, %u frames, %u masks\n"), flags->png != NULL ? flags->png : flags->svg,
          flags->utterance, figure.plot.n_frames, figure.plot.n_masks);
  cep_spectrogram_figure_clear (&figure);
  return ok ? CEP_CLI_EXIT_OK : cep_cli_fail ("spectrogram", error, CEP_CLI_EXIT_OUTPUT);
}

static int
run_spectrogram (const char             *dataset_path,
                 const SpectrogramFlags *flags)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  CepCliRunFlags run_flags = { .partition = flags->partition };
  CepPartition *loaded;
  int exit_code;

  /* With a run, the data as it trained on (its normalization and phoneme table). */
  if (flags->run != NULL)
    {
      exit_code = cep_cli_open_run ("spectrogram", flags->run, &run_flags, FALSE, &run,
                                    &partition);
      return exit_code != CEP_CLI_EXIT_OK ? exit_code : draw (flags, partition, run);
    }
  if ((root = cep_cli_resolve_dataset (dataset_path, &error)) == NULL
      || (dataset = cep_dataset_open (root, NULL, &error)) == NULL)
    return cep_cli_fail ("spectrogram", error, CEP_CLI_EXIT_INVALID_DATA);
  loaded = cep_dataset_load_partition (dataset, flags->partition != NULL
                                                ? flags->partition
                                                : cep_dataset_get_train_name (dataset),
                                       cep_cli_get_cancellable (), NULL, NULL, &error);
  if (loaded == NULL)
    return cep_cli_fail ("spectrogram", error, CEP_CLI_EXIT_INVALID_DATA);
  return draw (flags, loaded, NULL);
}

int
cep_cli_spectrogram_run (int    argc,
                         char **argv)
{
  SpectrogramFlags flags = { .sample_frame = -1, .batch = -1, .seed = -1, .context = -1,
                             .width = 1200, .height = 500 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "utterance", 'u', 0, G_OPTION_ARG_STRING, &flags.utterance, N_("Utterance (required)"),
      "NAME" },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.partition,
      N_("Partition (default: the training partition; with --run its dev partition)"), "NAME" },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &flags.raw, N_("Values before normalization"), NULL },
    { "augment", 'a', 0, G_OPTION_ARG_NONE, &flags.augment,
      N_("Show the seed notebook's SpecAugment masks"), NULL },
    { "experiment", 'e', 0, G_OPTION_ARG_FILENAME, &flags.experiment,
      N_("Masks, seed and context of this experiment.json (default: the run's)"), "FILE" },
    { "model-view", 0, 0, G_OPTION_ARG_NONE, &flags.model_view,
      N_("Masked values as 0, as the model sees them (default: tinted bands)"), NULL },
    { "sample-frame", 0, 0, G_OPTION_ARG_INT, &flags.sample_frame,
      N_("The sample whose window is masked (default: the middle frame)"), "F" },
    { "batch", 'b', 0, G_OPTION_ARG_INT64, &flags.batch, N_("Which draw (batch index, default 0)"),
      "B" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &flags.seed, N_("Seed of the masks"), "S" },
    { "context", 'k', 0, G_OPTION_ARG_INT, &flags.context, N_("Context K of the window"), "K" },
    { "run", 'r', 0, G_OPTION_ARG_FILENAME, &flags.run,
      N_("Add this run's predictions as a second track"), "RUNDIR" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png, N_("Write a PNG"), "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &flags.svg, N_("Write an SVG"), "OUT" },
    { "width", 0, 0, G_OPTION_ARG_INT, &flags.width, N_("Width in pixels (default 1200)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &flags.height, N_("Height in pixels (default 500)"), "H" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("spectrogram", "[DATASET]",
                              N_("Exit status: 0 written, 1 usage error (or no such utterance), "
                                 "2 invalid data or run, 3 file not written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (flags.utterance == NULL)
    exit_code = cep_cli_usage_error ("spectrogram", "%s", _("--utterance is required"));
  else if (flags.png == NULL && flags.svg == NULL)
    exit_code = cep_cli_usage_error ("spectrogram", "%s", _("--png or --svg is required"));
  else if (rest != NULL && (g_strv_length (rest) > 1 || flags.run != NULL))
    exit_code = cep_cli_usage_error ("spectrogram", "%s",
                                     _("expected at most one DATASET (none with --run)"));
  else if (flags.width < 100 || flags.height < 100 || flags.width > 10000
           || flags.height > 10000)
    exit_code = cep_cli_usage_error ("spectrogram", "%s",
                                     _("--width and --height must be 100 to 10000"));
  else
    exit_code = run_spectrogram (rest != NULL ? rest[0] : NULL, &flags);

out:
  g_free (flags.utterance);
  g_free (flags.partition);
  g_free (flags.run);
  g_free (flags.experiment);
  g_free (flags.png);
  g_free (flags.svg);
  return exit_code;
}
