// SPDX-License-Identifier: GPL-3.0-or-later
//
// max-pool1d-backward.comp: dx[r, f, c] = Σ dy[r, t, c] over the windows t whose maximum came
// from frame f (cep_backend_max_pool1d_backward); a gather, one invocation per input element.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_indices;
  uint off_dy;
  uint off_dx;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer Indices { int indices[]; };
layout (std430, binding = 1) readonly buffer Dy { float dy[]; };
layout (std430, binding = 2) writeonly buffer Dx { float dx[]; };

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
        {
          uint o = (r * pc.frames_out + t) * pc.channels + c;
          if (indices[pc.off_indices + o] == int (f))
            sum += dy[pc.off_dy + o];
        }
      dx[pc.off_dx + i] = sum;
    }
}
