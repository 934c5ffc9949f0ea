// SPDX-License-Identifier: GPL-3.0-or-later
//
// conv1d-unfold.comp: the im2col of a convolution over time (cep_backend_conv1d_unfold):
// cols[r · frames_out + t, c · kernel + k] = x[r, t · stride + k · dilation − pad_left, c],
// zero outside the input's frames. One invocation per element of cols.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_cols;
  uint rows;
  uint frames;
  uint channels;
  uint kernel;
  uint stride;
  uint dilation;
  uint pad_left;
  uint frames_out;
} pc;

layout (std430, binding = 0) readonly buffer X { float x[]; };
layout (std430, binding = 1) writeonly buffer Cols { float cols[]; };

void
main ()
{
  uint width = pc.channels * pc.kernel;

  CEP_FOR_EACH (i, pc.rows * pc.frames_out * width)
    {
      uint row_frame = i / width;
      uint c = (i % width) / pc.kernel;
      uint k = i % pc.kernel;
      uint r = row_frame / pc.frames_out;
      uint t = row_frame % pc.frames_out;
      int f = int (t * pc.stride + k * pc.dilation) - int (pc.pad_left);
      bool inside = f >= 0 && f < int (pc.frames);

      cols[pc.off_cols + i] = inside
        ? x[pc.off_x + (r * pc.frames + uint (f)) * pc.channels + c] : 0.0;
    }
}
