/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-test-util.h: running cepstra-cli from tests and making small datasets for it.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  int   exit_code;
  char *out;
  char *err;
} CepCliResult;

/* Runs $CEPSTRA_CLI with the NULL-terminated arguments; never fails the test by itself. */
CepCliResult *cep_cli_test_run        (const char *first_arg,
                                       ...) G_GNUC_NULL_TERMINATED;
CepCliResult *cep_cli_test_runv       (const char * const *args);
void          cep_cli_result_free     (CepCliResult *result);
/* Parses result->out as JSON (asserting that it is). */
JsonNode     *cep_cli_result_get_json (CepCliResult *result);

/* Writes a labelled utterance: mfcc/NAME.npy (n_frames x dim, value = f(frame, coefficient))
 * and transcript/NAME.npy with [SOS], labels cycling through AA..ZH, [EOS]. */
void          cep_cli_test_write_utterance (const char *partition_dir,
                                            const char *name,
                                            gsize       n_frames,
                                            guint       dim,
                                            gboolean    with_transcript);
/* Writes @path as a mono 16-bit WAV of @n_samples at @rate: a chirp with a noise floor. */
void          cep_cli_test_write_wav       (const char *path,
                                            guint       rate,
                                            gsize       n_samples);
/* Removes a folder tree made by a test. */
void          cep_cli_test_remove_tree     (const char *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepCliResult, cep_cli_result_free)

G_END_DECLS
