/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-type.h: what a block kind is — one descriptor per kind, in one file per kind.
 *
 * Every question about a kind of block is answered by its CepBlockType (kann's and ggml's
 * shape: a table of operations instead of switches): its JSON name and fields, its output
 * shape and the checks that say a block list does not fit, its tensors (named as PyTorch's
 * nn.Sequential state_dict names them), parameter and FLOP counts, the torch module it is, its
 * place in a network's buffers, initialization, and its forward (training and evaluation
 * mode) and backward passes as backend operations. The spec (cep-model-spec.c), experiment.json
 * (cep-experiment-*.c), the network (core/train), the checkpoints and the Model page walk the
 * table. The descriptors live in core/nn/blocks/cep-block-<name>.c and are registered by one
 * line of blocks/cep-block-kinds.h.
 */
#pragma once

#include <glib.h>

#include "cep-backend.h"
#include "cep-field.h"
#include "cep-model-spec.h"

G_BEGIN_DECLS

/* Where nothing is: an absent bias, a layer without a tensor. */
#define CEP_NO_OFFSET G_MAXSIZE

typedef struct _CepBlockType CepBlockType;

/* One block of a network with its place in every buffer (offsets in words). Only the
 * members its kind uses are set; the others are CEP_NO_OFFSET or 0. */
typedef struct
{
  const CepBlockType *type;
  const CepBlock     *block;     /* in the network's own copy of the spec */
  guint               index;     /* position in the Sequential (the head is n_blocks) */
  CepBlockShape       in_shape;
  CepBlockShape       out_shape;
  guint               in;        /* features in (the width of in_shape) */
  guint               out;       /* features out */
  gboolean            needs_dx;  /* a trainable block lies before it: backward computes dx */
  /* Parameters (and their gradients and optimizer state), running statistics, saved
   * per-batch work, dropout masks */
  gsize               weight;
  gsize               bias;
  gsize               running_mean;
  gsize               running_var;
  gsize               saved_mean;
  gsize               saved_invstd;
  gsize               mask;
  /* Per-batch work a kind keeps from forward to backward in the work buffer (conv1d's
   * unfolded input, max pooling's indices, a residual's saved gradient) */
  gsize               scratch;
  /* The layers after it that are its body and that it runs itself (a residual's); the
   * network's passes skip them. 0 for most. */
  guint               body;
  /* Activation: applied by the block before it (with its bias) when fused */
  gboolean            fused;
  /* Activations, in the activation buffer: the input view is the previous block's output */
  gsize               x;
  gsize               y;
} CepLayer;

/* Running word counts of a network's buffers while its layers are laid out. */
typedef struct
{
  gsize params;
  gsize stats;
  gsize work;
  gsize masks;
  gsize acts;
  guint rows;          /* the largest batch */
} CepLayoutCursor;

static inline gsize
cep_layout_take (gsize *cursor,
                 gsize  n_words)
{
  gsize offset = *cursor;
  *cursor += n_words;
  return offset;
}

/* Everything a pass needs: the buffers of a network and where its activation gradient is. The
 * gradient flows back through two ping-pong buffers: a layer works in place on grad_current
 * or writes its dx to grad_other and swaps them (cep_block_pass_swap). */
typedef struct
{
  CepBackend *backend;
  CepBuffer  *params;
  CepBuffer  *grads;
  CepBuffer  *stats;
  CepBuffer  *acts;
  CepBuffer  *work;
  CepBuffer  *masks;
  gsize       zeros;            /* offset in work of a vector of zeros as wide as any tensor */
  CepLayer   *layers;
  guint       n_layers;
  guint       rows;             /* rows of this pass */
  gboolean    training;
  guint64     seed;             /* dropout */
  guint64     step;
  CepBuffer  *grad_current;
  CepBuffer  *grad_other;
} CepBlockPass;

static inline CepView
cep_block_pass_act (const CepBlockPass *pass,
                    gsize               offset)
{
  return cep_view (pass->acts, offset);
}

static inline CepView
cep_block_pass_param (const CepBlockPass *pass,
                      gsize               offset)
{
  return offset == CEP_NO_OFFSET ? CEP_VIEW_NONE : cep_view (pass->params, offset);
}

static inline CepView
cep_block_pass_grad (const CepBlockPass *pass,
                     gsize               offset)
{
  return offset == CEP_NO_OFFSET ? CEP_VIEW_NONE : cep_view (pass->grads, offset);
}

static inline void
cep_block_pass_swap (CepBlockPass *pass)
{
  CepBuffer *t = pass->grad_current;
  pass->grad_current = pass->grad_other;
  pass->grad_other = t;
}

/* Where a tensor of a layer lives: in the parameters (and so in the gradients and optimizer
 * state) or in the running statistics. */
typedef struct
{
  gsize    offset;
  gsize    n_words;
  gboolean in_stats;
} CepTensorPlace;

struct _CepBlockType
{
  CepBlockKind  kind;
  const char   *name;            /* cep_block_kind_get_name(): "linear", "batch_norm", ... */
  const char   *label;           /* for people, CEP_N_()-marked: "Linear", "Batch norm" */
  const char   *short_label;     /* the same in a few letters, for diagrams ("BN"); NULL: label */
  gboolean      trainable;       /* has parameters: the blocks after it compute dx */
  gboolean      batch_statistics;  /* uses the batch's statistics in training (≥ 2 rows) */
  gboolean      fuses_activation;  /* an activation right after it is applied with its bias */

  /* experiment.json. A kind's JSON "type" is its name unless it says otherwise (activations
   * are written by the activation's name: {"type": "gelu"}). */
  CepBlock             (*defaults)    (void);
  gboolean             (*parse_type)  (const char *type, CepBlock *block);   /* may be NULL */
  const char          *(*type_name)   (const CepBlock *block);               /* may be NULL */
  void                 (*list_types)  (GString *text);                      /* may be NULL */
  /* For a kind with several JSON types (list_types), the label of @block's ("GELU"); NULL
   * shows the kind's label. */
  const char          *(*variant_label) (const CepBlock *block);
  const CepFieldTable *(*fields)      (const CepBlock *block);
  gboolean             (*equal)       (const CepBlock *a, const CepBlock *b);

  /* A kind that wraps the blocks after it (a residual): how many of them are its body, and
   * whether the body gave an acceptable shape (@body_out) for its input @in (FALSE with a
   * message naming the field, as validate()). The spec stays a flat list: the body's blocks
   * follow their block there and in a network's layers. NULL for the others (no body). */
  guint     (*body_length)    (const CepBlock *block);
  gboolean  (*check_body)     (const CepBlock      *block,
                               const CepBlockShape *in,
                               const CepBlockShape *body_out,
                               char               **message);

  /* The spec. output_shape() answers for any block (a block that does not fit gives some
   * shape; validate() says why it does not fit). validate() checks the block's own fields and
   * that it fits @in: FALSE with a message for people in *@message that names the field
   * ("dropout p 1 is not in [0, 1)"; the caller adds "blocks[i]: "). @after_trainable says a
   * trainable block comes before it. */
  void      (*output_shape)   (const CepBlock      *block,
                               const CepBlockShape *in,
                               CepBlockShape       *out);
  gboolean  (*validate)       (const CepBlock      *block,
                               const CepBlockShape *in,
                               gboolean             after_trainable,
                               char               **message);
  guint64   (*count_params)   (const CepBlock *block, const CepBlockShape *in);
  guint64   (*count_flops)    (const CepBlock *block, const CepBlockShape *in);
  /* Matrix-product FLOPs per sample of a training step (0 for elementwise kinds). */
  guint64   (*count_train_gemm_flops) (const CepBlock      *block,
                                       const CepBlockShape *in,
                                       gboolean             first_trainable);
  /* The torch module it is, as written in Python after "torch.nn." ("Linear(140, 24)"): the
   * descriptions and the PyTorch exporter use it. */
  void      (*describe)       (const CepBlock *block, const CepBlockShape *in, GString *text);
  /* Its checkpoint tensors, in state_dict order (cep_block_add_tensor). */
  void      (*list_tensors)   (const CepBlock      *block,
                               guint                index,
                               const CepBlockShape *in,
                               GArray              *tensors);

  /* The network. layout() takes its tensors from @cursor (the output tensor is taken already,
   * in layer->y; a kind working in place gives it back). */
  void      (*layout)         (CepLayer *layer, CepLayer *previous, CepLayoutCursor *cursor);
  gboolean  (*tensor_place)   (const CepLayer *layer, CepTensorRole role, CepTensorPlace *place);
  void      (*init)           (const CepModelSpec *spec, const CepLayer *layer, guint64 seed,
                               float *params, float *stats);
  /* Training or evaluation forward (pass->training), and the backward of either: in training
   * it fills the parameter gradients; in evaluation mode it only propagates to the input. */
  void      (*forward)        (CepBlockPass *pass, const CepLayer *layer);
  void      (*backward)       (CepBlockPass *pass, const CepLayer *layer);
};

/* The descriptor of a kind, of a block, and the kind whose JSON type is @type (its block with
 * the kind's defaults in *@block); NULL for an unknown type. */
const CepBlockType *cep_block_type_get          (CepBlockKind    kind);
const CepBlockType *cep_block_type_of           (const CepBlock *block);
const CepBlockType *cep_block_type_parse        (const char     *type,
                                                 CepBlock       *block);
/* The JSON type of @block ("linear", "gelu"). */
const char         *cep_block_type_name_of      (const CepBlock *block);
/* "linear, batch_norm, identity, relu, ..., dropout": every JSON type, for messages. */
char               *cep_block_type_list_names   (void);
/* Every JSON type of @type, in list_types order (just its name for a kind with one). */
GStrv               cep_block_type_list_variants (const CepBlockType *type);
/* What people call @block: its variant's label ("GELU") or its kind's ("Linear"); labels
 * are CEP_N_()-marked, for the interface to translate. */
const char         *cep_block_type_label_of     (const CepBlock *block);
/* The same in a few letters where the kind has a short label ("BN"). */
const char         *cep_block_type_short_label_of (const CepBlock *block);
/* The block's fields in experiment.json (an empty table for none). */
const CepFieldTable *cep_block_type_fields_of   (const CepBlock *block);

/* Appends a tensor of @length elements (n_dims 1, or 0 for num_batches_tracked) named
 * "layers.<index>.<role>" (the spec renames a body's: cep_model_spec_get_module_name()); set
 * other shapes on the returned element. */
CepTensorInfo      *cep_block_add_tensor        (GArray         *tensors,
                                                 guint           index,
                                                 CepTensorRole   role,
                                                 gsize           length,
                                                 gboolean        is_parameter);
/* A role's name in a state_dict ("weight", "running_mean"). */
const char         *cep_tensor_role_get_name    (CepTensorRole   role);

/* Hooks shared by kinds: the output is the input's shape; no tensors; a count of 0. */
void                cep_block_same_shape        (const CepBlock      *block,
                                                 const CepBlockShape *in,
                                                 CepBlockShape       *out);
void                cep_block_no_tensors        (const CepBlock      *block,
                                                 guint                index,
                                                 const CepBlockShape *in,
                                                 GArray              *tensors);
gboolean            cep_block_no_place          (const CepLayer      *layer,
                                                 CepTensorRole        role,
                                                 CepTensorPlace      *place);
guint64             cep_block_count_nothing     (const CepBlock      *block,
                                                 const CepBlockShape *in);

/* The passes over layers [@first, @end) of pass->layers, each layer of a body run by the
 * block whose body it is (never by these walks): forward in order, backward in reverse, and
 * in training the backward stops at the first layer that neither has parameters (of its own
 * or in its body) nor needs its input's gradient. The network runs all its layers with
 * them; a residual runs its body. */
void                cep_block_pass_forward_layers  (CepBlockPass *pass,
                                                    guint         first,
                                                    guint         end);
void                cep_block_pass_backward_layers (CepBlockPass *pass,
                                                    guint         first,
                                                    guint         end);

/* The descriptors (blocks/cep-block-<name>.c). */
#define CEP_BLOCK_KIND(ENUM, name) extern const CepBlockType cep_block_type_##name;
#include "blocks/cep-block-kinds.h"
#undef CEP_BLOCK_KIND

G_END_DECLS
