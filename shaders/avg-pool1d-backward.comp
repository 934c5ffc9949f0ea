// SPDX-License-Identifier: GPL-3.0-or-later
//
// avg-pool1d-backward.comp: dx[r, f, c] = Σ dy[r, t, c] / kernel over the windows t holding
// frame f (cep_backend_avg_pool1d_backward); a gather, one invocation per input element.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_dy;
  uint off_dx;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer Dy { float dy[]; };
layout (std430, binding = 1) writeonly buffer Dx { float dx[]; };

void
main ()
{
  CEP_FOR_EACH (i, pc.rows * pc.frames * pc.channels)
    {
      uint c = i % pc.channels;
      uint f = (i / pc.channels) % pc.frames;
      uint r = i / (pc.channels * pc.frames);
      uint t0 = f + 1 > pc.kernel ? (f + 1 - pc.kernel + pc.stride - 1) / pc.stride : 0;
      uint t1 = min (f / pc.stride + 1, pc.frames_out);
      float sum = 0.0;

      for (uint t = t0; t < t1; t++)
        sum += dy[pc.off_dy + (r * pc.frames_out + t) * pc.channels + c];
      dx[pc.off_dx + i] = sum / float (pc.kernel);
    }
}
