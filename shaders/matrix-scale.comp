// SPDX-License-Identifier: GPL-3.0-or-later
//
// matrix-scale.comp: C = beta · C on an m × n matrix with row stride ldc — the GEMM whose
// product is empty (alpha = 0 or k = 0). With beta = 0, C is written with zeros, never read.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_c;
  uint m;
  uint n;
  uint ldc;
  float beta;
} pc;

layout (std430, binding = 0) buffer C { float c[]; };

void
main ()
{
  CEP_FOR_EACH (e, pc.m * pc.n)
    {
      uint at = pc.off_c + (e / pc.n) * pc.ldc + e % pc.n;
      c[at] = pc.beta != 0.0 ? pc.beta * c[at] : 0.0;
    }
}
