/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-activation.c: names and double-precision definitions of the activation functions.
 *
 * Owns the meaning of each CepActivation. It must stay simple and exact (libm in double): the
 * reference backend and the gradient tests rely on it, fast code lives in the backends.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>

#include "cep-activation.h"

static const char *const activation_names[CEP_ACTIVATION_COUNT] = {
  [CEP_ACTIVATION_IDENTITY] = "identity",
  [CEP_ACTIVATION_RELU] = "relu",
  [CEP_ACTIVATION_LEAKY_RELU] = "leaky_relu",
  [CEP_ACTIVATION_GELU] = "gelu",
  [CEP_ACTIVATION_SILU] = "silu",
  [CEP_ACTIVATION_MISH] = "mish",
  [CEP_ACTIVATION_SIGMOID] = "sigmoid",
  [CEP_ACTIVATION_TANH] = "tanh",
};

const char *
cep_activation_get_name (CepActivation act)
{
  g_return_val_if_fail ((guint) act < CEP_ACTIVATION_COUNT, NULL);
  return activation_names[act];
}

gboolean
cep_activation_from_name (const char    *name,
                          CepActivation *act)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < CEP_ACTIVATION_COUNT; i++)
    {
      if (g_ascii_strcasecmp (name, activation_names[i]) == 0)
        {
          *act = (CepActivation) i;
          return TRUE;
        }
    }
  if (g_ascii_strcasecmp (name, "leakyrelu") == 0)
    {
      *act = CEP_ACTIVATION_LEAKY_RELU;
      return TRUE;
    }
  return FALSE;
}

static double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* log(1 + e^x) without overflow for large x. */
static double
softplus (double x)
{
  return x > 30.0 ? x + log1p (exp (-x)) : log1p (exp (x));
}

static double
normal_cdf (double x)
{
  return 0.5 * erfc (-x * M_SQRT1_2);
}

static double
normal_pdf (double x)
{
  return exp (-0.5 * x * x) * (0.5 * M_2_SQRTPI * M_SQRT1_2);
}

double
cep_activation_apply (CepActivation act,
                      double        slope,
                      double        x)
{
  switch (act)
    {
    case CEP_ACTIVATION_IDENTITY:
      return x;
    case CEP_ACTIVATION_RELU:
      return x < 0.0 ? 0.0 : x;
    case CEP_ACTIVATION_LEAKY_RELU:
      return x > 0.0 ? x : x * slope;
    case CEP_ACTIVATION_GELU:
      return x * normal_cdf (x);
    case CEP_ACTIVATION_SILU:
      return x * sigmoid (x);
    case CEP_ACTIVATION_MISH:
      return x * tanh (softplus (x));
    case CEP_ACTIVATION_SIGMOID:
      return sigmoid (x);
    case CEP_ACTIVATION_TANH:
      return tanh (x);
    default:
      g_return_val_if_reached (NAN);
    }
}

double
cep_activation_derivative (CepActivation act,
                           double        slope,
                           double        x)
{
  switch (act)
    {
    case CEP_ACTIVATION_IDENTITY:
      return 1.0;
    case CEP_ACTIVATION_RELU:
      return x > 0.0 ? 1.0 : 0.0;
    case CEP_ACTIVATION_LEAKY_RELU:
      return x > 0.0 ? 1.0 : slope;
    case CEP_ACTIVATION_GELU:
      return normal_cdf (x) + x * normal_pdf (x);
    case CEP_ACTIVATION_SILU:
      {
        double s = sigmoid (x);
        return s * (1.0 + x * (1.0 - s));
      }
    case CEP_ACTIVATION_MISH:
      {
        double t = tanh (softplus (x));
        return t + x * sigmoid (x) * (1.0 - t * t);
      }
    case CEP_ACTIVATION_SIGMOID:
      {
        double s = sigmoid (x);
        return s * (1.0 - s);
      }
    case CEP_ACTIVATION_TANH:
      {
        /* 1/cosh²(x) = 4e/(1 + e)², e = exp(-2|x|): 1 - tanh² cancels in the tails (only
         * three digits are left at |x| = 16), where a saturated unit's gradient still flows. */
        double e = exp (-2.0 * fabs (x));
        return 4.0 * e / ((1.0 + e) * (1.0 + e));
      }
    default:
      g_return_val_if_reached (NAN);
    }
}
