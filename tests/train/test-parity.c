/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-parity.c: a CepNetwork against PyTorch 1.13 on every available backend.
 *
 * tests/fixtures/train/make-parity.py built a small model (Linear 25→16 without bias,
 * BatchNorm, GELU, Dropout 0, Linear 16→12, ReLU, Linear 12→7, label smoothing 0.1) with
 * random weights and statistics, and recorded what torch computes: the first step's logits, loss and every
 * gradient, then every parameter, running statistic and num_batches_tracked after three
 * steps, and the evaluation-mode logits after them — for AdamW, Adam with L2 weight decay,
 * and SGD (Nesterov momentum, weight decay, gradient clipping).
 *
 * The same fixtures exist for a convolutional model (parity-conv-*: conv1d with dilation and
 * same padding, max pooling, a strided conv1d, average pooling, then the head), run as
 * /train/parity/conv/<optimizer>, and for residuals (parity-residual-*: one around a Linear, a
 * BatchNorm and a ReLU, one around a LayerNorm and a Linear, a tanh after it), run as
 * /train/parity/residual/<optimizer>.
 *
 * Tolerance for every number (logits, loss, gradients, parameters, running statistics,
 * evaluation logits): |got − want| <= 1e-6 + 1e-5·|want|. num_batches_tracked exactly.
 */
#include "train-test-util.h"

#include <math.h>

#include "cep-network-private.h"
#include "cep-safetensors.h"

#define ROWS 9
#define STEPS 3
#define INPUTS 25
#define CLASSES 7

#define RTOL 1e-5
#define ATOL 1e-6

typedef struct
{
  const char       *name;
  CepOptimizerKind  kind;
  double            lr;
} Case;

static const Case cases[] = {
  { "adamw", CEP_OPTIMIZER_KIND_ADAMW, 0.01 },
  { "adam", CEP_OPTIMIZER_KIND_ADAM, 0.01 },
  { "sgd", CEP_OPTIMIZER_KIND_SGD, 0.05 },
};

static CepModelSpec *
parity_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (2, 5, CLASSES);

  CepBlock first = cep_block_linear (16);

  first.bias = FALSE;
  cep_model_spec_add (spec, first);
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_dropout (0.0));
  cep_model_spec_add (spec, cep_block_linear (12));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  spec->label_smoothing = 0.1;
  return spec;
}

/* Conv1d(5, 6, 2, dilation=2, padding='same'), GELU, MaxPool1d(2, 1), Conv1d(6, 8, 2,
 * stride=2), ReLU, AvgPool1d(2, 1), then the head Linear(8, 7). */
static CepModelSpec *
parity_conv_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (2, 5, CLASSES);
  CepBlock same = cep_block_conv1d (6, 2);
  CepBlock strided = cep_block_conv1d (8, 2);

  same.dilation = 2;
  same.padding = CEP_PADDING_SAME;
  strided.stride = 2;
  cep_model_spec_add (spec, same);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_MAX_POOL1D, 2, 1));
  cep_model_spec_add (spec, strided);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_AVG_POOL1D, 2, 1));
  spec->label_smoothing = 0.1;
  return spec;
}

/* Linear(25, 12), GELU, Residual(Linear(12, 12, bias=False), BatchNorm1d(12), ReLU),
 * Residual(LayerNorm(12), Linear(12, 12)), Tanh, then the head Linear(12, 7). */
static CepModelSpec *
parity_residual_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (2, 5, CLASSES);
  CepBlock no_bias = cep_block_linear (12);

  no_bias.bias = FALSE;
  cep_model_spec_add (spec, cep_block_linear (12));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_residual (3));
  cep_model_spec_add (spec, no_bias);
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  cep_model_spec_add (spec, cep_block_residual (2));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_linear (12));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  spec->label_smoothing = 0.1;
  return spec;
}

/* A model and its fixtures. */
typedef struct
{
  const char     *name;             /* "" for the MLP, whose paths predate the others */
  CepModelSpec *(*spec) (void);
  const char     *model_fixture;
  const char     *expected_fixture;
} Model;

static const Model models[] = {
  { "", parity_spec, "parity-model.safetensors", "parity-expected.safetensors" },
  { "conv/", parity_conv_spec, "parity-conv-model.safetensors",
    "parity-conv-expected.safetensors" },
  { "residual/", parity_residual_spec, "parity-residual-model.safetensors",
    "parity-residual-expected.safetensors" },
};

typedef struct
{
  const Model *model;
  const Case  *optimizer;
} ParityCase;

static CepSafetensors *
open_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (CEP_FIXTURES_DIR, name, NULL);
  g_autoptr (GError) error = NULL;
  CepSafetensors *file = cep_safetensors_open (path, &error);

  g_assert_no_error (error);
  return file;
}

static float *
read_expected (CepSafetensors *expected,
               const char     *name,
               gsize           n)
{
  g_autoptr (GError) error = NULL;
  float *data = g_new (float, n);

  cep_safetensors_read_f32 (expected, name, 0, NULL, data, n, &error);
  g_assert_no_error (error);
  return data;
}

static void
set_optimizer (CepNetwork *network,
               const Case *c)
{
  CepOptimizerConfig config;

  cep_optimizer_config_init (&config);
  config.kind = c->kind;
  if (c->kind == CEP_OPTIMIZER_KIND_SGD)
    {
      config.momentum = 0.9;
      config.nesterov = TRUE;
      config.weight_decay = 1e-3;
      config.clip_norm = 0.5;
    }
  g_assert_true (cep_network_set_optimizer (network, &config, NULL));
}

/* torch's clip_grad_norm_ factor for the recorded (unclipped) gradients. */
static double
clip_factor (CepSafetensors *expected,
             GArray         *tensors,
             const Case     *c)
{
  double sum = 0.0;

  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_autofree char *name = NULL;
      g_autofree float *grad = NULL;
      if (!info->is_parameter)
        continue;
      name = g_strdup_printf ("%s.grad.%s", c->name, info->name);
      grad = read_expected (expected, name, info->n_elements);
      for (gsize j = 0; j < info->n_elements; j++)
        sum += (double) grad[j] * grad[j];
    }
  return c->kind == CEP_OPTIMIZER_KIND_SGD ? MIN (1.0, 0.5 / (sqrt (sum) + 1e-6)) : 1.0;
}

static void
check_first_step (CepNetwork     *network,
                  CepSafetensors *expected,
                  const Case     *c,
                  const CepStepStats *stats)
{
  g_autoptr (GArray) tensors = cep_model_spec_list_tensors (cep_network_get_spec (network));
  g_autofree char *logits_name = g_strdup_printf ("%s.logits", c->name);
  g_autofree char *loss_name = g_strdup_printf ("%s.loss", c->name);
  g_autofree float *want_logits = read_expected (expected, logits_name, ROWS * CLASSES);
  g_autofree float *want_loss = read_expected (expected, loss_name, 1);
  g_autofree float *logits = train_test_download (network->acts,
                                                  cep_network_logits_offset (network),
                                                  ROWS * CLASSES);
  float loss = (float) stats->loss;
  double factor = clip_factor (expected, tensors, c);

  train_test_assert_close (logits_name, logits, want_logits, ROWS * CLASSES, RTOL, ATOL);
  train_test_assert_close (loss_name, &loss, want_loss, 1, RTOL, ATOL);
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_autofree char *name = NULL;
      g_autofree float *want = NULL;
      g_autofree float *got = NULL;
      CepBuffer *buffer;
      gsize offset, n;

      if (!info->is_parameter)
        continue;
      name = g_strdup_printf ("%s.grad.%s", c->name, info->name);
      want = read_expected (expected, name, info->n_elements);
      for (gsize j = 0; j < info->n_elements; j++)
        want[j] = (float) (want[j] * factor);
      g_assert_true (cep_network_lookup_tensor (network, info->name, &buffer, &offset, &n));
      got = train_test_download (cep_network_get_gradients (network), offset, n);
      train_test_assert_close (name, got, want, n, RTOL, ATOL);
    }
}

static void
check_after_steps (CepNetwork     *network,
                   CepSafetensors *expected,
                   const Case     *c)
{
  g_autoptr (GArray) tensors = cep_model_spec_list_tensors (cep_network_get_spec (network));

  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_autofree char *name = g_strdup_printf ("%s.after.%s", c->name, info->name);
      g_autofree float *want = NULL;
      g_autofree float *got = NULL;
      g_autoptr (GError) error = NULL;
      gint64 count;

      if (info->role == CEP_TENSOR_NUM_BATCHES_TRACKED)
        {
          cep_safetensors_read_i64 (expected, name, 0, NULL, &count, 1, &error);
          g_assert_no_error (error);
          g_assert_cmpint (count, ==, (gint64) network->bn_batches);
          continue;
        }
      want = read_expected (expected, name, info->n_elements);
      got = train_test_get_tensor (network, info->name, NULL);
      train_test_assert_close (name, got, want, info->n_elements, RTOL, ATOL);
    }
}

static void
check_eval (CepNetwork     *network,
            CepSafetensors *expected,
            const Case     *c,
            const float    *inputs)
{
  g_autofree char *name = g_strdup_printf ("%s.eval_logits", c->name);
  g_autofree float *want = read_expected (expected, name, ROWS * CLASSES);
  float logits[ROWS * CLASSES];
  g_autoptr (GError) error = NULL;

  cep_network_forward_eval (network, inputs, ROWS, logits, &error);
  g_assert_no_error (error);
  train_test_assert_close (name, logits, want, ROWS * CLASSES, RTOL, ATOL);
}

static void
run_case (const char  *backend_name,
          const Model *model,
          const Case  *c)
{
  g_autoptr (CepModelSpec) spec = model->spec ();
  g_autoptr (CepSafetensors) expected = open_fixture (model->expected_fixture);
  g_autofree char *model_path = g_build_filename (CEP_FIXTURES_DIR, model->model_fixture, NULL);
  g_autofree float *inputs = read_expected (expected, "batch.inputs", STEPS * ROWS * INPUTS);
  gint64 labels64[STEPS * ROWS];
  gint32 labels[STEPS * ROWS];
  g_autoptr (GError) error = NULL;
  g_autoptr (CepBackend) backend = cep_backend_new (backend_name, NULL, &error);
  g_autoptr (CepNetwork) network = NULL;

  g_assert_no_error (error);
  g_test_message ("backend %s, %s%s", backend_name, model->name, c->name);
  cep_safetensors_read_i64 (expected, "batch.labels", 0, NULL, labels64, STEPS * ROWS, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < STEPS * ROWS; i++)
    labels[i] = (gint32) labels64[i];
  network = cep_network_new (spec, backend, 16, &error);
  g_assert_no_error (error);
  cep_network_load (network, model_path, FALSE, &error);
  g_assert_no_error (error);
  set_optimizer (network, c);
  for (guint step = 0; step < STEPS; step++)
    {
      CepStepStats stats;
      cep_network_train_step (network, inputs + step * ROWS * INPUTS, labels + step * ROWS,
                              ROWS, step, c->lr, &stats, &error);
      g_assert_no_error (error);
      if (step == 0)
        check_first_step (network, expected, c, &stats);
    }
  check_after_steps (network, expected, c);
  check_eval (network, expected, c, inputs);
  cep_network_free (g_steal_pointer (&network));
}

static void
test_parity (gconstpointer data)
{
  const ParityCase *p = data;

  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    run_case (*name, p->model, p->optimizer);
}

int
main (int    argc,
      char **argv)
{
  static ParityCase parity_cases[G_N_ELEMENTS (models) * G_N_ELEMENTS (cases)];

  g_test_init (&argc, &argv, NULL);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        ParityCase *p = &parity_cases[m * G_N_ELEMENTS (cases) + i];
        g_autofree char *path = g_strdup_printf ("/train/parity/%s%s", models[m].name,
                                                 cases[i].name);

        *p = (ParityCase) { &models[m], &cases[i] };
        g_test_add_data_func (path, p, test_parity);
      }
  return g_test_run ();
}
