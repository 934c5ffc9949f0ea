/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli.h: what every cepstra-cli command shares: exit codes, option parsing, error
 * reporting, cancellation on Ctrl-C, dataset resolution and JSON output.
 *
 * Commands only translate between the command line and libcepstra-core; they compute nothing.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "cep-run-data.h"

G_BEGIN_DECLS

/* Exit codes (documented in README.md). */
typedef enum
{
  CEP_CLI_EXIT_OK           = 0,
  CEP_CLI_EXIT_USAGE        = 1,   /* unknown command or option, missing argument */
  CEP_CLI_EXIT_INVALID_DATA = 2,   /* an input file or dataset is invalid */
  CEP_CLI_EXIT_OUTPUT       = 3,   /* an output could not be written */
  CEP_CLI_EXIT_UNAVAILABLE  = 4,   /* a feature this build lacks (e.g. make-demo) */
  CEP_CLI_EXIT_BUSY         = 5,   /* the run folder is being written by another training */
  CEP_CLI_EXIT_RULE         = 6,   /* the experiment breaks a rule of its assignment */
  CEP_CLI_EXIT_CANCELLED    = 130, /* interrupted (Ctrl-C) */
} CepCliExit;

typedef int (*CepCliRunFunc) (int argc, char **argv);

typedef struct
{
  const char    *name;
  const char    *summary;
  CepCliRunFunc  run;
} CepCliCommand;

int           cep_cli_main                 (int argc, char **argv);

/* The command table, NULL-name terminated. */
const CepCliCommand *cep_cli_get_commands  (void);

/* Parses @entries for command @name; on --help prints and sets *exit_code to 0, on an error
 * prints "cepstra-cli NAME: message" and sets *exit_code to CEP_CLI_EXIT_USAGE. */
gboolean      cep_cli_parse_options        (const char          *name,
                                            const char          *parameter_string,
                                            const char          *description,
                                            const GOptionEntry  *entries,
                                            int                 *argc,
                                            char              ***argv,
                                            int                 *exit_code);

/* Prints "cepstra-cli NAME: MESSAGE" on stderr and returns @exit_code, or
 * CEP_CLI_EXIT_CANCELLED when @error is a cancellation. */
int           cep_cli_fail                 (const char          *name,
                                            const GError        *error,
                                            int                  exit_code);
/* Prints "cepstra-cli NAME: MESSAGE" on stderr, on one line, and goes on. */
void          cep_cli_warn                 (const char          *name,
                                            const char          *message);
int           cep_cli_usage_error          (const char          *name,
                                            const char          *format,
                                            ...) G_GNUC_PRINTF (2, 3);

/* Cancelled when the user presses Ctrl-C (SIGINT) or sends SIGTERM. */
GCancellable *cep_cli_get_cancellable      (void);
void          cep_cli_install_signal_handlers (void);

/* @path, or the embedded demo dataset when @path is NULL. */
char         *cep_cli_resolve_dataset      (const char          *path,
                                            GError             **error);

/* Writes @root as pretty JSON and a newline to @stream. */
void          cep_cli_print_json           (JsonNode            *root,
                                            FILE                *stream);

/* The commands. */
int           cep_cli_inspect_run          (int argc, char **argv);
int           cep_cli_features_run         (int argc, char **argv);
int           cep_cli_import_run           (int argc, char **argv);
int           cep_cli_batches_run          (int argc, char **argv);
int           cep_cli_make_demo_run        (int argc, char **argv);
int           cep_cli_train_run            (int argc, char **argv);
int           cep_cli_eval_run             (int argc, char **argv);
int           cep_cli_predict_run          (int argc, char **argv);
int           cep_cli_depmatrix_run        (int argc, char **argv);
int           cep_cli_streaming_run        (int argc, char **argv);
int           cep_cli_confusion_run        (int argc, char **argv);
int           cep_cli_plot_run             (int argc, char **argv);
int           cep_cli_compare_run          (int argc, char **argv);
int           cep_cli_spectrogram_run      (int argc, char **argv);
/* cep-cli-train.c: trains the batch-size comparison's three runs (compare --preset); their
 * run folders, or NULL with the error. */
char        **cep_cli_train_batch_size_experiment (const char  *data,
                                                   const char  *out_dir,
                                                   GError     **error);
int           cep_cli_bench_run            (int argc, char **argv);
int           cep_cli_backends_run         (int argc, char **argv);
int           cep_cli_runs_run             (int argc, char **argv);
int           cep_cli_annotate_run         (int argc, char **argv);
int           cep_cli_trash_run            (int argc, char **argv);
int           cep_cli_export_run           (int argc, char **argv);
int           cep_cli_import_run_run       (int argc, char **argv);
int           cep_cli_assignment_run       (int argc, char **argv);
int           cep_cli_handin_run           (int argc, char **argv);
int           cep_cli_class_run            (int argc, char **argv);

/* What the commands that analyse a run share (cep-cli-eval.c): which checkpoint, backend,
 * threads and partition. */
typedef struct
{
  char *checkpoint;   /* "best", "last" or NULL */
  char *backend;      /* NULL: the run's */
  char *device;       /* NULL: the run's (with the run's backend), else the backend's choice */
  int   threads;      /* 0: the run's */
  char *partition;    /* NULL: the dev partition */
} CepCliRunFlags;

void          cep_cli_run_flags_clear      (CepCliRunFlags      *flags);
/* Opens @run_dir's checkpoint and loads the partition (a progress line on a terminal); on
 * failure reports it and returns the exit code, else CEP_CLI_EXIT_OK with *@run and a
 * reference in *@partition. */
int           cep_cli_open_run             (const char          *command,
                                            const char          *run_dir,
                                            const CepCliRunFlags *flags,
                                            gboolean             need_labels,
                                            CepRunData         **run,
                                            CepPartition       **partition);

G_END_DECLS
