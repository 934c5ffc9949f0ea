/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-choice.c: listing the backends and devices that open on this machine.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include "cep-backend-choice.h"

void
cep_backend_choice_free (CepBackendChoice *choice)
{
  if (choice == NULL)
    return;
  g_free (choice->backend);
  g_free (choice->device);
  g_free (choice->device_name);
  g_free (choice->description);
  g_free (choice);
}

/* Opens @backend on @device (NULL: its own pick) and, when it opens, adds it to @choices. */
static void
add_if_it_opens (GPtrArray  *choices,
                 const char *backend,
                 const char *device)
{
  g_autoptr (GError) error = NULL;
  CepBackendOptions options = { .device = device };
  g_autoptr (CepBackend) opened = cep_backend_new (backend, &options, &error);
  CepBackendChoice *choice;

  if (opened == NULL)
    {
      g_debug ("backend %s (device %s) does not open here: %s", backend,
               device != NULL ? device : "any", error->message);
      return;
    }
  choice = g_new0 (CepBackendChoice, 1);
  choice->backend = g_strdup (backend);
  choice->device = g_strdup (device);
  choice->device_name = g_strdup (cep_backend_get_device_name (opened));
  choice->description = g_strdup (cep_backend_get_description (opened));
  g_ptr_array_add (choices, choice);
}

GPtrArray *
cep_backend_list_choices (void)
{
  const char * const *names = cep_backend_list_available ();
  GPtrArray *choices = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_backend_choice_free);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_auto (GStrv) devices = cep_backend_list_devices (names[i], NULL);

      if (devices == NULL)
        add_if_it_opens (choices, names[i], NULL);
      for (guint d = 0; devices != NULL && devices[d] != NULL; d++)
        add_if_it_opens (choices, names[i], devices[d]);
    }
  return choices;
}
