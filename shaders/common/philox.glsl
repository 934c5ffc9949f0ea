// SPDX-License-Identifier: GPL-3.0-or-later
//
// philox.glsl: Philox4x32-10, word for word the generator of core/data/cep-rng.c (same round
// multipliers, key increments and output order), so a dropout mask drawn here is the CPU's.

uvec4
cep_philox4x32 (uvec4 counter, uvec2 key)
{
  for (int round = 0; round < 10; round++)
    {
      if (round > 0)
        key += uvec2 (0x9E3779B9u, 0xBB67AE85u);
      uint hi0, lo0, hi1, lo1;
      umulExtended (0xD2511F53u, counter.x, hi0, lo0);
      umulExtended (0xCD9E8D57u, counter.z, hi1, lo1);
      counter = uvec4 (hi1 ^ counter.y ^ key.x, lo1, hi0 ^ counter.w ^ key.y, lo0);
    }
  return counter;
}
