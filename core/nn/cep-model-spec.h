/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-spec.h: what a model is, independent of any backend.
 *
 * A spec is the context (K frames on each side, or P past and F future frames: the input is
 * (P+F+1)·D floats, cep_model_spec_get_window_frames()), the feature dimension D, an ordered
 * list of hidden blocks (of the kinds in blocks/cep-block-kinds.h, each described by its
 * CepBlockType in cep-block-type.h) and the classifier head, a
 * Linear to n_classes logits trained with softmax cross-entropy (optionally label-smoothed).
 * It answers the questions asked before any weight exists: is the model well formed, how many
 * parameters and FLOPs does it have, what are its tensors called in a checkpoint.
 *
 * Conventions (PyTorch's, so a checkpoint maps 1:1 onto torch.nn.Sequential):
 * - Linear weights are [out × in], biases [out].
 * - BatchNorm1d is affine: weight (γ) and bias (β) are parameters; running_mean, running_var
 *   and num_batches_tracked are buffers, not parameters. Its momentum is torch's:
 *   running = (1 − momentum)·running + momentum·batch.
 * - Tensor names are "layers.<i>.<name>" where i is the block's position in the equivalent
 *   nn.Sequential (every block counts, activations and dropouts too) and the head is block
 *   n_blocks: tiny's head is "layers.11.weight". A block with a body (a residual: the blocks
 *   after it, kept flat in the spec) is one module of the Sequential whose body is a
 *   Sequential of its own: its blocks are "layers.<i>.body.<j>.<name>", and the blocks after
 *   it count on from i + 1 (cep_model_spec_get_module_name()).
 *
 * It must not allocate or compute tensors (the backends do); it only draws initial weights
 * on request (cep_model_spec_init_linear), so every backend starts from identical values.
 */
#pragma once

#include <glib.h>

#include "cep-activation.h"
#include "cep-context-window.h"

G_BEGIN_DECLS

#define CEP_MODEL_SPEC_ERROR (cep_model_spec_error_quark ())
GQuark cep_model_spec_error_quark (void);

typedef enum
{
  CEP_MODEL_SPEC_ERROR_INVALID,    /* the spec is malformed (messages name the block) */
  CEP_MODEL_SPEC_ERROR_PRESET,     /* no preset or shape of that name */
  CEP_MODEL_SPEC_ERROR_BUDGET,     /* a shape cannot be made within the parameter budget */
} CepModelSpecError;

/* Sanity bounds, far above anything HW1P2 uses (K <= 50, widths <= 4096). */
#define CEP_MODEL_MAX_CONTEXT     128
#define CEP_MODEL_MAX_FEATURE_DIM 4096
#define CEP_MODEL_MAX_WIDTH       65536
#define CEP_MODEL_MAX_BLOCKS      256
#define CEP_MODEL_MAX_CLASSES     255   /* = CEP_PHONEME_TABLE_MAX_CLASSES */
/* HW1P2's usual limit (F22, F24, F25). */
#define CEP_MODEL_DEFAULT_PARAM_LIMIT G_GUINT64_CONSTANT (20000000)
/* HW1P2's 42 symbols ([SOS] and [EOS] included), as the starter models emit. */
#define CEP_MODEL_DEFAULT_CLASSES 42
#define CEP_MODEL_DEFAULT_FEATURE_DIM 28

/* The prefix of every tensor name in a checkpoint. */
#define CEP_MODEL_TENSOR_PREFIX "layers"

/* The kinds, one per line of blocks/cep-block-kinds.h; what each is and does is its
 * descriptor's (cep-block-type.h). */
typedef enum
{
#define CEP_BLOCK_KIND(ENUM, name) CEP_BLOCK_##ENUM,
#include "blocks/cep-block-kinds.h"
#undef CEP_BLOCK_KIND
  CEP_BLOCK_KIND_COUNT
} CepBlockKind;

/* Weight initializations. Biases start at zero except with CEP_INIT_TORCH_DEFAULT. fan_in is
 * the layer's input width, fan_out its output width. */
typedef enum
{
  CEP_INIT_GLOROT_UNIFORM,   /* U(±√(6/(fan_in+fan_out))): Keras/Axon default, the seed's */
  CEP_INIT_KAIMING_UNIFORM,  /* U(±√(6/fan_in)): He for ReLU, torch kaiming_uniform_(
                              * nonlinearity='relu'), mode fan_in, gain √2 */
  CEP_INIT_KAIMING_NORMAL,   /* N(0, 2/fan_in): torch kaiming_normal_(nonlinearity='relu') */
  CEP_INIT_NORMAL,           /* N(0, init_std²) */
  CEP_INIT_TORCH_DEFAULT,    /* torch.nn.Linear's reset_parameters: weight and bias
                              * U(±1/√fan_in) (kaiming_uniform_ with a = √5) */
} CepInit;

#define CEP_INIT_COUNT (CEP_INIT_TORCH_DEFAULT + 1)

/* A convolution's padding, as torch.nn.Conv1d's padding='valid' | 'same'. */
typedef enum
{
  CEP_PADDING_VALID,         /* none: frames_out = (frames − reach) / stride + 1 */
  CEP_PADDING_SAME,          /* stride 1: as many frames out as in; the odd frame of an odd
                              * total padding goes after the last frame, as torch pads */
} CepPadding;

/* Their names by value ("glorot_uniform", ...), NULL-terminated. */
extern const char *const cep_init_names[CEP_INIT_COUNT + 1];
/* The same for people, CEP_N_()-marked: "Glorot uniform", ... */
extern const char *const cep_init_labels[CEP_INIT_COUNT + 1];

/* One block. Only the fields of its kind are meaningful; the others keep the values the
 * constructors below give them, so two equal blocks compare equal field by field. */
typedef struct
{
  CepBlockKind  kind;
  /* CEP_BLOCK_LINEAR */
  guint         width;        /* output features */
  CepInit       init;
  double        init_std;     /* CEP_INIT_NORMAL only (default 0.01) */
  gboolean      bias;
  /* CEP_BLOCK_BATCH_NORM (torch defaults 1e-5 and 0.1) */
  double        eps;
  double        momentum;
  /* CEP_BLOCK_ACTIVATION */
  CepActivation activation;
  double        slope;        /* LeakyReLU's negative slope (default 0.01) */
  /* CEP_BLOCK_DROPOUT */
  double        p;            /* probability of zeroing, in [0, 1) */
  /* CEP_BLOCK_LAYER_NORM (eps above; torch's default TRUE) */
  gboolean      elementwise_affine;   /* a weight and a bias per normalized feature */
  /* CEP_BLOCK_CONV1D (width: out channels; init, init_std, bias as a Linear's), and
   * CEP_BLOCK_MAX_POOL1D and CEP_BLOCK_AVG_POOL1D (kernel, stride) */
  guint         kernel;
  guint         stride;
  guint         dilation;
  CepPadding    padding;
  /* CEP_BLOCK_RESIDUAL: how many of the blocks after it are its body (y = x + body(x)) */
  guint         body_blocks;
} CepBlock;

/* A block of @kind with every field at its default. */
CepBlock      cep_block_defaults   (CepBlockKind   kind);
/* Blocks with every other field at its default (defined in their kinds' files). */
CepBlock      cep_block_linear     (guint          width);   /* Glorot uniform, bias on */
CepBlock      cep_block_batch_norm (void);
CepBlock      cep_block_activation (CepActivation  activation);
CepBlock      cep_block_dropout    (double         p);
CepBlock      cep_block_layer_norm (void);                   /* eps 1e-5, affine */
/* Stride 1, dilation 1, valid padding, Glorot uniform, bias on. */
CepBlock      cep_block_conv1d     (guint          out_channels,
                                    guint          kernel);
/* CEP_BLOCK_MAX_POOL1D or CEP_BLOCK_AVG_POOL1D. */
CepBlock      cep_block_pool1d     (CepBlockKind   kind,
                                    guint          kernel,
                                    guint          stride);
/* A residual whose body is the @body_blocks blocks after it. */
CepBlock      cep_block_residual   (guint          body_blocks);

const char   *cep_block_kind_get_name (CepBlockKind kind);       /* "linear", "batch_norm", ... */
const char   *cep_init_get_name       (CepInit      init);       /* "glorot_uniform", ... */
gboolean      cep_init_from_name      (const char  *name,
                                       CepInit     *init);

/* What flows between blocks: @frames time steps of @channels features, stored frame-major
 * (the network input: 2K+1 frames of D coefficients), or one flat vector (@frames 1). Its
 * width is frames·channels. */
typedef struct
{
  guint    frames;
  guint    channels;
  gboolean flat;       /* a vector; a Linear reads any shape as the vector it is stored as */
} CepBlockShape;

static inline guint
cep_block_shape_width (const CepBlockShape *shape)
{
  return shape->frames * shape->channels;
}

typedef struct
{
  char     *name;             /* free text for people ("tiny", "pyramid-6"); may be NULL */
  guint     context;          /* K; with sides of their own, max (past, future) */
  /* The window's sides: CEP_CONTEXT_SAME (cep-context-window.h) follows K. Read them with
   * cep_model_spec_get_context_past/future(), set them with _set_context_window(), which
   * keeps a symmetric window as K alone (written as "context" only). */
  guint     context_past;
  guint     context_future;
  guint     feature_dim;      /* D */
  GArray   *blocks;           /* of CepBlock: the hidden blocks in order */
  CepBlock  head;             /* CEP_BLOCK_LINEAR; head.width is the number of classes */
  double    label_smoothing;  /* softmax cross-entropy's, in [0, 1) */
  guint64   param_limit;      /* warn above this many parameters (0 = never) */
} CepModelSpec;

/* No hidden block; a Glorot-initialized head with bias; no smoothing; the default limit. */
CepModelSpec   *cep_model_spec_new            (guint                context,
                                               guint                feature_dim,
                                               guint                n_classes);
CepModelSpec   *cep_model_spec_copy           (const CepModelSpec  *spec);
void            cep_model_spec_free           (CepModelSpec        *spec);
gboolean        cep_model_spec_equal          (const CepModelSpec  *a,
                                               const CepModelSpec  *b);
void            cep_model_spec_set_name       (CepModelSpec        *spec,
                                               const char          *name);
void            cep_model_spec_add            (CepModelSpec        *spec,
                                               CepBlock             block);

/* Frames before (past) and after (future) the current one in the input window; the window's
 * frames, past + future + 1 (the one definition of the input's length); the padding a frame
 * store needs around each utterance, max (past, future). */
guint           cep_model_spec_get_context_past   (const CepModelSpec *spec);
guint           cep_model_spec_get_context_future (const CepModelSpec *spec);
guint           cep_model_spec_get_window_frames  (const CepModelSpec *spec);
guint           cep_model_spec_get_context_reach  (const CepModelSpec *spec);
gboolean        cep_model_spec_is_symmetric       (const CepModelSpec *spec);
/* Sets the window: equal sides become K alone, unequal ones keep their own values and
 * K = max (past, future). */
void            cep_model_spec_set_context_window (CepModelSpec       *spec,
                                                   guint               past,
                                                   guint               future);

guint           cep_model_spec_get_input_dim  (const CepModelSpec  *spec);  /* frames·D */
guint           cep_model_spec_get_n_classes  (const CepModelSpec  *spec);
guint           cep_model_spec_get_n_blocks   (const CepModelSpec  *spec);
/* Blocks 0 .. n_blocks-1 are the hidden blocks, block n_blocks is the head. */
const CepBlock *cep_model_spec_get_block      (const CepModelSpec  *spec,
                                               guint                index);
/* The number of features flowing into block @index (the head included), and their shape
 * (the input is 2K+1 frames of D features; every block's output_shape after that). */
guint           cep_model_spec_get_block_input_width (const CepModelSpec *spec,
                                                      guint               index);
void            cep_model_spec_get_block_input_shape (const CepModelSpec *spec,
                                                      guint               index,
                                                      CepBlockShape      *shape);

/* The number of blocks after block @index that are its body (a residual's), 0 for most. */
guint           cep_model_spec_get_body_length (const CepModelSpec *spec,
                                                guint               index);
/* The module block @index is in the equivalent torch.nn.Sequential, as its state_dict prefix
 * names it: "layers.4", "layers.2.body.1" for a block in a residual's body, the head
 * "layers.<modules before it>". */
char           *cep_model_spec_get_module_name (const CepModelSpec *spec,
                                                guint               index);

/* TRUE when a block normalizes with the batch's statistics in training (BatchNorm), so a
 * training batch needs at least 2 rows. */
gboolean        cep_model_spec_uses_batch_statistics (const CepModelSpec *spec);

/* FALSE with CEP_MODEL_SPEC_ERROR_INVALID and a message like "blocks[3]: dropout p 1 is not
 * in [0, 1)" or "head: ...". Checks bounds, finite numbers, that neither BatchNorm nor an
 * activation comes before the first Linear (they would act on raw input features), and that
 * a block's body (a residual's) lies within the list, holds no body of its own and gives
 * back the shape it was given. */
gboolean        cep_model_spec_validate       (const CepModelSpec  *spec,
                                               GError             **error);

/* torch's sum(p.numel() for p in model.parameters()): Linear weights and biases, BatchNorm's
 * γ and β (2·width); running statistics are buffers and not counted. */
guint64         cep_model_spec_count_params   (const CepModelSpec  *spec);
/* Forward FLOPs per sample in evaluation mode. Convention: a Linear costs 2·in·out (one
 * multiply and one add per weight) plus out for its bias; a BatchNorm 2 per feature (scale and
 * shift, as folded at inference); an activation 1 per feature whatever its real cost; dropout
 * and the softmax nothing. Elementwise terms are under 1 % at HW1P2 widths. */
guint64         cep_model_spec_count_flops    (const CepModelSpec  *spec);
/* GEMM FLOPs per sample of one training step: for every Linear 2·in·out forward, 2·in·out for
 * the weight gradient, and 2·in·out for the input gradient except at the first Linear (the
 * input needs none). Divide samples/s × this by 1e9 for "GEMM-equivalent GFLOP/s". */
guint64         cep_model_spec_count_train_gemm_flops (const CepModelSpec *spec);
/* NULL when within spec->param_limit (or the limit is 0), else a warning for people:
 * "18,864,938 parameters: above the limit of 15,000,000". */
char           *cep_model_spec_check_param_limit (const CepModelSpec *spec);

/* One line per block in torch's words ("Linear(1708, 512)", "BatchNorm1d(512)", "GELU()",
 * "Dropout(p=0.35)"), then the head. A body's lines are indented by two spaces under its
 * block's ("Residual(") and closed by a line ")". */
char           *cep_model_spec_describe       (const CepModelSpec  *spec);

/* Checkpoint tensors: parameters and buffers, in nn.Sequential's state_dict order. */
typedef enum
{
  CEP_TENSOR_WEIGHT,
  CEP_TENSOR_BIAS,
  CEP_TENSOR_RUNNING_MEAN,
  CEP_TENSOR_RUNNING_VAR,
  CEP_TENSOR_NUM_BATCHES_TRACKED,   /* a 0-dimensional int64 */
} CepTensorRole;

typedef struct
{
  char          *name;         /* "layers.4.weight", "layers.2.body.0.bias" */
  guint          block;        /* index as in cep_model_spec_get_block() */
  CepTensorRole  role;
  guint          n_dims;       /* 0 to 3 */
  gsize          shape[3];
  gsize          n_elements;
  gboolean       is_parameter; /* FALSE for buffers */
} CepTensorInfo;

/* A new array of CepTensorInfo (its clear function frees the names). */
GArray         *cep_model_spec_list_tensors   (const CepModelSpec  *spec);

/* As cep_model_spec_init_linear() for a block whose weight has @n_weights elements and whose
 * fans are @fan_in and @fan_out (torch's: a Conv1d's are in·kernel and out·kernel); @bias
 * has block->width elements. */
void            cep_model_spec_init_weights   (const CepModelSpec  *spec,
                                               guint                index,
                                               guint64              seed,
                                               double               fan_in,
                                               double               fan_out,
                                               gsize                n_weights,
                                               float               *weight,
                                               float               *bias);

/* Draws the initial weight ([out × in], row-major) and bias ([out], may be NULL when the block
 * has none) of Linear block @index (the head is n_blocks) from the counter-based RNG, stream
 * CEP_RNG_STREAM_INIT with c0 = @index: the same seed gives the same weights everywhere. */
void            cep_model_spec_init_linear    (const CepModelSpec  *spec,
                                               guint                index,
                                               guint64              seed,
                                               float               *weight,
                                               float               *bias);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepModelSpec, cep_model_spec_free)

G_END_DECLS
