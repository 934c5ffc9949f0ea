// SPDX-License-Identifier: GPL-3.0-or-later
//
// avg-pool1d-forward.comp: y[r, t, c] = the mean of x[r, ·, c] over window t
// (cep_backend_avg_pool1d_forward). One invocation per output element.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) writeonly buffer Y { float y[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.rows * pc.frames_out * pc.channels)
    {
      uint c = i % pc.channels;
      uint t = (i / pc.channels) % pc.frames_out;
      uint r = i / (pc.channels * pc.frames_out);
      uint base = pc.off_x + (r * pc.frames + t * pc.stride) * pc.channels + c;
      float sum = 0.0;

      for (uint k = 0; k < pc.kernel; k++)
        sum += x[base + k * pc.channels];
      y[pc.off_y + i] = sum / float (pc.kernel);
    }
}
