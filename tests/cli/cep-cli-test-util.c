/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cep-cli-test-util.h"
#include "cep-npy.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

CepCliResult *
cep_cli_test_runv (const char * const *args)
{
  const char *cli = g_getenv ("CEPSTRA_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CepCliResult *result = g_new0 (CepCliResult, 1);

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &result->out, &result->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result->exit_code = g_subprocess_get_exit_status (process);
  if (result->exit_code != 0)
    g_test_message ("cepstra-cli exited %d: %s", result->exit_code, result->err);
  return result;
}

CepCliResult *
cep_cli_test_run (const char *first_arg,
                  ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return cep_cli_test_runv ((const char * const *) args->pdata);
}

void
cep_cli_result_free (CepCliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

JsonNode *
cep_cli_result_get_json (CepCliResult *result)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (result->out, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static const char *phonemes[] = {
  "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
  "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH",
  "UH", "UW", "V", "W", "Y", "Z", "ZH",
};

static void
write_transcript (const char *path,
                  gsize       n_frames)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (labels, (gpointer) "[SOS]");
  for (gsize t = 0; t < n_frames; t++)
    g_ptr_array_add (labels, (gpointer) (t % 5 == 0 ? "[SIL]" : phonemes[t % G_N_ELEMENTS (phonemes)]));
  g_ptr_array_add (labels, (gpointer) "[EOS]");
  cep_npy_write_strings (path, (const char * const *) labels->pdata, labels->len, &error);
  g_assert_no_error (error);
}

void
cep_cli_test_write_utterance (const char *partition_dir,
                              const char *name,
                              gsize       n_frames,
                              guint       dim,
                              gboolean    with_transcript)
{
  g_autofree char *mfcc_dir = g_build_filename (partition_dir, "mfcc", NULL);
  g_autofree char *transcript_dir = g_build_filename (partition_dir, "transcript", NULL);
  g_autofree char *file = g_strconcat (name, ".npy", NULL);
  g_autofree char *mfcc_path = g_build_filename (mfcc_dir, file, NULL);
  g_autofree float *values = g_new (float, n_frames * dim);
  g_autoptr(GError) error = NULL;
  gsize shape[2] = { n_frames, dim };

  g_assert_cmpint (g_mkdir_with_parents (mfcc_dir, 0755), ==, 0);
  /* Varying, non-constant columns, so CMVN is well defined. */
  for (gsize t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      values[t * dim + d] = (float) (sin (0.37 * t + d) * (d + 1) + 0.01 * t * d);
  cep_npy_write_float32 (mfcc_path, values, 2, shape, &error);
  g_assert_no_error (error);
  if (with_transcript)
    {
      g_autofree char *transcript_path = g_build_filename (transcript_dir, file, NULL);

      g_assert_cmpint (g_mkdir_with_parents (transcript_dir, 0755), ==, 0);
      write_transcript (transcript_path, n_frames);
    }
}

void
cep_cli_test_write_wav (const char *path,
                        guint       rate,
                        gsize       n_samples)
{
  SF_INFO info = { .samplerate = (int) rate, .channels = 1,
                   .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  g_autofree float *samples = g_new (float, n_samples);
  GRand *rand = g_rand_new_with_seed (7);
  SNDFILE *file;

  for (gsize i = 0; i < n_samples; i++)
    {
      double t = (double) i / rate;
      samples[i] = (float) (0.3 * sin (2 * G_PI * (200 + 900 * t) * t)
                            + 0.003 * (g_rand_double (rand) - 0.5));
    }
  g_rand_free (rand);
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, samples, (sf_count_t) n_samples), ==, n_samples);
  sf_close (file);
}

void
cep_cli_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        cep_cli_test_remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}
