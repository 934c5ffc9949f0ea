/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-handin.h: what a student hands in — one *.cepstra-handin file.
 *
 * A hand-in is a ustar archive (core/io/cep-tar.h) of a run, its first entry the manifest:
 *
 *   handin.json                      {"format": "cepstra-handin", "version": 1,
 *                                     "student": "…", "cepstra_version": "0.1.0",
 *                                     "created": "2026-12-06T03:10:00Z", "run": "…",
 *                                     "assignment": {"title": "…", "sha256": "…"} or null,
 *                                     "files": [{"name": …, "size": N, "sha256": "…"}, …]}
 *   experiment.json, metrics.jsonl   the run's, byte for byte
 *   checkpoints/best.safetensors     (or last.safetensors when the run kept no best)
 *   figures/curves.png               its loss and accuracy curves
 *   assignment.cepstra-assignment    the assignment it answers, byte for byte (when it has one)
 *
 * Writing refuses a run that breaks its assignment's rules (naming the rule), checked on
 * experiment.json and on the experiment the checkpoint was trained with. Opening extracts
 * into a private temporary folder (removed by cep_handin_free()) and refuses, naming the
 * file: anything cep-tar refuses, a first entry that is not the manifest, an archive far
 * larger than its manifest says, an entry not in the manifest or of another size, and a
 * file whose SHA-256 differs from the manifest's (CEP_HANDIN_ERROR_TAMPERED). Whether the
 * metric reproduces and the rules hold is the class's question (cep-class.h), not this one's.
 */
#pragma once

#include <glib.h>

#include "cep-assignment.h"
#include "cep-experiment.h"
#include "cep-training-curves.h"

G_BEGIN_DECLS

#define CEP_HANDIN_ERROR (cep_handin_error_quark ())
GQuark cep_handin_error_quark (void);

typedef enum
{
  CEP_HANDIN_ERROR_IO,        /* could not read or write a file */
  CEP_HANDIN_ERROR_INVALID,   /* not a hand-in, or a manifest or archive that is malformed */
  CEP_HANDIN_ERROR_TAMPERED,  /* a file differs from what the manifest says */
  CEP_HANDIN_ERROR_RULE,      /* the run breaks its assignment's rules */
  CEP_HANDIN_ERROR_EXISTS,    /* the output exists and replacing it was not asked for */
  CEP_HANDIN_ERROR_NO_RUN,    /* the run folder is missing a file a hand-in needs */
} CepHandinError;

#define CEP_HANDIN_FORMAT       "cepstra-handin"
#define CEP_HANDIN_VERSION      1
#define CEP_HANDIN_SUFFIX       ".cepstra-handin"
#define CEP_HANDIN_MANIFEST     "handin.json"
#define CEP_HANDIN_FIGURE       "figures/curves.png"
/* Bounds that no real hand-in comes near. */
#define CEP_HANDIN_MAX_MANIFEST (1u << 20)
#define CEP_HANDIN_MAX_STUDENT  200

/* Whether @student is a name a hand-in may carry: 1 to CEP_HANDIN_MAX_STUDENT bytes of
 * UTF-8 without control characters, not only spaces. */
gboolean   cep_handin_student_is_valid (const char   *student);

/* Writes @run_dir as a hand-in by @student to @out_path (atomically). An existing file at
 * @out_path is replaced only when @force. */
gboolean   cep_handin_write            (const char   *run_dir,
                                        const char   *student,
                                        const char   *out_path,
                                        gboolean      force,
                                        GError      **error);

typedef struct _CepHandin CepHandin;

/* Opens and checks the hand-in at @path (see above). */
CepHandin *cep_handin_open             (const char   *path,
                                        GError      **error);
/* Removes the extracted files. */
void       cep_handin_free             (CepHandin    *self);
/* The manifest's student name of the hand-in at @path without opening the rest, for a
 * report on one that cannot be opened; NULL when even that cannot be read. */
char      *cep_handin_peek_student     (const char   *path);

const char              *cep_handin_get_path             (CepHandin *self);
const char              *cep_handin_get_student          (CepHandin *self);
const char              *cep_handin_get_cepstra_version  (CepHandin *self);
/* When it was handed in: ISO 8601, UTC. */
const char              *cep_handin_get_created          (CepHandin *self);
/* The extracted run: experiment.json, metrics.jsonl, checkpoints/ — readable by everything
 * that reads runs, for as long as @self lives. */
const char              *cep_handin_get_run_dir          (CepHandin *self);
const char              *cep_handin_get_checkpoint       (CepHandin *self);
const CepExperiment     *cep_handin_get_experiment       (CepHandin *self);
const CepTrainingCurves *cep_handin_get_curves           (CepHandin *self);
/* The assignment it answers, or NULL. */
CepAssignment           *cep_handin_get_assignment       (CepHandin *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepHandin, cep_handin_free)

G_END_DECLS
