/* test-window-input.c: bad text typed into the workbench's number fields
 *
 * Copyright 2026 The Didact authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb. Every spin button of the window's sidebar (teacher step,
 * window T, student learning rate, the edit's length, the focused cell's
 * value) gets text no number field should take — letters, nothing, "nan",
 * "inf", huge exponents, out-of-range values — activated as a user would
 * (Return, or leaving the field). What the session then holds is read back
 * from the engine: the edits in its journal and the Φ its next step uses
 * must stay finite and within the field's range. The heatmap's own
 * editing (+, −, Page Up and Page Down on the focused cell) is driven far
 * past the cell field's range and must be held to it too.
 */
#include "config.h"
#include "didact-application.h"
#include "didact-window.h"
#include "didact-heatmap.h"
#include "test-files.h"
#include "test-wait.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

static DidactApplication *app;
static DidactWindow *win;

/* what no number field may take (invalid UTF-8 cannot reach GTK's text) */
static const char *const bad_texts[] = {
  "abc", "", " ", "nan", "NaN", "-nan", "inf", "-inf", "infinity", "1e999", "-1e999", "1e-999",
  "1e308", "-1e308", "99999999999999999999", "-99999999999999999999", "0x10", "1,5", "--1",
  "1e", "-0", "0", "-1", "1O",
};

static DdSession *
session (void)
{
  return didact_window_get_session (win);
}

static gboolean
window_ready (gpointer data)
{
  return !didact_window_is_loading (win) && !didact_window_is_opening (win);
}

static gboolean
window_at_rest (gpointer data)
{
  return didact_window_is_resting (win);
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), action, NULL));
}

static void
settle (void)
{
  dd_session_wait_idle (session ());
  g_assert_true (wait_until (window_at_rest, NULL, 60));
}

static void
collect_spins (GtkWidget *w, GPtrArray *out)
{
  if (GTK_IS_SPIN_BUTTON (w))
    g_ptr_array_add (out, w);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_spins (c, out);
}

static const char *
spin_name (GtkSpinButton *spin)
{
  return gtk_buildable_get_buildable_id (GTK_BUILDABLE (spin));
}

/* the field's value is a number of its range, whatever was typed */
static void
assert_spin_sane (GtkSpinButton *spin, const char *typed)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);
  const double v = gtk_spin_button_get_value (spin);

  g_test_message ("  %s: typed “%s”, the field holds %g (range [%g, %g]), shows “%s”", spin_name (spin), typed, v,
                  gtk_adjustment_get_lower (adj), gtk_adjustment_get_upper (adj),
                  gtk_editable_get_text (GTK_EDITABLE (spin)));
  g_assert_true (isfinite (v));
  g_assert_cmpfloat (v, >=, gtk_adjustment_get_lower (adj));
  g_assert_cmpfloat (v, <=, gtk_adjustment_get_upper (adj));
}

/* the journal's last entry: the edit the session received last */
static const DdEdit *
last_edit (void)
{
  DdSessionSnapshot snap;

  dd_session_snapshot (session (), &snap);
  g_assert_cmpint (snap.n_journal, >, 0);
  return dd_session_journal_entry (session (), snap.n_journal - 1);
}

/* every journal entry from `from` on: a finite value in its field's range */
static void
assert_journal_sane (gint64 from)
{
  DdSessionSnapshot snap;

  dd_session_snapshot (session (), &snap);
  for (gint64 i = from; i < snap.n_journal; i++)
    {
      const DdEdit *e = dd_session_journal_entry (session (), i);

      g_test_message ("  journal %" G_GINT64_FORMAT ": kind %d, value %g, n_steps %d", i, e->kind, e->value,
                      e->n_steps);
      g_assert_true (isfinite (e->value));
      switch (e->kind)
        {
        case DD_EDIT_STUDENT_LR:
          g_assert_cmpfloat (e->value, >=, 0.0001);
          g_assert_cmpfloat (e->value, <=, 2);
          break;
        case DD_EDIT_TEACHER_LR:
          g_assert_cmpfloat (e->value, >=, 0.0001);
          g_assert_cmpfloat (e->value, <=, 1);
          break;
        case DD_EDIT_WINDOW:
          g_assert_cmpfloat (e->value, >=, 1);
          g_assert_cmpfloat (e->value, <=, 5000);
          break;
        case DD_EDIT_OVERRIDE_PHI:
          g_assert_cmpint (e->n_steps, >=, 0);
          g_assert_cmpint (e->n_steps, <=, 100000);
          break;
        default:
          break;
        }
    }
}

/* Φ of branch 0's next step: finite, every coefficient within the cell
 * field's range */
static const DdPhiRecord *
assert_next_phi_sane (void)
{
  DdSessionSnapshot before, after;
  const int R = dd_session_phi_rows (session ()), C = dd_session_n_classes (session ());

  dd_session_snapshot (session (), &before);
  for (int i = 0; i < 64; i++)
    {
      activate ("win.step");
      settle ();
      dd_session_snapshot (session (), &after);
      if (after.n_phi[0] > before.n_phi[0])
        break;
    }
  g_assert_cmpint (after.n_phi[0], >, before.n_phi[0]);
  const DdPhiRecord *p = dd_session_phi_record (session (), 0, after.n_phi[0] - 1);
  for (int k = 0; k < R * C + C; k++)
    {
      g_assert_true (isfinite (p->W[k]));
      g_assert_cmpfloat (fabs (p->W[k]), <=, 20);
    }
  return p;
}

/* the text field inside a spin button, which Return activates */
static GtkWidget *
find_text (GtkWidget *w)
{
  if (GTK_IS_TEXT (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *t = find_text (c);
      if (t != NULL)
        return t;
    }
  return NULL;
}

/* text typed into spin, then Return (or, when by_focus, the field left:
 * gtk_spin_button_update, what losing the focus runs) */
static void
type_into (GtkSpinButton *spin, const char *text, gboolean by_focus)
{
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  if (by_focus)
    gtk_spin_button_update (spin);
  else
    g_signal_emit_by_name (find_text (GTK_WIDGET (spin)), "activate");   /* Return */
  settle ();
}

static GtkSpinButton *
find_spin (GPtrArray *spins, const char *name)
{
  for (guint i = 0; i < spins->len; i++)
    if (g_strcmp0 (spin_name (spins->pdata[i]), name) == 0)
      return spins->pdata[i];
  g_error ("no spin button %s in the window", name);
  return NULL;
}

static void
test_spin_buttons (void)
{
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();
  DdSessionSnapshot snap;

  collect_spins (GTK_WIDGET (win), spins);
  g_test_message ("%u spin buttons in the window", spins->len);
  g_assert_cmpuint (spins->len, >=, 5);

  /* first, that a good value typed reaches the engine: the test can see it */
  GtkSpinButton *lr = find_spin (spins, "student_lr_spin");
  type_into (lr, "0.05", FALSE);
  g_assert_cmpint (last_edit ()->kind, ==, DD_EDIT_STUDENT_LR);
  g_assert_cmpfloat (last_edit ()->value, ==, 0.05);
  GtkSpinButton *window = find_spin (spins, "window_spin");
  type_into (window, "40", TRUE);
  g_assert_cmpint (last_edit ()->kind, ==, DD_EDIT_WINDOW);
  g_assert_cmpfloat (last_edit ()->value, ==, 40);

  for (guint i = 0; i < spins->len; i++)
    {
      GtkSpinButton *spin = spins->pdata[i];

      if (!gtk_widget_is_sensitive (GTK_WIDGET (spin)))
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (bad_texts); k++)
        for (int by_focus = 0; by_focus <= 1; by_focus++)
          {
            dd_session_snapshot (session (), &snap);
            type_into (spin, bad_texts[k], by_focus);
            assert_spin_sane (spin, bad_texts[k]);
            assert_journal_sane (snap.n_journal);
          }
      /* just past each end of the range */
      GtkAdjustment *adj = gtk_spin_button_get_adjustment (spin);
      const double ends[] = { gtk_adjustment_get_lower (adj) - 1, gtk_adjustment_get_upper (adj) * 10 + 1,
                              gtk_adjustment_get_lower (adj) / 2 };
      for (guint k = 0; k < G_N_ELEMENTS (ends); k++)
        {
          char text[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_dtostr (text, sizeof text, ends[k]);
          dd_session_snapshot (session (), &snap);
          type_into (spin, text, k % 2);
          assert_spin_sane (spin, text);
          assert_journal_sane (snap.n_journal);
        }
    }
}

/* the cell field's text becomes Φ of the engine's next steps: a bad text
 * leaves a finite value of its range, applied as an override */
static void
test_cell_value (void)
{
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();
  DidactHeatmap *heatmap = DIDACT_HEATMAP (didact_window_get_plot (win, 0));
  const int C = dd_session_n_classes (session ());
  DdSessionSnapshot snap;

  collect_spins (GTK_WIDGET (win), spins);
  GtkSpinButton *cell = find_spin (spins, "cell_spin");
  GtkSpinButton *edit_steps = find_spin (spins, "edit_steps_spin");
  /* the focus on W[1, 1], as a click puts it */
  didact_heatmap_set_focus_cell (heatmap, 1, 1);
  g_signal_emit_by_name (heatmap, "cell-activated", 1, 1);

  /* a good value is the next step's W[1, 1] */
  type_into (cell, "2.5", FALSE);
  activate ("win.apply-edit");
  g_assert_cmpfloat (assert_next_phi_sane ()->W[1 * C + 1], ==, 2.5f);

  for (guint k = 0; k < G_N_ELEMENTS (bad_texts); k++)
    {
      dd_session_snapshot (session (), &snap);
      type_into (edit_steps, bad_texts[k], k % 2);
      assert_spin_sane (edit_steps, bad_texts[k]);
      type_into (cell, bad_texts[k], k % 2);
      assert_spin_sane (cell, bad_texts[k]);
      activate ("win.apply-edit");
      settle ();
      assert_journal_sane (snap.n_journal);
      const DdPhiRecord *p = assert_next_phi_sane ();
      g_test_message ("  typed “%s”: the next step's W[1, 1] = %g, the field %g", bad_texts[k],
                      p->W[1 * C + 1], gtk_spin_button_get_value (cell));
    }

  /* the heatmap's keys: Page Up a thousand times is 10,000 steps of 0.05
   * (and as many down); the value must stay in the cell field's range */
  g_assert_true (didact_heatmap_get_editable (heatmap));
  for (int sign = 1; sign >= -1; sign -= 2)
    {
      dd_session_snapshot (session (), &snap);
      for (int i = 0; i < 1000; i++)
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (heatmap), "heatmap.adjust", "d", 10.0 * sign));
      const double shown = didact_heatmap_get_value (heatmap, 1, 1);
      g_test_message ("  the heatmap pushed %s: its W[1, 1] = %g, the field %g", sign > 0 ? "up" : "down",
                      shown, gtk_spin_button_get_value (cell));
      g_assert_true (isfinite (shown));
      g_assert_cmpfloat (fabs (shown), <=, 20);
      activate ("win.apply-edit");
      settle ();
      assert_journal_sane (snap.n_journal);
      const DdPhiRecord *p = assert_next_phi_sane ();
      g_assert_cmpfloat (p->W[1 * C + 1], ==, (float) (20.0 * sign));
    }
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("DIDACT_LOCALEDIR");
  int status;
  /* autosaves and recent files in a state and data home of our own */
  g_autofree char *state_dir = g_dir_make_tmp ("didact-input-XXXXXX", NULL);
  g_autofree char *state = g_build_filename (state_dir, "state", NULL);
  g_autofree char *data = g_build_filename (state_dir, "data", NULL);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  app = didact_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);

  win = didact_window_new (ADW_APPLICATION (app), "digits-tiny-mlp");
  gtk_window_set_default_size (GTK_WINDOW (win), 1400, 900);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_until (window_ready, NULL, 60));
  settle ();

  g_test_add_func ("/window-input/spin-buttons", test_spin_buttons);
  g_test_add_func ("/window-input/cell-value", test_cell_value);
  status = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  spin (0.2);
  g_object_unref (app);
  remove_tree (state_dir);
  return status;
}
