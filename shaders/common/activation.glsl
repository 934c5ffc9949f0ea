// SPDX-License-Identifier: GPL-3.0-or-later
//
// activation.glsl: the activation functions of cep-activation.h in float, and their
// derivatives. GLSL has no erf, log1p or overflow-safe tanh, so those are built here to keep
// the relative error near float's own: tanh by its Taylor series near 0 and from exp(-2|x|)
// elsewhere; GELU's normal CDF from the Chebyshev fit of erfc (fractional error 1.2e-7);
// Mish's tanh(softplus(x)) as n / (n + 2) with n = e^x (e^x + 2), exact algebra that stays
// accurate for very negative x.

#define CEP_ACT_IDENTITY   0u
#define CEP_ACT_RELU       1u
#define CEP_ACT_LEAKY_RELU 2u
#define CEP_ACT_GELU       3u
#define CEP_ACT_SILU       4u
#define CEP_ACT_MISH       5u
#define CEP_ACT_SIGMOID    6u
#define CEP_ACT_TANH       7u

float
cep_sigmoid (float x)
{
  return 1.0 / (1.0 + exp (-x));
}

float
cep_tanh (float x)
{
  float a = abs (x);
  if (a < 0.3)
    {
      float x2 = x * x;
      float p = -1382.0 / 155925.0;
      p = p * x2 + 62.0 / 2835.0;
      p = p * x2 - 17.0 / 315.0;
      p = p * x2 + 2.0 / 15.0;
      p = p * x2 - 1.0 / 3.0;
      return x + x * x2 * p;
    }
  float t = exp (-2.0 * a);
  float r = (1.0 - t) / (1.0 + t);
  return x < 0.0 ? -r : r;
}

// erfc(x) = t·exp(−x² − 1.26551223 + t·P(t)), t = 1/(1 + |x|/2), for x >= 0.
float
cep_erfc (float x)
{
  float z = abs (x);
  float t = 1.0 / (1.0 + 0.5 * z);
  float p = 0.17087277;
  p = p * t - 0.82215223;
  p = p * t + 1.48851587;
  p = p * t - 1.13520398;
  p = p * t + 0.27886807;
  p = p * t - 0.18628806;
  p = p * t + 0.09678418;
  p = p * t + 0.37409196;
  p = p * t + 1.00002368;
  float r = t * exp (-z * z - 1.26551223 + t * p);
  return x >= 0.0 ? r : 2.0 - r;
}

float
cep_normal_cdf (float x)
{
  return 0.5 * cep_erfc (-x * 0.70710678118654752);
}

float
cep_normal_pdf (float x)
{
  return 0.39894228040143268 * exp (-0.5 * x * x);
}

// tanh(softplus(x)).
float
cep_tanh_softplus (float x)
{
  if (x > 20.0)
    return 1.0;
  float e = exp (x);
  float n = e * (e + 2.0);
  return n / (n + 2.0);
}

float
cep_activation (uint act, float slope, float x)
{
  switch (act)
    {
    case CEP_ACT_RELU:
      return x < 0.0 ? 0.0 : x;
    case CEP_ACT_LEAKY_RELU:
      return x > 0.0 ? x : x * slope;
    case CEP_ACT_GELU:
      return x * cep_normal_cdf (x);
    case CEP_ACT_SILU:
      return x * cep_sigmoid (x);
    case CEP_ACT_MISH:
      return x * cep_tanh_softplus (x);
    case CEP_ACT_SIGMOID:
      return cep_sigmoid (x);
    case CEP_ACT_TANH:
      return cep_tanh (x);
    default:
      return x;
    }
}

float
cep_activation_derivative (uint act, float slope, float x)
{
  switch (act)
    {
    case CEP_ACT_RELU:
      return x > 0.0 ? 1.0 : 0.0;
    case CEP_ACT_LEAKY_RELU:
      return x > 0.0 ? 1.0 : slope;
    case CEP_ACT_GELU:
      return cep_normal_cdf (x) + x * cep_normal_pdf (x);
    case CEP_ACT_SILU:
      {
        float s = cep_sigmoid (x);
        return s * (1.0 + x * (1.0 - s));
      }
    case CEP_ACT_MISH:
      {
        float t = cep_tanh_softplus (x);
        return t + x * cep_sigmoid (x) * (1.0 - t * t);
      }
    case CEP_ACT_SIGMOID:
      {
        // s(1 - s) = e/(1 + e)² with e = exp(-|x|): 1 - s would round to 0 for x past ~17
        // and lose all relative precision well before (as the blas kernels do it).
        float e = exp (-abs (x));
        return e / ((1.0 + e) * (1.0 + e));
      }
    case CEP_ACT_TANH:
      {
        // 1 - tanh² = 4e/(1 + e)² with e = exp(-2|x|), for the same reason.
        float e = exp (-2.0 * abs (x));
        return 4.0 * e / ((1.0 + e) * (1.0 + e));
      }
    default:
      return 1.0;
    }
}
