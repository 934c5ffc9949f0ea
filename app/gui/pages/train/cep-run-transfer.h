/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-transfer.h: the Run History's way out to PyTorch and back in — "Export to
 * PyTorch…" (core/export/cep-export-torch.h) and "Import Run…" (cep-run-import.h). Each asks
 * for a folder, does the file work in a GTask and reports a toast or an error dialog from
 * @owner; @done runs on the main loop after an import that added a run.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef void (*CepRunTransferDone) (GtkWidget *owner,
                                    gpointer   user_data);

/* Ask for the folder, then do the work. */
void cep_run_transfer_export_torch (GtkWidget          *owner,
                                    const char         *run_dir);
void cep_run_transfer_import       (GtkWidget          *owner,
                                    const char         *runs_root,
                                    CepRunTransferDone  done,
                                    gpointer            user_data);
/* The work alone, once the folder is known (what the file chooser's answer starts). */
void cep_run_transfer_export_torch_to (GtkWidget          *owner,
                                       const char         *run_dir,
                                       const char         *out_dir);
void cep_run_transfer_import_from     (GtkWidget          *owner,
                                       const char         *source,
                                       const char         *runs_root,
                                       CepRunTransferDone  done,
                                       gpointer            user_data);

G_END_DECLS
