/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * train-test-util.h: what the core/train tests share — small specs, random numbers, a toy
 * dataset on disk that an MLP can learn, tolerance checks and file helpers.
 */
#pragma once

#include <glib.h>

#include "cep-backend.h"
#include "cep-experiment.h"
#include "cep-model-spec.h"
#include "cep-network.h"

G_BEGIN_DECLS

/* The toy dataset: D features, labels 0..TRAIN_TEST_TOY_CLASSES-1 in runs of 5 frames, each
 * class a different mean so a small MLP separates them within a few epochs. */
#define TRAIN_TEST_TOY_DIM     4
#define TRAIN_TEST_TOY_CLASSES 4

/* The backends to test on: those of cep_backend_list_available() that can be created here
 * (a device backend without a device is left out, with a message). */
const char *const *train_test_backends (void);

/* A fresh temporary folder; remove it with train_test_remove_tree(). */
char     *train_test_make_dir         (void);
void      train_test_remove_tree      (const char   *path);

/* Uniform floats in [-scale, scale) from a seeded GRand. */
float    *train_test_random_floats    (guint32       seed,
                                       gsize         n,
                                       float         scale);
gint32   *train_test_random_labels    (guint32       seed,
                                       gsize         n,
                                       guint         n_classes);

/* Writes ROOT/train-clean-100 (@n_train utterances), ROOT/dev-clean (@n_dev) and
 * ROOT/test-clean (@n_test, no transcripts), utterances of 40 to 79 frames. */
void      train_test_write_toy_dataset (const char  *root,
                                        guint        n_train,
                                        guint        n_dev,
                                        guint        n_test);
/* A small experiment for the toy dataset: K = 2, Linear 16, BatchNorm, ReLU, Dropout 0.1,
 * head of 40 classes; batch 64, AdamW lr 0.01, @epochs, backend "ref" (1 thread), seed 7. */
CepExperiment *train_test_toy_experiment (guint      epochs);

/* Every element of @got within atol + rtol·|want| of @want; on failure, prints the worst
 * element with @what and fails the test. */
void      train_test_assert_close     (const char   *what,
                                       const float  *got,
                                       const float  *want,
                                       gsize         n,
                                       double        rtol,
                                       double        atol);

/* The whole file (g_free), asserting it can be read. */
GBytes   *train_test_read_file        (const char   *path);

/* Downloads @n_words of @buffer from @offset (g_free). */
float    *train_test_download         (CepBuffer    *buffer,
                                       gsize         offset,
                                       gsize         n_words);
/* Downloads the tensor called @name of @network (g_free); asserts it exists. */
float    *train_test_get_tensor       (CepNetwork   *network,
                                       const char   *name,
                                       gsize        *n_words);

G_END_DECLS
