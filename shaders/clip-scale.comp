// SPDX-License-Identifier: GPL-3.0-or-later
//
// clip-scale.comp: x ·= max_norm / (sqrt(sum_squares) + 1e-6) when that is below 1
// (torch.nn.utils.clip_grad_norm_), the squared norm read on the device.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_sum;
  uint off_x;
  uint n;
  float max_norm;
} pc;

layout (std430, binding = 0) readonly buffer Sum { float sum_squares[]; };
layout (std430, binding = 1) buffer X { float x[]; };

void
main ()
{
  float norm = sqrt (sum_squares[pc.off_sum]);
  float coef = pc.max_norm / (norm + 1e-6);

  if (coef >= 1.0)
    return;
  CEP_FOR_EACH (i, pc.n)
    x[pc.off_x + i] = coef * x[pc.off_x + i];
}
