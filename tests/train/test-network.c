/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-network.c: CepNetwork on every available backend — layout, the forward against a
 * naive double-precision reference written from the layers' definitions (dropout masks
 * recomputed from the documented Philox counter layout), gradients and input gradients
 * against finite differences through the whole network, evaluation chunking, learning a
 * separable problem, exact checkpoint round trips, and the errors.
 */
#include "train-test-util.h"

#include <math.h>
#include <string.h>

#include "cep-network-private.h"
#include "cep-rng.h"

static CepBackend *
new_backend (const char *name)
{
  g_autoptr (GError) error = NULL;
  CepBackend *backend = cep_backend_new (name, NULL, &error);

  g_assert_no_error (error);
  return backend;
}

static CepNetwork *
new_network (const CepModelSpec *spec,
             CepBackend         *backend,
             guint               max_batch)
{
  g_autoptr (GError) error = NULL;
  CepNetwork *network = cep_network_new (spec, backend, max_batch, &error);

  g_assert_no_error (error);
  return network;
}

/* K = 1, D = 3 (9 inputs) through every kind of block and both activation paths (fused after
 * a Linear, separate after BatchNorm or Dropout), with @act in every activation slot. */
static CepModelSpec *
mixed_spec (CepActivation act,
            float         dropout)
{
  CepModelSpec *spec = cep_model_spec_new (1, 3, 4);
  CepBlock no_bias = cep_block_linear (5);
  CepBlock leaky = cep_block_activation (act);

  no_bias.bias = FALSE;
  leaky.slope = 0.2;
  cep_model_spec_add (spec, cep_block_linear (7));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, leaky);
  cep_model_spec_add (spec, cep_block_dropout (dropout));
  cep_model_spec_add (spec, no_bias);
  cep_model_spec_add (spec, leaky);
  cep_model_spec_add (spec, cep_block_linear (6));
  cep_model_spec_add (spec, cep_block_dropout (dropout * 0.8));
  cep_model_spec_add (spec, leaky);
  cep_model_spec_add (spec, cep_block_batch_norm ());
  spec->label_smoothing = 0.1;
  return spec;
}

/* Layout */

static void
test_layout (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) backend = new_backend (*name);
      g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_GELU, 0.3f);
      g_autoptr (CepNetwork) network = new_network (spec, backend, 13);
      g_autoptr (GArray) tensors = cep_model_spec_list_tensors (spec);
      gsize total = 0;

      g_assert_cmpuint (cep_network_get_n_parameters (network), ==,
                        cep_model_spec_count_params (spec));
      g_assert_cmpuint (cep_network_get_input_dim (network), ==, 9);
      g_assert_cmpuint (cep_network_get_n_classes (network), ==, 4);
      g_assert_true (cep_model_spec_equal (cep_network_get_spec (network), spec));
      for (guint i = 0; i < tensors->len; i++)
        {
          const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
          CepBuffer *buffer;
          gsize offset, n;
          gboolean found = cep_network_lookup_tensor (network, info->name, &buffer, &offset, &n);

          g_assert_true (found == (info->role != CEP_TENSOR_NUM_BATCHES_TRACKED));
          if (!found)
            continue;
          g_assert_cmpuint (n, ==, info->n_elements);
          g_assert_true ((buffer == cep_network_get_parameters (network)) == info->is_parameter);
          total += info->is_parameter ? n : 0;
        }
      g_assert_cmpuint (total, ==, cep_network_get_n_parameters (network));
      g_assert_false (cep_network_lookup_tensor (network, "layers.2.weight", NULL, NULL, NULL));
      g_assert_false (cep_network_lookup_tensor (network, "layers.99.weight", NULL, NULL, NULL));
      g_assert_false (cep_network_lookup_tensor (network, "0.weight", NULL, NULL, NULL));
    }
}

/* The reference forward, in double */

typedef struct
{
  CepNetwork *network;
  guint       n;
  gboolean    training;
  guint64     step;
  double     *x;            /* [n × width], replaced layer by layer */
  guint       width;
  /* the input of every block and its width, for the reference backward (g_free) */
  double     *inputs[CEP_MODEL_MAX_BLOCKS + 1];
  guint       in_width[CEP_MODEL_MAX_BLOCKS + 1];
  /* running statistics after a training forward, per BatchNorm block (g_free) */
  double     *running_mean[CEP_MODEL_MAX_BLOCKS];
  double     *running_var[CEP_MODEL_MAX_BLOCKS];
} RefPass;

static float *
tensor_or_null (CepNetwork *network,
                guint       block,
                const char *role)
{
  g_autofree char *name = g_strdup_printf ("layers.%u.%s", block, role);

  if (!cep_network_lookup_tensor (network, name, NULL, NULL, NULL))
    return NULL;
  return train_test_get_tensor (network, name, NULL);
}

static void
ref_linear (RefPass  *pass,
            guint     block,
            guint     out)
{
  g_autofree float *w = tensor_or_null (pass->network, block, "weight");
  g_autofree float *b = tensor_or_null (pass->network, block, "bias");
  double *y = g_new0 (double, (gsize) pass->n * out);

  for (guint r = 0; r < pass->n; r++)
    for (guint o = 0; o < out; o++)
      {
        double sum = b != NULL ? b[o] : 0.0;
        for (guint i = 0; i < pass->width; i++)
          sum += pass->x[r * pass->width + i] * (double) w[o * pass->width + i];
        y[r * out + o] = sum;
      }
  g_free (pass->x);
  pass->x = y;
  pass->width = out;
}

static void
ref_batch_norm (RefPass        *pass,
                guint           block,
                const CepBlock *spec)
{
  g_autofree float *gamma = tensor_or_null (pass->network, block, "weight");
  g_autofree float *beta = tensor_or_null (pass->network, block, "bias");
  g_autofree float *rm = tensor_or_null (pass->network, block, "running_mean");
  g_autofree float *rv = tensor_or_null (pass->network, block, "running_var");
  guint c = pass->width, n = pass->n;

  pass->running_mean[block] = g_new (double, c);
  pass->running_var[block] = g_new (double, c);
  for (guint j = 0; j < c; j++)
    {
      double mean = 0.0, var = 0.0;
      for (guint r = 0; r < n; r++)
        mean += pass->x[r * c + j] / n;
      for (guint r = 0; r < n; r++)
        var += (pass->x[r * c + j] - mean) * (pass->x[r * c + j] - mean) / n;
      pass->running_mean[block][j] = (1 - spec->momentum) * rm[j] + spec->momentum * mean;
      pass->running_var[block][j] = (1 - spec->momentum) * rv[j] +
                                    spec->momentum * var * n / (n - 1);
      if (!pass->training)
        mean = rm[j], var = rv[j];
      for (guint r = 0; r < n; r++)
        pass->x[r * c + j] = (pass->x[r * c + j] - mean) / sqrt (var + spec->eps) * gamma[j] +
                             beta[j];
    }
}

/* Kept or not, from cep-backend.h's definition of the mask. */
static gboolean
ref_dropout_keeps (guint64 seed,
                   guint64 step,
                   guint32 layer,
                   gsize   e,
                   double  p)
{
  guint32 key[2] = { (guint32) seed, (guint32) (seed >> 32) };
  guint32 counter[4] = { (guint32) step, layer,
                         CEP_RNG_STREAM_DROPOUT | (guint32) (step >> 32) << 8, (guint32) (e / 8) };
  guint32 out[4];
  guint32 half;

  cep_philox4x32 (counter, key, out);
  half = (out[(e / 2) % 4] >> (16 * (e % 2))) & 0xffff;
  return half >= (guint32) lrint (p * 65536.0);
}

static void
ref_dropout (RefPass *pass,
             guint    block,
             double   p)
{
  guint64 seed = cep_network_get_seed (pass->network);

  if (!pass->training || p == 0.0)
    return;
  for (gsize e = 0; e < (gsize) pass->n * pass->width; e++)
    pass->x[e] = ref_dropout_keeps (seed, pass->step, block, e, p)
                   ? pass->x[e] * (1.0f / (float) (1.0 - p)) : 0.0;
}

static void
ref_forward (RefPass     *pass,
             const float *inputs)
{
  const CepModelSpec *spec = cep_network_get_spec (pass->network);

  pass->width = cep_model_spec_get_input_dim (spec);
  pass->x = g_new (double, (gsize) pass->n * pass->width);
  for (gsize i = 0; i < (gsize) pass->n * pass->width; i++)
    pass->x[i] = inputs[i];
  for (guint b = 0; b <= cep_model_spec_get_n_blocks (spec); b++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, b);
      pass->inputs[b] = g_memdup2 (pass->x, sizeof (double) * pass->n * pass->width);
      pass->in_width[b] = pass->width;
      switch (block->kind)
        {
        case CEP_BLOCK_LINEAR:
          ref_linear (pass, b, block->width);
          break;
        case CEP_BLOCK_BATCH_NORM:
          ref_batch_norm (pass, b, block);
          break;
        case CEP_BLOCK_ACTIVATION:
          for (gsize e = 0; e < (gsize) pass->n * pass->width; e++)
            pass->x[e] = cep_activation_apply (block->activation, block->slope, pass->x[e]);
          break;
        case CEP_BLOCK_DROPOUT:
          ref_dropout (pass, b, (float) block->p);
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

static void
ref_pass_clear (RefPass *pass)
{
  g_free (pass->x);
  for (guint i = 0; i <= CEP_MODEL_MAX_BLOCKS; i++)
    g_free (pass->inputs[i]);
  for (guint i = 0; i < CEP_MODEL_MAX_BLOCKS; i++)
    {
      g_free (pass->running_mean[i]);
      g_free (pass->running_var[i]);
    }
}

/* The reference backward, in double: the gradient of the mean loss with respect to every
 * parameter, in the network's flat layout (found by tensor names). */

static double *
ref_loss_gradient (RefPass      *pass,
                   const gint32 *labels,
                   double        smoothing)
{
  guint c = pass->width, n = pass->n;
  double *g = g_new (double, (gsize) n * c);

  for (guint r = 0; r < n; r++)
    {
      double max = -INFINITY, sum = 0.0;
      for (guint j = 0; j < c; j++)
        max = MAX (max, pass->x[r * c + j]);
      for (guint j = 0; j < c; j++)
        sum += exp (pass->x[r * c + j] - max);
      for (guint j = 0; j < c; j++)
        {
          double target = (1 - smoothing) * (j == (guint) labels[r]) + smoothing / c;
          g[r * c + j] = (exp (pass->x[r * c + j] - max) / sum - target) / n;
        }
    }
  return g;
}

static gsize
param_offset (CepNetwork *network,
              guint       block,
              const char *role)
{
  g_autofree char *name = g_strdup_printf ("layers.%u.%s", block, role);
  gsize offset;

  if (!cep_network_lookup_tensor (network, name, NULL, &offset, NULL))
    return G_MAXSIZE;
  return offset;
}

static double *
ref_backward_linear (RefPass *pass,
                     guint    b,
                     double  *g,
                     guint    out,
                     double  *grads)
{
  g_autofree float *w = tensor_or_null (pass->network, b, "weight");
  gsize wo = param_offset (pass->network, b, "weight");
  gsize bo = param_offset (pass->network, b, "bias");
  guint in = pass->in_width[b], n = pass->n;
  const double *x = pass->inputs[b];
  double *dx = g_new0 (double, (gsize) n * in);

  for (guint r = 0; r < n; r++)
    for (guint o = 0; o < out; o++)
      {
        if (bo != G_MAXSIZE)
          grads[bo + o] += g[r * out + o];
        for (guint i = 0; i < in; i++)
          {
            grads[wo + (gsize) o * in + i] += g[r * out + o] * x[r * in + i];
            dx[r * in + i] += g[r * out + o] * w[o * in + i];
          }
      }
  g_free (g);
  return dx;
}

static void
ref_backward_batch_norm (RefPass        *pass,
                         guint           b,
                         const CepBlock *block,
                         double         *g,
                         double         *grads)
{
  g_autofree float *gamma = tensor_or_null (pass->network, b, "weight");
  gsize go = param_offset (pass->network, b, "weight");
  gsize bo = param_offset (pass->network, b, "bias");
  guint c = pass->in_width[b], n = pass->n;
  const double *x = pass->inputs[b];

  for (guint j = 0; j < c; j++)
    {
      double mean = 0.0, var = 0.0, sum_g = 0.0, sum_gx = 0.0, invstd;
      for (guint r = 0; r < n; r++)
        mean += x[r * c + j] / n;
      for (guint r = 0; r < n; r++)
        var += (x[r * c + j] - mean) * (x[r * c + j] - mean) / n;
      invstd = 1.0 / sqrt (var + block->eps);
      for (guint r = 0; r < n; r++)
        {
          sum_g += g[r * c + j];
          sum_gx += g[r * c + j] * (x[r * c + j] - mean) * invstd;
        }
      grads[go + j] += sum_gx;
      grads[bo + j] += sum_g;
      for (guint r = 0; r < n; r++)
        g[r * c + j] = gamma[j] * invstd / n *
                       (n * g[r * c + j] - sum_g - (x[r * c + j] - mean) * invstd * sum_gx);
    }
}

static double *
ref_backward (RefPass      *pass,
              const gint32 *labels)
{
  const CepModelSpec *spec = cep_network_get_spec (pass->network);
  double *grads = g_new0 (double, cep_network_get_n_parameters (pass->network));
  double *g = ref_loss_gradient (pass, labels, spec->label_smoothing);
  guint64 seed = cep_network_get_seed (pass->network);

  for (guint b = cep_model_spec_get_n_blocks (spec) + 1; b-- > 0;)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, b);
      gsize size = (gsize) pass->n * pass->in_width[b];
      switch (block->kind)
        {
        case CEP_BLOCK_LINEAR:
          g = ref_backward_linear (pass, b, g, block->width, grads);
          break;
        case CEP_BLOCK_BATCH_NORM:
          ref_backward_batch_norm (pass, b, block, g, grads);
          break;
        case CEP_BLOCK_ACTIVATION:
          for (gsize e = 0; e < size; e++)
            g[e] *= cep_activation_derivative (block->activation, block->slope,
                                               pass->inputs[b][e]);
          break;
        case CEP_BLOCK_DROPOUT:
          for (gsize e = 0; e < size && block->p > 0.0; e++)
            g[e] = ref_dropout_keeps (seed, pass->step, b, e, (float) block->p)
                     ? g[e] * (1.0f / (float) (1.0 - (float) block->p)) : 0.0;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  g_free (g);
  return grads;
}

static void
assert_close_double (const char   *what,
                     const float  *got,
                     const double *want,
                     gsize         n,
                     double        rtol,
                     double        atol)
{
  g_autofree float *wanted = g_new (float, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    wanted[i] = (float) want[i];
  train_test_assert_close (what, got, wanted, n, rtol, atol);
}

static void
check_running_stats (CepNetwork *network,
                     RefPass    *pass)
{
  const CepModelSpec *spec = cep_network_get_spec (network);

  for (guint b = 0; b < cep_model_spec_get_n_blocks (spec); b++)
    {
      g_autofree float *rm = NULL;
      g_autofree float *rv = NULL;
      guint width = cep_model_spec_get_block_input_width (spec, b);

      if (cep_model_spec_get_block (spec, b)->kind != CEP_BLOCK_BATCH_NORM)
        continue;
      rm = tensor_or_null (network, b, "running_mean");
      rv = tensor_or_null (network, b, "running_var");
      assert_close_double ("running_mean", rm, pass->running_mean[b], width, 1e-4, 1e-5);
      assert_close_double ("running_var", rv, pass->running_var[b], width, 1e-4, 1e-5);
    }
}

/* Training-mode logits, running statistics and gradients, then evaluation-mode logits. */
static void
check_forward (const char   *backend_name,
               CepActivation act)
{
  const guint n = 11;
  g_autoptr (CepBackend) backend = new_backend (backend_name);
  g_autoptr (CepModelSpec) spec = mixed_spec (act, 0.3f);
  g_autoptr (CepNetwork) network = new_network (spec, backend, 16);
  g_autofree float *inputs = train_test_random_floats (act + 1, n * 9, 2.0f);
  g_autofree gint32 *labels = train_test_random_labels (act + 2, n, 4);
  g_autofree float *logits = NULL;
  g_autofree float *grads = NULL;
  g_autofree double *want_grads = NULL;
  float eval_logits[11 * 4];
  RefPass train = { network, n, TRUE, 0x100000005ull }, eval = { network, n, FALSE, 0 };
  g_autoptr (GError) error = NULL;
  CepStepStats stats;

  cep_network_init_parameters (network, 99);
  ref_forward (&train, inputs);
  cep_network_compute_gradients (network, inputs, labels, n, train.step, &stats, &error);
  g_assert_no_error (error);
  logits = train_test_download (network->acts, cep_network_logits_offset (network), n * 4);
  assert_close_double ("train logits", logits, train.x, n * 4, 1e-4, 1e-5);
  check_running_stats (network, &train);
  g_assert_cmpuint (network->bn_batches, ==, 1);
  grads = train_test_download (cep_network_get_gradients (network), 0,
                               cep_network_get_n_parameters (network));
  want_grads = ref_backward (&train, labels);
  assert_close_double ("gradients", grads, want_grads, cep_network_get_n_parameters (network),
                       1e-3, 1e-5);
  ref_forward (&eval, inputs);
  cep_network_forward_eval (network, inputs, n, eval_logits, &error);
  g_assert_no_error (error);
  assert_close_double ("eval logits", eval_logits, eval.x, n * 4, 1e-4, 1e-5);
  g_assert_cmpuint (network->bn_batches, ==, 1);
  ref_pass_clear (&train);
  ref_pass_clear (&eval);
}

static void
test_forward_reference (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    for (CepActivation act = 0; act < CEP_ACTIVATION_COUNT; act++)
      {
        g_test_message ("%s, %s", *name, cep_activation_get_name (act));
        check_forward (*name, act);
      }
}

/* Finite differences */

static double
loss_at (CepNetwork   *network,
         const float  *inputs,
         const gint32 *labels,
         guint         n)
{
  g_autoptr (GError) error = NULL;
  CepStepStats stats;

  cep_network_compute_gradients (network, inputs, labels, n, 3, &stats, &error);
  g_assert_no_error (error);
  return stats.loss;
}

/* Compares two gradient vectors: the normalized error and every element. */
static void
check_gradient (const char  *what,
                const float *analytic,
                const float *numeric,
                gsize        n)
{
  double diff = 0.0, norm = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      diff += (analytic[i] - numeric[i]) * (double) (analytic[i] - numeric[i]);
      norm += numeric[i] * (double) numeric[i];
    }
  g_test_message ("%s: normalized error %.2e", what, sqrt (diff / MAX (norm, 1e-30)));
  g_assert_cmpfloat (sqrt (diff / MAX (norm, 1e-30)), <, 5e-3);
  train_test_assert_close (what, analytic, numeric, n, 2e-2, 3e-4);
}

/* @spec takes 9 inputs to 4 classes; @seed varies the data. */
static void
check_parameter_gradients (const char         *backend_name,
                           const CepModelSpec *spec,
                           guint               seed)
{
  const guint n = 16;
  const float h = 1e-2f;
  g_autoptr (CepBackend) backend = new_backend (backend_name);
  g_autoptr (CepNetwork) network = new_network (spec, backend, n);
  g_autofree float *inputs = train_test_random_floats (seed + 10, n * 9, 1.5f);
  g_autofree gint32 *labels = train_test_random_labels (seed + 11, n, 4);
  gsize n_params = cep_network_get_n_parameters (network);
  g_autofree float *params = NULL;
  g_autofree float *analytic = NULL;
  g_autofree float *numeric = g_new (float, n_params);

  cep_network_init_parameters (network, 5);
  loss_at (network, inputs, labels, n);
  analytic = train_test_download (cep_network_get_gradients (network), 0, n_params);
  params = train_test_download (cep_network_get_parameters (network), 0, n_params);
  for (gsize i = 0; i < n_params; i++)
    {
      float saved = params[i];
      double plus, minus;

      params[i] = saved + h;
      cep_buffer_upload (cep_network_get_parameters (network), 0, params, n_params);
      plus = loss_at (network, inputs, labels, n);
      params[i] = saved - h;
      cep_buffer_upload (cep_network_get_parameters (network), 0, params, n_params);
      minus = loss_at (network, inputs, labels, n);
      params[i] = saved;
      numeric[i] = (float) ((plus - minus) / (2.0 * h));
    }
  check_gradient ("parameter gradient", analytic, numeric, n_params);
}

/* Finite differences need a smooth loss: with ReLU's kink, hundreds of pre-activations
 * make some step h cross zero for many parameters (and BatchNorm amplifies the jump). The
 * kinked activations are covered by the reference backward instead. */
static gboolean
is_smooth (CepActivation act)
{
  return act != CEP_ACTIVATION_RELU && act != CEP_ACTIVATION_LEAKY_RELU;
}

static void
test_gradients (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    for (CepActivation act = 0; act < CEP_ACTIVATION_COUNT; act++)
      if (is_smooth (act))
      {
        g_autoptr (CepModelSpec) spec = mixed_spec (act, 0.25f);

        g_test_message ("%s, %s", *name, cep_activation_get_name (act));
        check_parameter_gradients (*name, spec, act);
      }
}

/* Σ weights ⊙ eval logits: the function whose input gradient is input_gradient(weights). */
static double
weighted_logits (CepNetwork  *network,
                 const float *inputs,
                 const float *weights,
                 guint        n)
{
  g_autofree float *logits = g_new (float, n * 4);
  g_autoptr (GError) error = NULL;
  double sum = 0.0;

  cep_network_forward_eval (network, inputs, n, logits, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n * 4; i++)
    sum += (double) weights[i] * logits[i];
  return sum;
}

/* @spec takes 9 inputs to 4 classes; @seed varies the data. */
static void
check_input_gradient (const char         *backend_name,
                      const CepModelSpec *spec,
                      guint               seed)
{
  const guint n = 7, dim = 9;
  const float h = 1e-2f;
  g_autoptr (CepBackend) backend = new_backend (backend_name);
  /* A batch smaller than n: the gradient is chunked too. */
  g_autoptr (CepNetwork) network = new_network (spec, backend, 3);
  g_autofree float *inputs = train_test_random_floats (seed + 20, n * dim, 1.5f);
  g_autofree float *dlogits = train_test_random_floats (seed + 21, n * 4, 1.0f);
  g_autofree gint32 *labels = train_test_random_labels (seed + 22, 3, 4);
  g_autofree float *analytic = g_new (float, n * dim);
  g_autofree float *numeric = g_new (float, n * dim);
  g_autoptr (GError) error = NULL;

  cep_network_init_parameters (network, 6);
  /* One training step so running statistics are not the trivial 0 and 1. */
  cep_network_compute_gradients (network, inputs, labels, 3, 0, NULL, &error);
  g_assert_no_error (error);
  cep_network_input_gradient (network, inputs, n, dlogits, analytic, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n * dim; i++)
    {
      float saved = inputs[i];
      double plus, minus;
      inputs[i] = saved + h;
      plus = weighted_logits (network, inputs, dlogits, n);
      inputs[i] = saved - h;
      minus = weighted_logits (network, inputs, dlogits, n);
      inputs[i] = saved;
      numeric[i] = (float) ((plus - minus) / (2.0 * h));
    }
  check_gradient ("input gradient", analytic, numeric, n * dim);
}

static void
test_input_gradient (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    for (CepActivation act = 0; act < CEP_ACTIVATION_COUNT; act++)
      if (is_smooth (act))
      {
        g_autoptr (CepModelSpec) spec = mixed_spec (act, 0.25f);

        g_test_message ("%s, %s", *name, cep_activation_get_name (act));
        check_input_gradient (*name, spec, act);
      }
}

/* 3 frames of 3 → residual (conv k3 same → tanh), before anything trainable → Linear 5 →
 * residual (Linear 5) → GELU, not applied by the body's Linear → residual (Linear 5 →
 * BatchNorm → SiLU) → residual (dropout → LayerNorm → Linear 5 → tanh, applied by the Linear). */
static CepModelSpec *
residual_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (1, 3, 4);
  CepBlock same = cep_block_conv1d (3, 3);

  same.padding = CEP_PADDING_SAME;
  cep_model_spec_add (spec, cep_block_residual (2));
  cep_model_spec_add (spec, same);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  cep_model_spec_add (spec, cep_block_linear (5));
  cep_model_spec_add (spec, cep_block_residual (1));
  cep_model_spec_add (spec, cep_block_linear (5));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_residual (3));
  cep_model_spec_add (spec, cep_block_linear (5));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_SILU));
  cep_model_spec_add (spec, cep_block_residual (4));
  cep_model_spec_add (spec, cep_block_dropout (0.2));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_linear (5));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  return spec;
}

/* Residuals: the parameter gradients (the skip path's share included) and the input gradient
 * (through the skip path of a residual no trainable block comes before). */
static void
test_residual_gradients (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepModelSpec) spec = residual_spec ();

      g_test_message ("%s", *name);
      check_parameter_gradients (*name, spec, 40);
      check_input_gradient (*name, spec, 41);
    }
}

/* Evaluation chunks */

static void
test_forward_eval_chunks (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      const guint n = 23;
      g_autoptr (CepBackend) backend = new_backend (*name);
      g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_SILU, 0.5f);
      g_autoptr (CepNetwork) small = new_network (spec, backend, 5);
      g_autoptr (CepNetwork) large = new_network (spec, backend, 32);
      g_autofree float *inputs = train_test_random_floats (3, n * 9, 1.0f);
      float chunked[23 * 4], whole[23 * 4], single[4];
      g_autoptr (GError) error = NULL;

      cep_network_init_parameters (small, 1);
      cep_network_init_parameters (large, 1);
      cep_network_forward_eval (small, inputs, n, chunked, &error);
      g_assert_no_error (error);
      cep_network_forward_eval (large, inputs, n, whole, &error);
      g_assert_no_error (error);
      train_test_assert_close ("chunked logits", chunked, whole, n * 4, 1e-6, 1e-7);
      cep_network_forward_eval (large, inputs + 17 * 9, 1, single, &error);
      g_assert_no_error (error);
      train_test_assert_close ("one row", single, whole + 17 * 4, 4, 1e-6, 1e-7);
      g_assert_true (cep_network_forward_eval (large, inputs, 0, whole, &error));
    }
}

/* Learning */

/* Four classes, each a bump on its own input feature, plus noise. */
static void
separable_batch (GRand  *rand,
                 guint   n,
                 float  *inputs,
                 gint32 *labels)
{
  for (guint r = 0; r < n; r++)
    {
      labels[r] = g_rand_int_range (rand, 0, 4);
      for (guint i = 0; i < 9; i++)
        inputs[r * 9 + i] = (float) g_rand_double_range (rand, -0.5, 0.5) +
                            (i == (guint) labels[r] * 2 ? 2.0f : 0.0f);
    }
}

static void
test_learns_separable (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      const guint n = 32;
      g_autoptr (CepBackend) backend = new_backend (*name);
      g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_RELU, 0.1f);
      g_autoptr (CepNetwork) network = new_network (spec, backend, n);
      g_autoptr (GRand) rand = g_rand_new_with_seed (4);
      float inputs[32 * 9];
      gint32 labels[32];
      double first = 0.0, last = 0.0;
      guint correct = 0;
      g_autoptr (GError) error = NULL;

      cep_network_init_parameters (network, 2);
      for (guint step = 0; step < 150; step++)
        {
          CepStepStats stats;
          separable_batch (rand, n, inputs, labels);
          cep_network_train_step (network, inputs, labels, n, step, 0.01, &stats, &error);
          g_assert_no_error (error);
          first += step < 10 ? stats.loss / 10 : 0.0;
          last += step >= 140 ? stats.loss / 10 : 0.0;
          correct += step >= 140 ? stats.correct : 0;
        }
      g_test_message ("%s: loss %.3f -> %.3f, last accuracy %.3f", *name, first, last,
                      correct / 320.0);
      g_assert_cmpfloat (last, <, 0.5 * first);
      g_assert_cmpuint (correct, >, 0.9 * 320);
      g_assert_cmpuint (cep_network_get_optimizer_steps (network), ==, 150);
    }
}

/* Checkpoints */

static void
train_steps (CepNetwork *network,
             guint64     first_step,
             guint       n_steps)
{
  for (guint64 step = first_step; step < first_step + n_steps; step++)
    {
      g_autofree float *inputs = train_test_random_floats (step + 100, 10 * 9, 1.0f);
      g_autofree gint32 *labels = train_test_random_labels (step + 200, 10, 4);
      g_autoptr (GError) error = NULL;
      cep_network_train_step (network, inputs, labels, 10, step, 0.003, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
assert_same_buffers (CepNetwork *a,
                     CepNetwork *b)
{
  gsize n = cep_network_get_n_parameters (a);
  g_autofree float *pa = train_test_download (cep_network_get_parameters (a), 0, n);
  g_autofree float *pb = train_test_download (cep_network_get_parameters (b), 0, n);
  g_autofree float *sa = train_test_download (cep_network_get_statistics (a), 0, a->n_stats);
  g_autofree float *sb = train_test_download (cep_network_get_statistics (b), 0, b->n_stats);

  g_assert_cmpmem (pa, n * sizeof (float), pb, n * sizeof (float));
  g_assert_cmpmem (sa, a->n_stats * sizeof (float), sb, b->n_stats * sizeof (float));
  g_assert_cmpuint (a->bn_batches, ==, b->bn_batches);
  g_assert_cmpuint (cep_network_get_optimizer_steps (a), ==,
                    cep_network_get_optimizer_steps (b));
}

static void
check_round_trip (const char *backend_name,
                  gboolean    sgd)
{
  g_autoptr (CepBackend) backend = new_backend (backend_name);
  g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_MISH, 0.2f);
  g_autoptr (CepNetwork) original = new_network (spec, backend, 10);
  g_autoptr (CepNetwork) restored = new_network (spec, backend, 10);
  g_autoptr (CepNetwork) model_only = new_network (spec, backend, 4);
  g_autofree char *dir = train_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "net.safetensors", NULL);
  const char *metadata[] = { "note", "round trip", NULL };
  g_autoptr (GError) error = NULL;
  CepOptimizerConfig config;

  cep_optimizer_config_init (&config);
  config.kind = sgd ? CEP_OPTIMIZER_KIND_SGD : CEP_OPTIMIZER_KIND_ADAM;
  config.momentum = 0.8;
  g_assert_true (cep_network_set_optimizer (original, &config, NULL));
  g_assert_true (cep_network_set_optimizer (restored, &config, NULL));
  cep_network_init_parameters (original, 8);
  train_steps (original, 0, 3);
  cep_network_save (original, path, TRUE, metadata, &error);
  g_assert_no_error (error);
  cep_network_load (restored, path, TRUE, &error);
  g_assert_no_error (error);
  cep_network_set_seed (restored, cep_network_get_seed (original));
  assert_same_buffers (original, restored);
  /* The optimizer state came back too: both continue identically. */
  train_steps (original, 3, 2);
  train_steps (restored, 3, 2);
  assert_same_buffers (original, restored);
  cep_network_load (model_only, path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_network_get_optimizer_steps (model_only), ==, 0);
  g_assert_cmpuint (model_only->bn_batches, ==, 3);
  train_test_remove_tree (dir);
}

static void
test_checkpoint_round_trip (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      check_round_trip (*name, FALSE);
      check_round_trip (*name, TRUE);
    }
}

static void
test_checkpoint_mismatch (void)
{
  g_autoptr (CepBackend) backend = new_backend ("ref");
  g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_TANH, 0.2f);
  g_autoptr (CepModelSpec) other = mixed_spec (CEP_ACTIVATION_TANH, 0.2f);
  g_autoptr (CepNetwork) network = NULL;
  g_autoptr (CepNetwork) wider = NULL;
  g_autofree char *dir = train_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "net.safetensors", NULL);
  g_autoptr (GError) error = NULL;

  g_array_index (other->blocks, CepBlock, 0).width = 8;
  network = new_network (spec, backend, 4);
  wider = new_network (other, backend, 4);
  cep_network_init_parameters (network, 1);
  cep_network_save (network, path, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cep_network_load (wider, path, FALSE, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (cep_network_load (network, "/nonexistent/net.safetensors", FALSE, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT);
  train_test_remove_tree (dir);
}

/* Errors */

static void
test_save_fails_cleanly (void)
{
  g_autoptr (CepBackend) backend = new_backend ("ref");
  g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_RELU, 0.0f);
  g_autoptr (CepNetwork) network = new_network (spec, backend, 4);
  g_autofree char *dir = train_test_make_dir ();
  g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
  /* Below a regular file: fails even for root, who ignores permissions. */
  g_autofree char *path = g_build_filename (file, "net.safetensors", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  cep_network_init_parameters (network, 1);
  g_assert_false (cep_network_save (network, path, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (cep_network_save (network, "/nonexistent-cepstra-dir/net.safetensors", TRUE,
                                    NULL, &error));
  g_assert_nonnull (error);
  train_test_remove_tree (dir);
}

static void
test_non_finite_loss (void)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) backend = new_backend (*name);
      g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_RELU, 0.0f);
      g_autoptr (CepNetwork) network = new_network (spec, backend, 4);
      g_autofree float *inputs = train_test_random_floats (1, 4 * 9, 1.0f);
      gint32 labels[4] = { 0, 1, 2, 3 };
      g_autoptr (GError) error = NULL;
      CepStepStats stats;

      cep_network_init_parameters (network, 1);
      inputs[5] = NAN;
      g_assert_false (cep_network_train_step (network, inputs, labels, 4, 0, 0.01, &stats,
                                              &error));
      g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_NON_FINITE);
      g_assert_true (isnan (stats.loss));
    }
}

static void
test_invalid_batches (void)
{
  g_autoptr (CepBackend) backend = new_backend ("ref");
  g_autoptr (CepModelSpec) spec = mixed_spec (CEP_ACTIVATION_RELU, 0.0f);
  g_autoptr (CepNetwork) network = new_network (spec, backend, 4);
  g_autofree float *inputs = train_test_random_floats (1, 5 * 9, 1.0f);
  gint32 labels[5] = { 0 };
  float logits[4];
  g_autoptr (GError) error = NULL;

  cep_network_init_parameters (network, 1);
  g_assert_false (cep_network_train_step (network, inputs, labels, 1, 0, 0.01, NULL, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (cep_network_train_step (network, inputs, labels, 5, 0, 0.01, NULL, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
  g_clear_error (&error);
  /* One row is fine in evaluation mode. */
  g_assert_true (cep_network_forward_eval (network, inputs, 1, logits, &error));
  g_assert_no_error (error);
  g_assert_null (cep_network_new (spec, backend, 0, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/train/network/layout", test_layout);
  g_test_add_func ("/train/network/reference", test_forward_reference);
  g_test_add_func ("/train/network/gradients", test_gradients);
  g_test_add_func ("/train/network/input-gradient", test_input_gradient);
  g_test_add_func ("/train/network/residual-gradients", test_residual_gradients);
  g_test_add_func ("/train/network/forward-eval-chunks", test_forward_eval_chunks);
  g_test_add_func ("/train/network/learns-separable", test_learns_separable);
  g_test_add_func ("/train/network/checkpoint-round-trip", test_checkpoint_round_trip);
  g_test_add_func ("/train/network/checkpoint-mismatch", test_checkpoint_mismatch);
  g_test_add_func ("/train/network/save-fails-cleanly", test_save_fails_cleanly);
  g_test_add_func ("/train/network/non-finite-loss", test_non_finite_loss);
  g_test_add_func ("/train/network/invalid-batches", test_invalid_batches);
  return g_test_run ();
}
