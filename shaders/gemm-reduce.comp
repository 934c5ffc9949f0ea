// SPDX-License-Identifier: GPL-3.0-or-later
//
// gemm-reduce.comp: the second half of a GEMM split along k (cep-vulkan-ops-gemm.c):
// C = alpha · Σ_s P[s] + beta · C, where P holds @splits partial products of m × n, each
// row-major with leading dimension n. The partials are summed in split order, so a product's
// result does not depend on how the device schedules the splits.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_p;
  uint off_c;
  uint m;
  uint n;
  uint ldc;
  uint splits;
  float alpha;
  float beta;
} pc;

layout (std430, binding = 0) readonly buffer P { float p[]; };
layout (std430, binding = 1) buffer C { float c[]; };

void
main ()
{
  uint size = pc.m * pc.n;

  CEP_FOR_EACH (e, size)
    {
      float sum = 0.0;
      for (uint s = 0; s < pc.splits; s++)
        sum += p[pc.off_p + s * size + e];
      uint at = pc.off_c + (e / pc.n) * pc.ldc + e % pc.n;
      float value = pc.alpha * sum;
      if (pc.beta != 0.0)
        value += pc.beta * c[at];
      c[at] = value;
    }
}
