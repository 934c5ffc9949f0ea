/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-type.c: the table of block kinds and what is common to every kind.
 *
 * Owns the lookup of a kind by its enum value or JSON type and the naming of checkpoint
 * tensors. It must not know any kind's own meaning: that is in blocks/cep-block-<name>.c.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <string.h>

static const CepBlockType *const block_types[] = {
#define CEP_BLOCK_KIND(ENUM, name) [CEP_BLOCK_##ENUM] = &cep_block_type_##name,
#include "blocks/cep-block-kinds.h"
#undef CEP_BLOCK_KIND
};

G_STATIC_ASSERT (G_N_ELEMENTS (block_types) == CEP_BLOCK_KIND_COUNT);

const CepBlockType *
cep_block_type_get (CepBlockKind kind)
{
  g_return_val_if_fail ((guint) kind < CEP_BLOCK_KIND_COUNT, NULL);
  return block_types[kind];
}

const CepBlockType *
cep_block_type_of (const CepBlock *block)
{
  g_return_val_if_fail (block != NULL, NULL);
  if ((guint) block->kind >= CEP_BLOCK_KIND_COUNT)
    return NULL;
  return block_types[block->kind];
}

const CepBlockType *
cep_block_type_parse (const char *type,
                      CepBlock   *block)
{
  g_return_val_if_fail (type != NULL && block != NULL, NULL);

  for (guint i = 0; i < CEP_BLOCK_KIND_COUNT; i++)
    {
      const CepBlockType *kind = block_types[i];

      if (kind->parse_type != NULL ? kind->parse_type (type, block)
                                   : strcmp (type, kind->name) == 0)
        {
          if (kind->parse_type == NULL)
            *block = kind->defaults ();
          return kind;
        }
    }
  return NULL;
}

const char *
cep_block_type_name_of (const CepBlock *block)
{
  const CepBlockType *type = cep_block_type_of (block);

  g_return_val_if_fail (type != NULL, NULL);
  return type->type_name != NULL ? type->type_name (block) : type->name;
}

char *
cep_block_type_list_names (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < CEP_BLOCK_KIND_COUNT; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      if (block_types[i]->list_types != NULL)
        block_types[i]->list_types (text);
      else
        g_string_append (text, block_types[i]->name);
    }
  return g_string_free (text, FALSE);
}

GStrv
cep_block_type_list_variants (const CepBlockType *type)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (type != NULL, NULL);

  if (type->list_types == NULL)
    return g_strsplit (type->name, ",", -1);
  type->list_types (text);
  g_string_replace (text, " ", "", 0);
  return g_strsplit (text->str, ",", -1);
}

const char *
cep_block_type_label_of (const CepBlock *block)
{
  const CepBlockType *type = cep_block_type_of (block);

  g_return_val_if_fail (type != NULL, NULL);
  return type->variant_label != NULL ? type->variant_label (block) : type->label;
}

const char *
cep_block_type_short_label_of (const CepBlock *block)
{
  const CepBlockType *type = cep_block_type_of (block);

  g_return_val_if_fail (type != NULL, NULL);
  if (type->variant_label != NULL)
    return type->variant_label (block);
  return type->short_label != NULL ? type->short_label : type->label;
}

const CepFieldTable *
cep_block_type_fields_of (const CepBlock *block)
{
  static const CepFieldTable none = { NULL, 0 };
  const CepBlockType *type = cep_block_type_of (block);

  g_return_val_if_fail (type != NULL, &none);
  return type->fields != NULL ? type->fields (block) : &none;
}

const char *
cep_tensor_role_get_name (CepTensorRole role)
{
  static const char *const names[] = {
    [CEP_TENSOR_WEIGHT] = "weight",
    [CEP_TENSOR_BIAS] = "bias",
    [CEP_TENSOR_RUNNING_MEAN] = "running_mean",
    [CEP_TENSOR_RUNNING_VAR] = "running_var",
    [CEP_TENSOR_NUM_BATCHES_TRACKED] = "num_batches_tracked",
  };

  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (names), NULL);
  return names[role];
}

CepTensorInfo *
cep_block_add_tensor (GArray        *tensors,
                      guint          index,
                      CepTensorRole  role,
                      gsize          length,
                      gboolean       is_parameter)
{
  gboolean scalar = role == CEP_TENSOR_NUM_BATCHES_TRACKED;
  CepTensorInfo info = {
    .name = g_strdup_printf (CEP_MODEL_TENSOR_PREFIX ".%u.%s", index,
                             cep_tensor_role_get_name (role)),
    .block = index,
    .role = role,
    .n_dims = scalar ? 0 : 1,
    .shape = { length, 0 },
    .n_elements = scalar ? 1 : length,
    .is_parameter = is_parameter,
  };

  g_array_append_val (tensors, info);
  return &g_array_index (tensors, CepTensorInfo, tensors->len - 1);
}

void
cep_block_same_shape (const CepBlock      *block,
                      const CepBlockShape *in,
                      CepBlockShape       *out)
{
  *out = *in;
}

void
cep_block_no_tensors (const CepBlock      *block,
                      guint                index,
                      const CepBlockShape *in,
                      GArray              *tensors)
{
}

gboolean
cep_block_no_place (const CepLayer *layer,
                    CepTensorRole   role,
                    CepTensorPlace *place)
{
  return FALSE;
}

guint64
cep_block_count_nothing (const CepBlock      *block,
                         const CepBlockShape *in)
{
  return 0;
}

void
cep_block_pass_forward_layers (CepBlockPass *pass,
                               guint         first,
                               guint         end)
{
  for (guint i = first; i < end; i += 1 + pass->layers[i].body)
    pass->layers[i].type->forward (pass, &pass->layers[i]);
}

/* Whether @layer, or a layer of its body, has parameters that want gradients. */
static gboolean
layer_trains (const CepLayer *layer)
{
  for (guint j = 0; j <= layer->body; j++)
    if (layer[j].type->trainable)
      return TRUE;
  return FALSE;
}

void
cep_block_pass_backward_layers (CepBlockPass *pass,
                                guint         first,
                                guint         end)
{
  /* The layers this walk runs itself, so it can visit them in reverse; a body's layers are
   * its block's to run. */
  guint order[CEP_MODEL_MAX_BLOCKS + 1];
  guint n = 0;

  g_return_if_fail (end - first <= G_N_ELEMENTS (order));

  for (guint i = first; i < end; i += 1 + pass->layers[i].body)
    order[n++] = i;
  while (n-- > 0)
    {
      const CepLayer *layer = &pass->layers[order[n]];

      /* In training, layers before the first trainable one need no gradient. */
      if (pass->training && !layer->needs_dx && !layer_trains (layer))
        break;
      layer->type->backward (pass, layer);
    }
}
