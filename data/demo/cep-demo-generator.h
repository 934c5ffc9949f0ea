/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-generator.h: making the embedded demo dataset (cepstra-cli make-demo).
 *
 * Speaks every prompt of prompts.tsv with espeak-ng, labels every frame (cep-demo-labels),
 * adds the lead-in and noise floor (cep-demo-signal), resamples 22050 -> 16000 Hz, computes
 * Kaldi MFCCs with the default options (25 ms / 10 ms, 40 mel bins, 28 coefficients) and
 * writes an HW1P2-layout dataset:
 *   OUT/<partition>/mfcc/<id>.npy         float32 (T, 28)
 *   OUT/<partition>/transcript/<id>.npy   '<U5': [SOS], T labels, [EOS]  (not for test-*)
 *   OUT/manifest.tsv                      espeak-ng version; per utterance name, partition,
 *                                         voice, rate, seed, frames, lead-in, noise, text
 * With the default options the output is byte for byte the committed data/demo/dataset
 * (given the same espeak-ng version). Files of other names already in OUT are left alone.
 */
#pragma once

#include <gio/gio.h>

#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_DEMO_ERROR (cep_demo_error_quark ())
GQuark cep_demo_error_quark (void);

typedef enum
{
  CEP_DEMO_ERROR_UTTERANCE,   /* one utterance could not be made (wraps the cause) */
  CEP_DEMO_ERROR_EMPTY,       /* no prompts */
} CepDemoError;

/* The seed of the committed dataset. */
#define CEP_DEMO_DEFAULT_SEED 11785

typedef struct
{
  const char *prompts_path;    /* NULL: the committed data/demo/prompts.tsv (embedded) */
  guint64     seed;            /* row k of the prompt list (from 0) uses seed + k */
  guint       max_utterances;  /* 0: all; otherwise only the first N rows (tests) */
} CepDemoOptions;

void     cep_demo_options_init (CepDemoOptions        *options);

/* Writes the dataset into @out_dir (created if needed). Checks @cancellable and calls
 * @progress (done, total) after each utterance. An utterance with an espeak-ng phoneme the
 * mapping does not know is dropped and logged (g_warning, naming the utterance and the
 * mnemonic) -- labels are never guessed; the manifest lists only what was written. Any other
 * failure ends the run with an error naming the utterance. */
gboolean cep_demo_generate     (const CepDemoOptions  *options,
                                const char            *out_dir,
                                GCancellable          *cancellable,
                                CepProgressFunc        progress,
                                gpointer               progress_data,
                                GError               **error);

G_END_DECLS
