/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * torch-checkpoint.c: writes what test-torch-load.py feeds to PyTorch — OUT/checkpoint.
 * safetensors, a trained network using every block kind and activation (with its experiment
 * in the metadata, as the trainer writes it), and OUT/expected.safetensors with a batch of
 * inputs and Cepstra's evaluation-mode logits for it. With "conv", the network is a
 * convolutional front end instead: every conv1d setting (kernel, stride, dilation, same and
 * valid padding, no bias) and both poolings, then Linear layers.
 *
 *   torch-checkpoint OUT [conv]
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

static void
write_expected (CepNetwork *network,
                const char *path)
{
  guint dim = cep_network_get_input_dim (network);
  g_autofree float *inputs = train_test_random_floats (99, ROWS * dim, 2.0f);
  float logits[ROWS * 5];
  gsize input_shape[2] = { ROWS, dim }, logit_shape[2] = { ROWS, 5 };
  g_autoptr (CepSafetensorsWriter) writer = cep_safetensors_writer_new ();
  g_autoptr (GError) error = NULL;

  if (!cep_network_forward_eval (network, inputs, ROWS, logits, &error) ||
      !cep_safetensors_writer_add_f32 (writer, "inputs", 2, input_shape, inputs, &error) ||
      !cep_safetensors_writer_add_f32 (writer, "logits", 2, logit_shape, logits, &error) ||
      !cep_safetensors_writer_write (writer, path, &error))
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (CepBackend) backend = NULL;
  g_autoptr (CepNetwork) network = NULL;
  g_autofree char *json = NULL;
  g_autofree char *checkpoint = NULL;
  g_autofree char *expected = NULL;

  if (argc != 2 && !(argc == 3 && g_str_equal (argv[2], "conv")))
    g_error ("usage: torch-checkpoint OUT [conv]");
  cep_experiment_set_model (experiment, argc == 3 ? conv_spec () : every_block_spec ());
  json = cep_experiment_to_json (experiment);
  checkpoint = g_build_filename (argv[1], "checkpoint.safetensors", NULL);
  expected = g_build_filename (argv[1], "expected.safetensors", NULL);
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
  write_expected (network, expected);
  return 0;
}
