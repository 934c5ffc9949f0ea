/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * torch-checkpoint.c: writes what test-torch-load.py feeds to PyTorch — OUT/checkpoint.
 * safetensors, a trained network using every block kind and activation (with its experiment
 * in the metadata, as the trainer writes it), and OUT/expected.safetensors with a batch of
 * inputs and Cepstra's evaluation-mode logits for it; the same as OUT/normed-checkpoint and
 * OUT/normed-expected for a network of LayerNorms over frames and vectors around a Flatten,
 * which also holds labels for the batch and the gradient of the mean cross-entropy of every
 * parameter (grad.<name>; that network has no dropout, whose masks torch draws otherwise).
 * With "conv", OUT/checkpoint and OUT/expected are of a convolutional front end instead: every
 * conv1d setting (kernel, stride, dilation, same and valid padding, no bias) and both
 * poolings, then Linear layers. With "residual", of residuals (with the gradients, as normed-):
 * around a convolution over frames before any trainable block, around a Linear with an
 * activation after the residual (not applied by the body's Linear), around a Linear, a
 * BatchNorm and the activation the Linear applies, and around a LayerNorm and a Linear.
 *
 *   torch-checkpoint OUT [conv | residual]
 */
#include "train-test-util.h"

#include "cep-run.h"
#include "cep-safetensors.h"

#define ROWS 7

static CepModelSpec *
every_block_spec (void)
{
  static const CepActivation chain[] = {
    CEP_ACTIVATION_LEAKY_RELU, CEP_ACTIVATION_SILU, CEP_ACTIVATION_MISH,
    CEP_ACTIVATION_SIGMOID, CEP_ACTIVATION_TANH, CEP_ACTIVATION_IDENTITY,
  };
  CepModelSpec *spec = cep_model_spec_new (1, 4, 5);
  CepBlock no_bias = cep_block_linear (8);
  CepBlock leaky = cep_block_activation (CEP_ACTIVATION_LEAKY_RELU);

  no_bias.bias = FALSE;
  leaky.slope = 0.05;
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_dropout (0.2));
  cep_model_spec_add (spec, no_bias);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      cep_model_spec_add (spec, cep_block_linear (6 + i % 2));
      cep_model_spec_add (spec, chain[i] == CEP_ACTIVATION_LEAKY_RELU
                                  ? leaky : cep_block_activation (chain[i]));
    }
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_dropout (0.1));
  spec->label_smoothing = 0.1;
  return spec;
}

/* LayerNorm over each frame's channels, Flatten, LayerNorm over the vector (its own eps), one
 * without weight and bias. */
static CepModelSpec *
normed_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (1, 4, 5);
  CepBlock wide_eps = cep_block_layer_norm ();
  CepBlock plain = cep_block_layer_norm ();

  wide_eps.eps = 1e-3;
  plain.elementwise_affine = FALSE;
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_defaults (CEP_BLOCK_FLATTEN));
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, wide_eps);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_linear (6));
  cep_model_spec_add (spec, plain);
  return spec;
}

/* 9 frames of 4 → conv k3 → 7 × 6 → conv k2 d2 same → 7 × 5 → max pool k2 s1 → 6 × 5 →
 * conv k3 s2 without bias → 2 × 4 → avg pool k2 s1 → 1 × 4 → Linear. */
static CepModelSpec *
conv_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (4, 4, 5);
  CepBlock same = cep_block_conv1d (5, 2);
  CepBlock strided = cep_block_conv1d (4, 3);

  same.dilation = 2;
  same.padding = CEP_PADDING_SAME;
  same.init = CEP_INIT_TORCH_DEFAULT;
  strided.stride = 2;
  strided.bias = FALSE;
  cep_model_spec_add (spec, cep_block_conv1d (6, 3));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, same);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_MAX_POOL1D, 2, 1));
  cep_model_spec_add (spec, strided);
  cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_AVG_POOL1D, 2, 1));
  cep_model_spec_add (spec, cep_block_linear (8));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  return spec;
}

/* 3 frames of 4 → residual (conv k3 same → GELU) → Linear 10 → residual (Linear 10) → tanh →
 * residual (Linear 10 → BatchNorm → ReLU) → residual (LayerNorm → Linear 10 → SiLU). */
static CepModelSpec *
residual_spec (void)
{
  CepModelSpec *spec = cep_model_spec_new (1, 4, 5);
  CepBlock same = cep_block_conv1d (4, 3);

  same.padding = CEP_PADDING_SAME;
  cep_model_spec_add (spec, cep_block_residual (2));
  cep_model_spec_add (spec, same);
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, cep_block_residual (1));
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  cep_model_spec_add (spec, cep_block_residual (3));
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  cep_model_spec_add (spec, cep_block_residual (3));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_linear (10));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_SILU));
  return spec;
}

static void
train (CepNetwork *network)
{
  guint dim = cep_network_get_input_dim (network);

  for (guint step = 0; step < 4; step++)
    {
      g_autofree float *inputs = train_test_random_floats (step + 1, 16 * dim, 2.0f);
      g_autofree gint32 *labels = train_test_random_labels (step + 1, 16, 5);
      g_autoptr (GError) error = NULL;
      if (!cep_network_train_step (network, inputs, labels, 16, step, 0.01, NULL, &error))
        g_error ("%s", error->message);
    }
}

/* The labels (as floats) and every parameter's gradient of the batch's mean loss; the writer
 * borrows the data, so @keep owns it until the file is written. */
static gboolean
add_gradients (CepNetwork           *network,
               CepSafetensorsWriter *writer,
               const float          *inputs,
               GPtrArray            *keep,
               GError              **error)
{
  g_autofree gint32 *labels = train_test_random_labels (98, ROWS, 5);
  g_autoptr (GArray) tensors = cep_model_spec_list_tensors (cep_network_get_spec (network));
  float *label_values = g_new (float, ROWS);
  gsize label_shape[1] = { ROWS };

  g_ptr_array_add (keep, label_values);
  for (guint i = 0; i < ROWS; i++)
    label_values[i] = labels[i];
  if (!cep_network_compute_gradients (network, inputs, labels, ROWS, 0, NULL, error) ||
      !cep_safetensors_writer_add_f32 (writer, "labels", 1, label_shape, label_values, error))
    return FALSE;
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_autofree char *name = g_strconcat ("grad.", info->name, NULL);
      float *grad;
      CepBuffer *buffer;
      gsize offset, n;

      if (!info->is_parameter)
        continue;
      g_assert_true (cep_network_lookup_tensor (network, info->name, &buffer, &offset, &n));
      grad = train_test_download (cep_network_get_gradients (network), offset, n);
      g_ptr_array_add (keep, grad);
      if (!cep_safetensors_writer_add_f32 (writer, name, info->n_dims, info->shape, grad,
                                          error))
        return FALSE;
    }
  return TRUE;
}

static void
write_expected (CepNetwork *network,
                gboolean    with_gradients,
                const char *path)
{
  guint dim = cep_network_get_input_dim (network);
  g_autofree float *inputs = train_test_random_floats (99, ROWS * dim, 2.0f);
  float logits[ROWS * 5];
  gsize input_shape[2] = { ROWS, dim }, logit_shape[2] = { ROWS, 5 };
  g_autoptr (CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (!cep_network_forward_eval (network, inputs, ROWS, logits, &error) ||
      !cep_safetensors_writer_add_f32 (writer, "inputs", 2, input_shape, inputs, &error) ||
      !cep_safetensors_writer_add_f32 (writer, "logits", 2, logit_shape, logits, &error) ||
      (with_gradients && !add_gradients (network, writer, inputs, keep, &error)) ||
      !cep_safetensors_writer_write (writer, path, &error))
    g_error ("%s", error->message);
}

/* Trains @spec a little on ref and writes OUT/<prefix>checkpoint.safetensors and
 * OUT/<prefix>expected.safetensors. */
static void
write_trained (CepModelSpec *spec,
               gboolean      with_gradients,
               const char   *folder,
               const char   *prefix)
{
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CepBackend) backend = NULL;
  g_autoptr (CepNetwork) network = NULL;
  g_autofree char *json = NULL;
  g_autofree char *checkpoint_name = g_strconcat (prefix, "checkpoint.safetensors", NULL);
  g_autofree char *expected_name = g_strconcat (prefix, "expected.safetensors", NULL);
  g_autofree char *checkpoint = g_build_filename (folder, checkpoint_name, NULL);
  g_autofree char *expected = g_build_filename (folder, expected_name, NULL);

  cep_experiment_set_model (experiment, spec);
  json = cep_experiment_to_json (experiment);
  backend = cep_backend_new ("ref", NULL, &error);
  if (backend == NULL ||
      (network = cep_network_new (experiment->model, backend, 16, &error)) == NULL)
    g_error ("%s", error->message);
  cep_network_init_parameters (network, 12);
  train (network);
  if (!cep_network_save (network, checkpoint, TRUE,
                         (const char *[]) { CEP_RUN_METADATA_FORMAT, "pt",
                                            CEP_RUN_METADATA_EXPERIMENT, json, NULL },
                         &error))
    g_error ("%s", error->message);
  write_expected (network, with_gradients, expected);
}

/* OUT/kinds.txt: the name of every block kind the model spec has, one a line, so the test
 * knows when a new kind is not yet among the checkpoints it loads. */
static void
write_kinds (const char *folder)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *path = g_build_filename (folder, "kinds.txt", NULL);
  g_autoptr (GError) error = NULL;

  for (guint kind = 0; kind < CEP_BLOCK_KIND_COUNT; kind++)
    g_string_append_printf (text, "%s\n", cep_block_kind_get_name ((CepBlockKind) kind));
  if (!g_file_set_contents (path, text->str, (gssize) text->len, &error))
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  if (argc >= 2)
    write_kinds (argv[1]);
  if (argc == 3 && g_str_equal (argv[2], "conv"))
    {
      write_trained (conv_spec (), FALSE, argv[1], "");
      return 0;
    }
  if (argc == 3 && g_str_equal (argv[2], "residual"))
    {
      write_trained (residual_spec (), TRUE, argv[1], "");
      return 0;
    }
  if (argc != 2)
    g_error ("usage: torch-checkpoint OUT [conv | residual]");
  write_trained (every_block_spec (), FALSE, argv[1], "");
  write_trained (normed_spec (), TRUE, argv[1], "normed-");
  return 0;
}
