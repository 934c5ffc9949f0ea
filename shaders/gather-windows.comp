// SPDX-License-Identifier: GPL-3.0-or-later
//
// gather-windows.comp: context windows copied out of a resident frame store, masked. One
// invocation per output float (grid-stride): sample s = i / window_floats reads its
// descriptor (centre row, output row, then optional mask bands, as cep-backend.h's
// cep_backend_gather_windows() documents), copies store row first + t, coefficient d, and
// zeroes it when a frequency band covers d or a time band covers t — the same elements
// cep_augment_apply() zeroes, so the result is bit-identical to the host batch producer's.
#version 450
#include "elementwise.glsl"

layout (local_size_x = CEP_LOCAL_SIZE) in;

layout (push_constant) uniform Push
{
  uint off_store;
  uint off_samples;
  uint off_out;
  uint n;
  uint dim;
  int  window_start;
  uint window_frames;
  uint sample_words;
  uint store_rows;
  uint out_rows;
} pc;

layout (std430, binding = 0) readonly buffer Store { float store[]; };
layout (std430, binding = 1) readonly buffer Samples { uint samples[]; };
layout (std430, binding = 2) writeonly buffer Out { float outputs[]; };

const uint MAX_BANDS = 8;

// Whether a band list [first, first + count) of the descriptor at @base covers @x.
bool
covered (uint base,
         uint first,
         uint count,
         uint x)
{
  for (uint b = 0; b < count; b++)
    {
      uint band = samples[base + first + b];
      uint start = band & 0xffffu;
      if (x >= start && x - start < (band >> 16))
        return true;
    }
  return false;
}

bool
masked (uint base,
        uint t,
        uint d)
{
  uint counts = samples[base + 2];
  uint slots = pc.sample_words - 3;
  uint n_freq = min (min (counts & 0xffffu, slots), MAX_BANDS);
  uint n_time = min (min (counts >> 16, slots - n_freq), MAX_BANDS);
  return covered (base, 3, n_freq, d) || covered (base, 3 + n_freq, n_time, t);
}

// The first store row of the window, or false when the window leaves the store.
bool
window_first_row (uint row,
                  out uint first)
{
  uint back = pc.window_start < 0 ? uint (-pc.window_start) : 0;
  first = row - back + uint (max (pc.window_start, 0));
  return row >= back && pc.window_frames <= pc.store_rows &&
         first <= pc.store_rows - pc.window_frames;
}

void
main ()
{
  uint window_floats = pc.window_frames * pc.dim;

  CEP_FOR_EACH (i, pc.n * window_floats)
    {
      uint s = i / window_floats;
      uint j = i - s * window_floats;
      uint base = pc.off_samples + s * pc.sample_words;
      uint out_row = samples[base + 1];
      if (out_row >= pc.out_rows)
        continue;
      uint t = j / pc.dim;
      uint d = j - t * pc.dim;
      uint first;
      float value = 0.0;
      if (window_first_row (samples[base], first))
        {
          value = store[pc.off_store + (first + t) * pc.dim + d];
          if (pc.sample_words > 2 && masked (base, t, d))
            value = 0.0;
        }
      outputs[pc.off_out + out_row * window_floats + j] = value;
    }
}
