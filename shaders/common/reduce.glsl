// SPDX-License-Identifier: GPL-3.0-or-later
//
// reduce.glsl: float sums inside a workgroup through shared memory, in a fixed tree order so
// a result never depends on scheduling.
//
// cep_workgroup_sum: a 1-D workgroup of CEP_LOCAL_SIZE (a power of two) invocations.
// cep_column_sum: a CEP_COLUMNS × CEP_LANES workgroup; sums over the lanes (y) of each
// column (x). Both must be reached by every invocation of the workgroup.

#ifdef CEP_LOCAL_SIZE
shared float cep_reduce_buffer[CEP_LOCAL_SIZE];

float
cep_workgroup_sum (float value)
{
  uint lid = gl_LocalInvocationIndex;

  cep_reduce_buffer[lid] = value;
  barrier ();
  for (uint s = CEP_LOCAL_SIZE / 2; s > 0; s >>= 1)
    {
      if (lid < s)
        cep_reduce_buffer[lid] += cep_reduce_buffer[lid + s];
      barrier ();
    }
  float total = cep_reduce_buffer[0];
  barrier ();
  return total;
}
#endif

#ifdef CEP_COLUMNS
shared float cep_column_buffer[CEP_LANES][CEP_COLUMNS];

float
cep_column_sum (float value)
{
  uvec2 l = gl_LocalInvocationID.xy;

  cep_column_buffer[l.y][l.x] = value;
  barrier ();
  for (uint s = CEP_LANES / 2; s > 0; s >>= 1)
    {
      if (l.y < s)
        cep_column_buffer[l.y][l.x] += cep_column_buffer[l.y + s][l.x];
      barrier ();
    }
  float total = cep_column_buffer[0][l.x];
  barrier ();
  return total;
}
#endif
