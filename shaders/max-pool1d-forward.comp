// SPDX-License-Identifier: GPL-3.0-or-later
//
// max-pool1d-forward.comp: y[r, t, c] = max over the window of x[r, ·, c] and the frame it
// came from (cep_backend_max_pool1d_forward): the first largest, a NaN taking the place as
// in torch. One invocation per output element.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint off_indices;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) writeonly buffer Y { float y[]; };
layout (std430, binding = 2) writeonly buffer Indices { int indices[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.rows * pc.frames_out * pc.channels)
    {
      uint c = i % pc.channels;
      uint t = (i / pc.channels) % pc.frames_out;
      uint r = i / (pc.channels * pc.frames_out);
      uint base = pc.off_x + r * pc.frames * pc.channels + c;
      uint best = t * pc.stride;
      float best_value = x[base + best * pc.channels];

      for (uint f = best + 1; f < t * pc.stride + pc.kernel; f++)
        {
          float value = x[base + f * pc.channels];
          if (value > best_value || isnan (value))
            {
              best = f;
              best_value = value;
            }
        }
      y[pc.off_y + i] = best_value;
      indices[pc.off_indices + i] = int (best);
    }
}
