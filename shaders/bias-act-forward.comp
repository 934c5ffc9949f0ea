// SPDX-License-Identifier: GPL-3.0-or-later
//
// bias-act-forward.comp: pre += bias (per column, when present), out = act(pre), over a
// rows × cols tensor. out may be pre itself.
#version 450
#include "elementwise.glsl"
#include "activation.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_bias;
  uint off_pre;
  uint off_out;
  uint rows;
  uint cols;
  uint act;
  float slope;
  uint has_bias;
} pc;

layout (std430, binding = 0) readonly buffer Bias { float bias[]; };
layout (std430, binding = 1) buffer Pre { float pre[]; };
layout (std430, binding = 2) buffer Out { float outs[]; };

void
main ()
{
  CEP_FOR_EACH (e, pc.rows * pc.cols)
    {
      float value = pre[pc.off_pre + e];
      if (pc.has_bias != 0)
        {
          value = value + bias[pc.off_bias + e % pc.cols];
          pre[pc.off_pre + e] = value;
        }
      outs[pc.off_out + e] = cep_activation (pc.act, pc.slope, value);
    }
}
