// SPDX-License-Identifier: GPL-3.0-or-later
//
// sum-squares.comp: partials[workgroup] = Σ x² over the workgroup's grid-stride share;
// reduce-add.comp adds the partials to the running sum.
#version 450
#include "elementwise.glsl"
#include "reduce.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_partials;
  uint n;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) writeonly buffer Partials { float partials[]; };

void
main ()
{
  float sum = 0.0;

  CEP_FOR_EACH (i, pc.n)
    {
      float v = x[pc.off_x + i];
      sum += v * v;
    }
  sum = cep_workgroup_sum (sum);
  if (gl_LocalInvocationIndex == 0)
    partials[pc.off_partials + gl_WorkGroupID.x] = sum;
}
