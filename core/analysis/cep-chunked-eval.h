/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-chunked-eval.h: loss and accuracy of a trained network when utterances arrive in
 * chunks (cep-chunk-regime.h): each frame is classified from the frames known by then.
 *
 * Windows are taken from the partition's frame store exactly as in training, cut by the
 * regime, and run through the evaluation-mode forward pass on the host in calls of the
 * network's max_batch rows; loss is the spec's (label-smoothed) cross-entropy in double. With
 * a chunk of 0, or chunks as long as every utterance and a look-ahead of at least the model's
 * future context, nothing is cut and the result is cep_network_evaluate()'s. It must not
 * change the network's parameters.
 */
#pragma once

#include <gio/gio.h>

#include "cep-chunk-regime.h"
#include "cep-network.h"
#include "cep-partition.h"

G_BEGIN_DECLS

/* FALSE with CEP_NETWORK_ERROR_INVALID for a partition without labels or with another feature
 * dimension or a context_max below the model's, CEP_NETWORK_ERROR_CANCELLED when cancelled. */
gboolean cep_network_evaluate_chunked (CepNetwork           *network,
                                       CepPartition         *partition,
                                       const CepChunkRegime *regime,
                                       GCancellable         *cancellable,
                                       CepEvalResult        *result,
                                       GError              **error);

G_END_DECLS
