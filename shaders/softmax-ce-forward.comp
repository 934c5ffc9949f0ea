// SPDX-License-Identifier: GPL-3.0-or-later
//
// softmax-ce-forward.comp: per row (one invocation each) the label-smoothed
// cross-entropy lse − (1−ε)·x[label] − ε·mean(x), rows with a label outside [0, classes)
// contributing 0; each workgroup writes its partial sum to partials[workgroup]
// (reduce-add.comp adds them to the loss sum).
#version 450
#include "elementwise.glsl"
#include "reduce.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_logits;
  uint off_labels;
  uint off_partials;
  uint rows;
  uint classes;
  float smoothing;
} pc;

layout (std430, binding = 0) readonly buffer Logits { float logits[]; };
layout (std430, binding = 1) readonly buffer Labels { int labels[]; };
layout (std430, binding = 2) writeonly buffer Partials { float partials[]; };

float
row_loss (uint row, int label)
{
  uint base = pc.off_logits + row * pc.classes;
  float top = logits[base];
  for (uint c = 1; c < pc.classes; c++)
    top = max (top, logits[base + c]);
  float sum = 0.0, total = 0.0;
  for (uint c = 0; c < pc.classes; c++)
    {
      float v = logits[base + c];
      sum += exp (v - top);
      total += v;
    }
  float lse = top + log (sum);
  return lse - (1.0 - pc.smoothing) * logits[base + uint (label)] -
         pc.smoothing * (total / float (pc.classes));
}

void
main ()
{
  float loss = 0.0;

  CEP_FOR_EACH (row, pc.rows)
    {
      int label = labels[pc.off_labels + row];
      if (label >= 0 && uint (label) < pc.classes)
        loss += row_loss (row, label);
    }
  loss = cep_workgroup_sum (loss);
  if (gl_LocalInvocationIndex == 0)
    partials[pc.off_partials + gl_WorkGroupID.x] = loss;
}
