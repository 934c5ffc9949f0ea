// SPDX-License-Identifier: GPL-3.0-or-later
//
// adam.comp: one Adam/AdamW step with the host-derived scalars of CepAdamScalars, in the C
// reference's order of float operations, none fused ("precise"), so results match it.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_param;
  uint off_grad;
  uint off_m;
  uint off_v;
  uint n;
  float lr_decay;
  float weight_decay;
  float beta1;
  float one_minus_beta1;
  float beta2;
  float one_minus_beta2;
  float bias_correction2_sqrt;
  float eps;
  float neg_step_size;
} pc;

layout (std430, binding = 0) buffer Param { float param[]; };
layout (std430, binding = 1) readonly buffer Grad { float grad[]; };
layout (std430, binding = 2) buffer M { float m[]; };
layout (std430, binding = 3) buffer V { float v[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.n)
    {
      precise float p = param[pc.off_param + i];
      precise float g = grad[pc.off_grad + i];
      if (pc.weight_decay != 0.0)
        g = g + pc.weight_decay * p;
      precise float decayed = p * pc.lr_decay;
      precise float mi = m[pc.off_m + i] * pc.beta1 + pc.one_minus_beta1 * g;
      precise float vi = v[pc.off_v + i] * pc.beta2 + pc.one_minus_beta2 * g * g;
      precise float denom = sqrt (vi) / pc.bias_correction2_sqrt + pc.eps;
      precise float updated = decayed + pc.neg_step_size * mi / denom;
      m[pc.off_m + i] = mi;
      v[pc.off_v + i] = vi;
      param[pc.off_param + i] = updated;
    }
}
