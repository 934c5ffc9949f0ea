// SPDX-License-Identifier: GPL-3.0-or-later
//
// argmax.comp: per row the first index of the largest logit, NaN counting as largest (the
// scan stops at the first NaN, as the C reference does); writes predictions when wanted and
// adds the rows whose prediction equals the label to correct[0] (a workgroup's count first
// gathered in shared memory, then one atomic add: the total is exact in any order).
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_logits;
  uint off_labels;
  uint off_predictions;
  uint off_correct;
  uint rows;
  uint classes;
  uint has_predictions;
  uint has_correct;
} pc;

layout (std430, binding = 0) readonly buffer Logits { float logits[]; };
layout (std430, binding = 1) readonly buffer Labels { int labels[]; };
layout (std430, binding = 2) writeonly buffer Predictions { int predictions[]; };
layout (std430, binding = 3) buffer Correct { int correct[]; };

shared int hits;

uint
row_argmax (uint base)
{
  uint best = 0;
  float best_value = logits[base];
  for (uint c = 1; c < pc.classes && !isnan (best_value); c++)
    {
      float v = logits[base + c];
      if (isnan (v) || v > best_value)
        {
          best = c;
          best_value = v;
        }
    }
  return best;
}

void
main ()
{
  if (gl_LocalInvocationIndex == 0)
    hits = 0;
  barrier ();
  CEP_FOR_EACH (row, pc.rows)
    {
      uint best = row_argmax (pc.off_logits + row * pc.classes);
      if (pc.has_predictions != 0)
        predictions[pc.off_predictions + row] = int (best);
      if (pc.has_correct != 0 && labels[pc.off_labels + row] == int (best))
        atomicAdd (hits, 1);
    }
  barrier ();
  if (gl_LocalInvocationIndex == 0 && pc.has_correct != 0 && hits != 0)
    atomicAdd (correct[pc.off_correct], hits);
}
