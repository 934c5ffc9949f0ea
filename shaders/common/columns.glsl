// SPDX-License-Identifier: GPL-3.0-or-later
//
// columns.glsl: the layout of the column-reduction kernels (column sums, bias gradients,
// batch-norm statistics): a workgroup owns CEP_COLUMNS adjacent columns, and its CEP_LANES
// lanes walk the rows in steps of CEP_LANES, so each row's read is contiguous.

#define CEP_COLUMNS 32
#define CEP_LANES 8

layout (local_size_x = CEP_COLUMNS, local_size_y = CEP_LANES) in;

// This invocation's column (may be past the last one: it still takes part in the reduction).
uint
cep_column ()
{
  return gl_WorkGroupID.x * CEP_COLUMNS + gl_LocalInvocationID.x;
}

#define CEP_FOR_EACH_ROW(i, rows) \
  for (uint i = gl_LocalInvocationID.y; i < (rows); i += CEP_LANES)
