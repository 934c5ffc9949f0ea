// SPDX-License-Identifier: GPL-3.0-or-later
//
// bias-act-backward.comp: dpre = dy ⊙ act'(pre) elementwise (no bias gradient wanted; see
// bias-act-backward-dbias.comp). dpre may be dy itself.
#version 450
#include "elementwise.glsl"
#include "activation.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_pre;
  uint off_dy;
  uint off_dpre;
  uint n;
  uint act;
  float slope;
} pc;

layout (std430, binding = 0) readonly buffer Pre { float pre[]; };
layout (std430, binding = 1) buffer Dy { float dy[]; };
layout (std430, binding = 2) buffer Dpre { float dpre[]; };

void
main ()
{
  CEP_FOR_EACH (e, pc.n)
    dpre[pc.off_dpre + e] = dy[pc.off_dy + e] *
                            cep_activation_derivative (pc.act, pc.slope, pre[pc.off_pre + e]);
}
