// SPDX-License-Identifier: GPL-3.0-or-later
//
// scale.comp: x = alpha · x over n words.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint n;
  float alpha;
} pc;

layout (std430, binding = 0) buffer X { float x[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.n)
    x[pc.off_x + i] = pc.alpha * x[pc.off_x + i];
}
