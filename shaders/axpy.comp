// SPDX-License-Identifier: GPL-3.0-or-later
//
// axpy.comp: y = y + alpha · x, rounded as the C reference rounds it (no fused multiply-add).
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint n;
  float alpha;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) buffer Y { float y[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.n)
    {
      precise float product = pc.alpha * x[pc.off_x + i];
      precise float sum = y[pc.off_y + i] + product;
      y[pc.off_y + i] = sum;
    }
}
