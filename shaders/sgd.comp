// SPDX-License-Identifier: GPL-3.0-or-later
//
// sgd.comp: one SGD step (weight decay, momentum with dampening, Nesterov) with
// CepSgdScalars, in the C reference's order of float operations, none fused.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_param;
  uint off_grad;
  uint off_buffer;
  uint n;
  float weight_decay;
  float momentum;
  float one_minus_dampening;
  float neg_lr;
  uint nesterov;
  uint first_step;
  uint has_buffer;
} pc;

layout (std430, binding = 0) buffer Param { float param[]; };
layout (std430, binding = 1) readonly buffer Grad { float grad[]; };
layout (std430, binding = 2) buffer Momentum { float momentum_buffer[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.n)
    {
      precise float p = param[pc.off_param + i];
      precise float d = grad[pc.off_grad + i];
      if (pc.weight_decay != 0.0)
        d = d + pc.weight_decay * p;
      if (pc.has_buffer != 0)
        {
          precise float b = pc.first_step != 0
                              ? d
                              : momentum_buffer[pc.off_buffer + i] * pc.momentum +
                                  pc.one_minus_dampening * d;
          momentum_buffer[pc.off_buffer + i] = b;
          d = pc.nesterov != 0 ? d + pc.momentum * b : b;
        }
      precise float updated = p + pc.neg_lr * d;
      param[pc.off_param + i] = updated;
    }
}
