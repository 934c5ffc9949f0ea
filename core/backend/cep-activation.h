/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-activation.h: the activation functions a layer can use, by name, with exact scalar
 * definitions.
 *
 * The scalar functions here are the definitions every backend is tested against: they compute
 * in double with libm and match PyTorch's modules (GELU is the exact erf form, torch's default;
 * LeakyReLU takes its negative slope). Backends may use faster approximations of the same
 * functions, within the tolerances their tests state.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CEP_ACTIVATION_IDENTITY,
  CEP_ACTIVATION_RELU,
  CEP_ACTIVATION_LEAKY_RELU,
  CEP_ACTIVATION_GELU,
  CEP_ACTIVATION_SILU,
  CEP_ACTIVATION_MISH,
  CEP_ACTIVATION_SIGMOID,
  CEP_ACTIVATION_TANH,
} CepActivation;

#define CEP_ACTIVATION_COUNT (CEP_ACTIVATION_TANH + 1)

/* torch.nn.LeakyReLU's default negative slope. */
#define CEP_LEAKY_RELU_DEFAULT_SLOPE 0.01f

/* Lower-case names as in experiment.json: "identity", "relu", "leaky_relu", "gelu", "silu",
 * "mish", "sigmoid", "tanh". */
const char *cep_activation_get_name    (CepActivation act);
/* Accepts the names above, case-insensitively, and "leakyrelu"; FALSE for anything else. */
gboolean    cep_activation_from_name   (const char    *name,
                                        CepActivation *act);

/* f(x) and f'(x) in double. @slope is used by LeakyReLU only. At x = 0, ReLU's derivative is
 * 0 and LeakyReLU's is @slope, as torch's backward computes them. */
double      cep_activation_apply       (CepActivation act,
                                        double        slope,
                                        double        x);
double      cep_activation_derivative  (CepActivation act,
                                        double        slope,
                                        double        x);

G_END_DECLS
