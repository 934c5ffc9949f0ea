/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-kinds.h: the registration list of block kinds, one line per kind.
 *
 * Each line CEP_BLOCK_KIND (ENUM, name) makes CEP_BLOCK_ENUM in CepBlockKind and puts the
 * descriptor cep_block_type_<name> (defined in blocks/cep-block-<name>.c) into the table that
 * cep_block_type_get() reads. Adding a kind is its own file, one line here and its line in
 * meson.build. No include guard: it is included with different definitions of the macro.
 */
CEP_BLOCK_KIND (LINEAR, linear)
CEP_BLOCK_KIND (BATCH_NORM, batch_norm)
CEP_BLOCK_KIND (ACTIVATION, activation)
CEP_BLOCK_KIND (DROPOUT, dropout)
CEP_BLOCK_KIND (FLATTEN, flatten)
CEP_BLOCK_KIND (LAYER_NORM, layer_norm)
CEP_BLOCK_KIND (CONV1D, conv1d)
CEP_BLOCK_KIND (MAX_POOL1D, max_pool1d)
CEP_BLOCK_KIND (AVG_POOL1D, avg_pool1d)
CEP_BLOCK_KIND (RESIDUAL, residual)
