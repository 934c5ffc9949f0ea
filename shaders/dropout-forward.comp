// SPDX-License-Identifier: GPL-3.0-or-later
//
// dropout-forward.comp: inverted dropout with the CPU's masks. Element e (counted from the
// start of the whole tensor: first_word · 32 + local index) uses 16-bit half e % 2 of word
// (e / 2) % 4 of Philox block e / 8 of the key's counter {c0, c1, c2, e / 8}, and is kept
// when that half >= threshold. One invocation per mask word (32 elements, 4 blocks). y may be
// x itself.
#version 450
#include "elementwise.glsl"
#include "philox.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_x;
  uint off_y;
  uint off_mask;
  uint n;
  uint threshold;
  float scale;
  uint key0;
  uint key1;
  uint c0;
  uint c1;
  uint c2;
  uint first_word;
} pc;

layout (std430, binding = 0) buffer X { float x[]; };
layout (std430, binding = 1) buffer Y { float y[]; };
layout (std430, binding = 2) writeonly buffer Mask { uint mask[]; };

void
main ()
{
  uvec2 key = uvec2 (pc.key0, pc.key1);

  CEP_FOR_EACH (w, (pc.n + 31) / 32)
    {
      uint bits = 0;
      for (uint block = 0; block < 4; block++)
        {
          uint position = (pc.first_word + w) * 4 + block;
          uvec4 r = cep_philox4x32 (uvec4 (pc.c0, pc.c1, pc.c2, position), key);
          for (uint h = 0; h < 8; h++)
            {
              uint e = w * 32 + block * 8 + h;
              if (e >= pc.n)
                break;
              uint word = r[h / 2];
              uint half_word = (h % 2) == 0 ? (word & 0xffffu) : (word >> 16);
              bool keep = half_word >= pc.threshold;
              bits |= uint (keep) << (block * 8 + h);
              y[pc.off_y + e] = keep ? x[pc.off_x + e] * pc.scale : 0.0;
            }
        }
      mask[pc.off_mask + w] = bits;
    }
}
