/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-backend.c: the backend registry, buffers and argument checks.
 *
 * Creating backends by name (and failing clearly for unknown names), buffer round trips,
 * views at offsets, the ref fallback for slots a backend leaves out, and the dispatchers'
 * refusal of out-of-bounds or overlapping views (in subprocesses, since they are criticals).
 */
#include <string.h>

#include "backend-test-util.h"

static void
test_list_available (void)
{
  const char *const *names = cep_backend_list_available ();

  g_assert_nonnull (names);
  g_assert_true (g_strv_contains (names, "ref"));
  g_assert_true (g_strv_contains (names, "blas"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (CepBackend) backend = test_backend_try_new (names[i], 0);
      gboolean host = g_str_equal (names[i], "ref") || g_str_equal (names[i], "blas");

      if (backend == NULL)
        continue;
      g_assert_cmpstr (cep_backend_get_name (backend), ==, names[i]);
      g_assert_true (g_str_has_prefix (cep_backend_get_description (backend), names[i]));
      g_assert_cmpuint (cep_backend_get_threads (backend), >=, 1);
      g_assert_true (cep_backend_is_host_memory (backend) == host);
      cep_backend_synchronize (backend);
    }
}

static void
test_unknown_name (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CepBackend) backend = cep_backend_new ("cuda", NULL, &error);

  g_assert_null (backend);
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, "“cuda”"));
  for (const char *const *name = cep_backend_list_available (); *name != NULL; name++)
    g_assert_nonnull (strstr (error->message, *name));
  g_test_message ("%s", error->message);

  g_clear_error (&error);
  g_assert_null (cep_backend_new ("", NULL, &error));
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_UNKNOWN);
}

static void
test_threads_option (void)
{
  CepBackendOptions options = { .threads = 3 };
  g_autoptr (CepBackend) blas = cep_backend_new ("blas", &options, NULL);
  g_autoptr (CepBackend) ref = cep_backend_new ("ref", &options, NULL);

  g_assert_cmpuint (cep_backend_get_threads (blas), ==, 3);
  g_assert_cmpuint (cep_backend_get_threads (ref), ==, 1);
}

static void
test_buffer_round_trip (void)
{
  for (const char *const *name = cep_backend_list_available (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) backend = test_backend_try_new (*name, 2);
      g_autoptr (GError) error = NULL;
      g_autoptr (CepBuffer) buffer = NULL;

      if (backend == NULL)
        continue;
      buffer = cep_buffer_new (backend, 100, &error);
      float zeros[100], data[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, back[12];
      gint32 ints[3] = { -1, 0, G_MAXINT32 }, ints_back[3];

      g_assert_no_error (error);
      g_assert_cmpuint (cep_buffer_get_size (buffer), ==, 100);
      g_assert_true (cep_buffer_get_backend (buffer) == backend);
      cep_buffer_download (buffer, 0, zeros, 100);
      for (guint i = 0; i < 100; i++)
        g_assert_cmpfloat (zeros[i], ==, 0.0f);

      cep_buffer_upload (buffer, 41, data, 10);
      cep_buffer_download (buffer, 40, back, 12);
      g_assert_cmpfloat (back[0], ==, 0.0f);
      g_assert_cmpmem (back + 1, 10 * sizeof (float), data, sizeof data);
      g_assert_cmpfloat (back[11], ==, 0.0f);

      cep_buffer_upload (buffer, 97, ints, 3);
      cep_buffer_download (buffer, 97, ints_back, 3);
      g_assert_cmpmem (ints_back, sizeof ints_back, ints, sizeof ints);
      /* Host backends expose their words; a device backend has none on the host. */
      if (cep_backend_is_host_memory (backend))
        g_assert_nonnull (cep_buffer_get_host_data (buffer));
      else
        g_assert_null (cep_buffer_get_host_data (buffer));
    }
}

/* A zero-word buffer is legal; a buffer that cannot exist fails with an error. */
static void
test_buffer_sizes (void)
{
  g_autoptr (CepBackend) backend = test_backend_new ("blas", 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (CepBuffer) empty = cep_buffer_new (backend, 0, &error);
  g_autoptr (CepBuffer) huge = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (cep_buffer_get_size (empty), ==, 0);
  huge = cep_buffer_new (backend, G_MAXSIZE / 2, &error);
  g_assert_null (huge);
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY);
}

/* Invalid views are refused with a critical (fatal in tests, so each case runs in a
 * subprocess). */
static void
run_bad_view_case (const char *which)
{
  g_autoptr (CepBackend) backend = test_backend_new ("blas", 1);
  g_autoptr (CepBuffer) buffer = cep_buffer_new (backend, 16, NULL);

  if (g_strcmp0 (which, "bounds") == 0)
    cep_backend_fill (backend, 10, 1.0f, cep_view (buffer, 8));
  else if (g_strcmp0 (which, "overlap") == 0)
    cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, 2, 2, 2, 1.0f, cep_view (buffer, 0),
                      2, cep_view (buffer, 8), 2, 0.0f, cep_view (buffer, 2), 2);
  else if (g_strcmp0 (which, "foreign") == 0)
    {
      g_autoptr (CepBackend) other = test_backend_new ("ref", 1);
      g_autoptr (CepBuffer) theirs = cep_buffer_new (other, 16, NULL);
      cep_backend_fill (backend, 4, 1.0f, cep_view (theirs, 0));
    }
  else if (g_strcmp0 (which, "leading-dimension") == 0)
    cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, 2, 2, 2, 1.0f, cep_view (buffer, 0),
                      1, cep_view (buffer, 4), 2, 0.0f, cep_view (buffer, 8), 2);
  else if (g_strcmp0 (which, "dropout-mask") == 0)
    cep_backend_dropout_forward (backend, 8, 0.5f, (CepDropoutKey) { 1, 2, 3 },
                                 cep_view (buffer, 0), cep_view (buffer, 0),
                                 cep_view (buffer, 7));
}

static void
test_refuses_bad_view (gconstpointer data)
{
  if (g_test_subprocess ())
    {
      run_bad_view_case (data);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*");
}

/* blas leaves argmax to the ref fallback; the call still works on blas buffers. */
static void
test_ref_fallback (void)
{
  g_autoptr (CepBackend) backend = test_backend_new ("blas", 2);
  const float logits[6] = { 0.1f, 0.9f, 0.3f, 2.0f, -1.0f, 0.0f };
  const gint32 labels[2] = { 1, 1 };
  gint32 out[4] = { 0 };
  g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, 6);
  g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, 2);
  g_autoptr (TestTensor) to = test_tensor_new_from (backend, out, 4);

  cep_backend_argmax (backend, 2, 3, tl->view, tlab->view, to->view,
                      cep_view_at (to->view, 2));
  test_tensor_download (to, out);
  g_assert_cmpint (out[0], ==, 1);
  g_assert_cmpint (out[1], ==, 0);
  g_assert_cmpint (out[2], ==, 1);
  g_assert_cmpint (out[3], ==, 0);
}

static void
test_activation_names (void)
{
  for (guint i = 0; i < CEP_ACTIVATION_COUNT; i++)
    {
      CepActivation act;
      const char *name = cep_activation_get_name ((CepActivation) i);
      g_autofree char *upper = g_ascii_strup (name, -1);
      g_assert_true (cep_activation_from_name (upper, &act));
      g_assert_cmpint (act, ==, i);
    }
  CepActivation act;
  g_assert_true (cep_activation_from_name ("LeakyReLU", &act));
  g_assert_cmpint (act, ==, CEP_ACTIVATION_LEAKY_RELU);
  g_assert_false (cep_activation_from_name ("softmax", &act));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backend/list-available", test_list_available);
  g_test_add_func ("/backend/unknown-name", test_unknown_name);
  g_test_add_func ("/backend/threads-option", test_threads_option);
  g_test_add_func ("/backend/buffer-round-trip", test_buffer_round_trip);
  g_test_add_func ("/backend/buffer-sizes", test_buffer_sizes);
  static const char *const bad_views[] = {
    "bounds", "overlap", "foreign", "leading-dimension", "dropout-mask",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad_views); i++)
    {
      g_autofree char *path = g_strdup_printf ("/backend/refuses-bad-view/%s", bad_views[i]);
      g_test_add_data_func (path, bad_views[i], test_refuses_bad_view);
    }
  g_test_add_func ("/backend/ref-fallback", test_ref_fallback);
  g_test_add_func ("/backend/activation-names", test_activation_names);

  return g_test_run ();
}
