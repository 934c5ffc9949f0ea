// SPDX-License-Identifier: GPL-3.0-or-later
//
// reduce-add.comp: target[0] += Σ partials[0..count) — the second stage of the two-stage
// sums (one workgroup, a fixed order).
#version 450
#include "elementwise.glsl"
#include "reduce.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_partials;
  uint off_target;
  uint count;
} pc;

layout (std430, binding = 0) readonly buffer Partials { float partials[]; };
layout (std430, binding = 1) buffer Target { float target[]; };

void
main ()
{
  float sum = 0.0;

  for (uint i = gl_LocalInvocationIndex; i < pc.count; i += CEP_LOCAL_SIZE)
    sum += partials[pc.off_partials + i];
  sum = cep_workgroup_sum (sum);
  if (gl_LocalInvocationIndex == 0)
    target[pc.off_target] = target[pc.off_target] + sum;
}
