/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * demo-test-util.h: temporary folders, file-tree comparison and manifest reading for the demo
 * dataset tests. Needs no espeak-ng.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char  *name;
  char  *partition;
  char  *voice;
  guint  rate;
  guint64 seed;
  gsize  frames;
  char  *text;
} DemoManifestRow;

typedef struct
{
  char      *espeak_version;
  GPtrArray *rows;             /* DemoManifestRow*, in file order */
} DemoManifest;

char         *demo_test_make_dir          (void);
void          demo_test_remove_tree       (const char    *path);
/* Relative paths of every regular file under @root, sorted. */
GPtrArray    *demo_test_list_files        (const char    *root);
/* Fails the test unless the two files hold the same bytes. */
void          demo_test_assert_same_file  (const char    *a,
                                           const char    *b);

/* Reads ROOT/manifest.tsv; fails the test on a malformed file. */
DemoManifest *demo_manifest_load          (const char    *path);
void          demo_manifest_free          (DemoManifest  *manifest);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoManifest, demo_manifest_free)

G_END_DECLS
