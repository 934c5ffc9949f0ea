// SPDX-License-Identifier: GPL-3.0-or-later
//
// elementwise.glsl: the grid-stride loop every flat or row-major elementwise kernel uses, so
// one dispatch of at most 65535 workgroups covers any length.

#define CEP_LOCAL_SIZE 256

#define CEP_FOR_EACH(i, n) \
  for (uint i = gl_GlobalInvocationID.x; i < (n); i += gl_NumWorkGroups.x * CEP_LOCAL_SIZE)
