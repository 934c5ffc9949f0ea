// SPDX-License-Identifier: GPL-3.0-or-later
//
// dropout-backward.comp: dx = dy · scale where the forward's mask kept the element, else 0.
// dx may be dy itself.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_mask;
  uint off_dy;
  uint off_dx;
  uint n;
  float scale;
} pc;

layout (std430, binding = 0) readonly buffer Mask { uint mask[]; };
layout (std430, binding = 1) buffer Dy { float dy[]; };
layout (std430, binding = 2) buffer Dx { float dx[]; };

void
main ()
{
  CEP_FOR_EACH (e, pc.n)
    {
      bool keep = ((mask[pc.off_mask + e / 32] >> (e % 32)) & 1u) != 0;
      dx[pc.off_dx + e] = keep ? dy[pc.off_dy + e] * pc.scale : 0.0;
    }
}
