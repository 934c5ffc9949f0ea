// SPDX-License-Identifier: GPL-3.0-or-later
//
// softmax-ce-backward.comp: dlogits = grad_scale · (softmax − ((1−ε)·onehot + ε/classes)),
// zero for rows whose label is outside [0, classes). One invocation per row; dlogits may be
// logits itself (each row is fully read before it is written).
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_logits;
  uint off_labels;
  uint off_dlogits;
  uint rows;
  uint classes;
  float smoothing;
  float grad_scale;
} pc;

layout (std430, binding = 0) buffer Logits { float logits[]; };
layout (std430, binding = 1) readonly buffer Labels { int labels[]; };
layout (std430, binding = 2) buffer Dlogits { float dlogits[]; };

void
main ()
{
  float uniform_part = pc.smoothing / float (pc.classes);

  CEP_FOR_EACH (row, pc.rows)
    {
      uint base = pc.off_logits + row * pc.classes;
      uint out_base = pc.off_dlogits + row * pc.classes;
      int label = labels[pc.off_labels + row];
      if (label < 0 || uint (label) >= pc.classes)
        {
          for (uint c = 0; c < pc.classes; c++)
            dlogits[out_base + c] = 0.0;
          continue;
        }
      float top = logits[base];
      for (uint c = 1; c < pc.classes; c++)
        top = max (top, logits[base + c]);
      float sum = 0.0;
      for (uint c = 0; c < pc.classes; c++)
        sum += exp (logits[base + c] - top);
      float lse = top + log (sum);
      for (uint c = 0; c < pc.classes; c++)
        {
          float target = uniform_part + (c == uint (label) ? 1.0 - pc.smoothing : 0.0);
          dlogits[out_base + c] = pc.grad_scale * (exp (logits[base + c] - lse) - target);
        }
    }
}
