// SPDX-License-Identifier: GPL-3.0-or-later
//
// conv1d-fold.comp: the adjoint of conv1d-unfold (cep_backend_conv1d_fold), as a gather: each
// input element sums the unfolded entries that read it, taps in increasing order (as the
// host kernel), so no two invocations write one word.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_cols;
  uint off_dx;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint dilation;
  uint pad_left;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer Cols { float cols[]; };
layout (std430, binding = 1) writeonly buffer Dx { float dx[]; };

void
main ()
{
  uint width = pc.channels * pc.kernel;

  CEP_FOR_EACH (i, pc.rows * pc.frames * pc.channels)
    {
      uint c = i % pc.channels;
      uint f = (i / pc.channels) % pc.frames;
      uint r = i / (pc.channels * pc.frames);
      float sum = 0.0;

      for (uint k = 0; k < pc.kernel; k++)
        {
          int reach = int (f + pc.pad_left) - int (k * pc.dilation);

          if (reach < 0 || uint (reach) % pc.stride != 0)
            continue;
          uint t = uint (reach) / pc.stride;
          if (t < pc.frames_out)
            sum += cols[pc.off_cols + (r * pc.frames_out + t) * width + c * pc.kernel + k];
        }
      dx[pc.off_dx + i] = sum;
    }
}
