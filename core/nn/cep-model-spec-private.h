/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-spec-private.h: what the spec, the presets and the experiment files share.
 */
#pragma once

#include "cep-model-spec.h"

G_BEGIN_DECLS

/* Activation names as in experiment.json ("gelu", "leaky_relu"). The same spelling as the
 * backend's cep_activation_get_name(); kept here until the nn tier links the backend tier. */
const char *_cep_model_activation_get_name  (CepActivation  activation);
gboolean    _cep_model_activation_from_name (const char    *name,
                                             CepActivation *activation);

G_END_DECLS
