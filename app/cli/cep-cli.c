/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli.c: command dispatch and the helpers every command shares.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-config.h"

#include "cep-cli.h"
#include "cep-i18n.h"
#include "cep-dataset.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

static const CepCliCommand commands[] = {
  { "inspect", N_("Summarize a dataset: partitions, frames, classes, skipped files"),
    cep_cli_inspect_run },
  { "features", N_("Compute Kaldi-compatible MFCCs of audio files"), cep_cli_features_run },
  { "import", N_("Turn a folder of audio files (and alignments) into a partition"),
    cep_cli_import_run },
  { "batches", N_("Write the first assembled training batches to .npy files"),
    cep_cli_batches_run },
  { "make-demo", N_("Generate the demo dataset with espeak-ng"), cep_cli_make_demo_run },
  { "train", N_("Train a model: from an experiment.json or flags, into a run directory"),
    cep_cli_train_run },
  { "eval", N_("Loss and accuracy of a run's checkpoint on a labelled partition"),
    cep_cli_eval_run },
  { "predict", N_("Write a Kaggle submission (id,label) for a partition"), cep_cli_predict_run },
  { "depmatrix", N_("Which output frames depend on which input frames (dependency matrix)"),
    cep_cli_depmatrix_run },
  { "streaming", N_("Accuracy against latency if the run's model were streamed in chunks"),
    cep_cli_streaming_run },
  { "confusion", N_("Confusion matrix and per-class accuracy, precision, recall, F1"),
    cep_cli_confusion_run },
  { "plot", N_("Draw a run's loss and accuracy curves (PNG or SVG), or its metrics as CSV"),
    cep_cli_plot_run },
  { "compare", N_("Overlay runs' loss, accuracy or learning rate against steps, epochs or "
    "seconds"), cep_cli_compare_run },
  { "spectrogram", N_("Draw an utterance with its phonemes, masks and a run's predictions"),
    cep_cli_spectrogram_run },
  { "bench", N_("Benchmark the backends: seed product, training and inference throughput"),
    cep_cli_bench_run },
  { "backends", N_("List the backends and devices this machine can train on"),
    cep_cli_backends_run },
  { "runs", N_("List the runs, newest first, with their status and best accuracy"),
    cep_cli_runs_run },
  { "annotate", N_("Set a run's name and notes"), cep_cli_annotate_run },
  { "trash", N_("Move runs to the trash"), cep_cli_trash_run },
  { "export", N_("Write an experiment as a PyTorch project for torchrun"), cep_cli_export_run },
  { "import-run", N_("Check a run made elsewhere (PyTorch, a cluster) and add it to the runs"),
    cep_cli_import_run_run },
  { "assignment", N_("Write or show an assignment: a starting experiment and its rules"),
    cep_cli_assignment_run },
  { "handin", N_("Write a run as one hand-in file for the teacher"), cep_cli_handin_run },
  { "class", N_("Verify a folder of hand-ins and show the class side by side"),
    cep_cli_class_run },
  { NULL, NULL, NULL },
};

static GCancellable *cancellable;

const CepCliCommand *
cep_cli_get_commands (void)
{
  return commands;
}

static void
print_main_help (FILE *stream)
{
  fprintf (stream,
           _("Usage: cepstra-cli COMMAND [OPTION…]\n\n"
             "Cepstra %s: train frame-level phoneme classifiers on MFCC features.\n\n"
             "Commands:\n"),
           PACKAGE_VERSION);
  for (const CepCliCommand *c = commands; c->name != NULL; c++)
    fprintf (stream, "  %-11s  %s\n", c->name, _(c->summary));
  fprintf (stream, "\n%s\n%s\n",
           _("Run “cepstra-cli COMMAND --help” for the options of a command."),
           _("Without a dataset path, commands use the embedded demo dataset."));
}

static const CepCliCommand *
find_command (const char *name)
{
  for (const CepCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, name))
      return c;
  return NULL;
}

int
cep_cli_main (int    argc,
              char **argv)
{
  const CepCliCommand *command;

  cep_i18n_init ();
  g_set_prgname ("cepstra-cli");

  if (argc < 2)
    {
      print_main_help (stderr);
      return CEP_CLI_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      print_main_help (stdout);
      return CEP_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("cepstra-cli %s\n", PACKAGE_VERSION);
      return CEP_CLI_EXIT_OK;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      fprintf (stderr, _("cepstra-cli: unknown command “%s”\n\n"), argv[1]);
      print_main_help (stderr);
      return CEP_CLI_EXIT_USAGE;
    }

  cep_cli_install_signal_handlers ();
  return command->run (argc - 1, argv + 1);
}

gboolean
cep_cli_parse_options (const char          *name,
                       const char          *parameter_string,
                       const char          *description,
                       const GOptionEntry  *entries,
                       int                 *argc,
                       char              ***argv,
                       int                 *exit_code)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter_string);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  /* GOption looks the parameter string, the description and every entry's text up in this
   * domain when it prints --help, so the commands hand it their N_()-marked originals. */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  summary = g_strdup_printf ("cepstra-cli %s: %s", name,
                             find_command (name) ? _(find_command (name)->summary) : "");
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);

  /* GOption names the program in --help; make it read "cepstra-cli NAME". */
  g_autofree char *prgname = g_strdup_printf ("cepstra-cli %s", name);
  g_set_prgname (prgname);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = cep_cli_usage_error (name, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* @message on one line: a file name may hold a newline or a tab, and an error must stay one
 * line for scripts (and read as one), so control characters are written as C escapes, as
 * GLib quotes them; other UTF-8 is kept. */
static char *
one_line (const char *message)
{
  GString *line = g_string_sized_new (strlen (message));

  for (const char *p = message; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '\n')
        g_string_append (line, "\\n");
      else if (c == '\t')
        g_string_append (line, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (line, "\\x%02x", c);
      else
        g_string_append_c (line, (char) c);
    }
  return g_string_free (line, FALSE);
}

void
cep_cli_warn (const char *name,
              const char *message)
{
  g_autofree char *line = one_line (message);

  fprintf (stderr, "cepstra-cli %s: %s\n", name, line);
}

int
cep_cli_usage_error (const char *name,
                     const char *format,
                     ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  {
    g_autofree char *line = one_line (message);
    fprintf (stderr, "cepstra-cli %s: %s\n", name, line);
    fprintf (stderr, _("Try “cepstra-cli %s --help”.\n"), name);
  }
  return CEP_CLI_EXIT_USAGE;
}

int
cep_cli_fail (const char   *name,
              const GError *error,
              int           exit_code)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_cancellable_is_cancelled (cep_cli_get_cancellable ()))
    {
      fprintf (stderr, "cepstra-cli %s: %s\n", name, _("cancelled"));
      return CEP_CLI_EXIT_CANCELLED;
    }
  {
    g_autofree char *line = one_line (error->message);
    fprintf (stderr, "cepstra-cli %s: %s\n", name, line);
  }
  return exit_code;
}

GCancellable *
cep_cli_get_cancellable (void)
{
  if (cancellable == NULL)
    cancellable = g_cancellable_new ();
  return cancellable;
}

/* SIGINT and SIGTERM cancel the running command; a second one exits at once. A handler for
 * the whole process, not a sigwait() thread with the signals blocked: libraries start threads
 * before main() (OpenBLAS's pool does), and a signal delivered to one of those would still
 * kill the process. The handler only writes to a pipe (async-signal-safe); a thread reads it
 * and cancels in ordinary thread context, since GCancellable is not async-signal-safe. */
static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t signals_received;

static void
on_signal (int signal_number)
{
  unsigned char byte = (unsigned char) signal_number;
  int saved_errno = errno;

  if (++signals_received > 1)
    _exit (CEP_CLI_EXIT_CANCELLED);
  if (write (signal_pipe[1], &byte, 1) < 0)
    _exit (CEP_CLI_EXIT_CANCELLED);
  errno = saved_errno;
}

static gpointer
signal_thread (gpointer data)
{
  unsigned char byte;

  for (;;)
    {
      ssize_t n = read (signal_pipe[0], &byte, 1);

      if (n == 1)
        g_cancellable_cancel (cep_cli_get_cancellable ());
      else if (n == 0 || errno != EINTR)
        return NULL;
    }
}

void
cep_cli_install_signal_handlers (void)
{
  struct sigaction action = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

  cep_cli_get_cancellable ();
  if (signal_pipe[0] >= 0 || !g_unix_open_pipe (signal_pipe, FD_CLOEXEC, NULL))
    return;
  g_thread_unref (g_thread_new ("cep-cli-signals", signal_thread, NULL));
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
}

char *
cep_cli_resolve_dataset (const char  *path,
                         GError     **error)
{
  char *root;

  if (path != NULL)
    return g_strdup (path);
  root = cep_dataset_find_demo_root ();
  if (root == NULL)
    g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND,
                 _("no dataset given and the embedded demo dataset was not found "
                   "(set CEPSTRA_DEMO_DIR or pass a dataset folder)"));
  return root;
}

void
cep_cli_print_json (JsonNode *root,
                    FILE     *stream)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  fprintf (stream, "%s\n", text);
}
