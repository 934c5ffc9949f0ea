/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-tar.c: libFuzzer target for the ustar reader (cep-tar) that opens hand-ins.
 *
 * Every input either ends cleanly or fails with an error that names the archive; every
 * entry it yields has a name the writer could have written, and no entry name comes twice.
 * Seeds in corpus/tar (made by make-tar-corpus.py: a good archive and each kind of refusal).
 */
#include "cep-tar.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize) size,
                                                                         NULL);
  g_autoptr(CepTarReader) reader = cep_tar_reader_new (stream, "fuzz.tar");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  const char *name;
  guint64 entry_size;
  guint n = 0;

  while (cep_tar_reader_next (reader, &name, &entry_size, &error))
    {
      g_autoptr(GBytes) bytes = NULL;

      g_assert_true (cep_tar_name_is_valid (name));
      g_assert_true (g_hash_table_add (seen, g_strdup (name)));
      /* Read every other entry, so both the read and the skip are exercised. */
      if (n++ % 2 == 0)
        {
          bytes = cep_tar_reader_read_bytes (reader, 1 << 20, &error);
          if (bytes == NULL)
            break;
          g_assert_cmpuint (g_bytes_get_size (bytes), ==, entry_size);
        }
    }
  if (error != NULL)
    g_assert_true (g_str_has_prefix (error->message, "fuzz.tar: "));
  return 0;
}
