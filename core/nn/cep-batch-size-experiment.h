/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-size-experiment.h: the batch-size comparison of Programming Machine Learning
 * ch. 13 as three experiments — stochastic (batch 1, or 2 with BatchNorm), mini-batch 128 and
 * full batch — with plain SGD at a constant rate on one fixed random subset of the training
 * frames, so that loss against seconds shows the trade-off. The Train page and
 * `cepstra-cli compare --preset batch-size` run the same three. It must not train anything.
 */
#pragma once

#include "cep-experiment.h"

G_BEGIN_DECLS

/* Frames of the fixed subset: a full batch is a few thousand rows, an epoch of one-sample
 * steps takes seconds. */
#define CEP_BATCH_SIZE_EXPERIMENT_FRAMES 2048

/* The three experiments (CepExperiment*, free function set) named "sgd", "mini-batch-128"
 * and "full-batch", derived from @base for a training partition of @n_train_frames frames.
 * They are meant to train without dev evaluation (loss against seconds measures training). */
GPtrArray *cep_batch_size_experiment_new (const CepExperiment *base,
                                          gsize                n_train_frames);

G_END_DECLS
