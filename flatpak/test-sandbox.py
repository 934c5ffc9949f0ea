#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the installed Flatpak in its real sandbox.

    test-sandbox.py WORKDIR

Runs io.github.cepstra.Cepstra (installed by `./run.sh flatpak`, in the Flatpak installation
that FLATPAK_USER_DIR names) with `flatpak run`, as a student would, in a session made for
the test under WORKDIR: a home folder of its own, an X server (Xvfb), a D-Bus session bus,
and Debian's xdg-desktop-portal, xdg-desktop-portal-gtk and document portal, started by D-Bus
activation as on a desktop. What is checked:

- the command-line tool finds the demo dataset, trains a short run into the sandbox's data
  folder, evaluates it and writes a submission there; the Vulkan backend sees a device;
- a host folder that was not shared is refused with a message naming it and the sandbox;
- a folder chosen in the file chooser (Ctrl+O; the portal's dialog, typed into) opens through
  the document portal;
- a folder shared through the document portal directly opens from the command line and in the
  window, and the window reopens it at the next start;
- the window starts on the demo dataset, draws, and trains from the keyboard;
- the window survives a folder it cannot see;
- nothing is written to the home folder outside the app's own ~/.var/app folder.

Screenshots and results.json go to WORKDIR. Exits 1 if a check fails. Uses Debian's Python
(PyGObject talks to the document portal).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

from gi.repository import Gio, GLib

APP = "io.github.cepstra.Cepstra"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_SOURCE = os.path.join(REPO, "data", "demo", "dataset")
# The document portal's AddFull flags (xdg-desktop-portal's documents interface).
DOC_REUSE_EXISTING = 1
DOC_PERSISTENT = 2
DOC_EXPORT_DIRECTORY = 8


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


class Session:
    """A desktop session of its own: home, runtime folder, X server, D-Bus bus, portals."""

    def __init__(self, work):
        self.work = work
        self.home = os.path.join(work, "home")
        # The real path, as on a desktop: the portals hand the app paths under the runtime
        # folder they see (XDG_RUNTIME_DIR/doc/…), which the sandbox has at /run/user/UID.
        # main() gives this test a private, empty /run/user.
        self.runtime = f"/run/user/{os.getuid()}"
        self.shots = os.path.join(work, "screenshots")
        self.processes = []
        for path in (self.home, self.shots):
            os.makedirs(path)
        self.env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": self.home,
            "USER": os.environ.get("USER", "root"),
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_CURRENT_DESKTOP": "GNOME",
            "LANG": "C.UTF-8",
            "LANGUAGE": "",
            # No accessibility bus in this session; GTK would wait for one.
            "NO_AT_BRIDGE": "1",
            "GTK_A11Y": "none",
        }
        # ./run.sh installs the app in an installation of its own; without it, the user's.
        if os.environ.get("FLATPAK_USER_DIR"):
            self.env["FLATPAK_USER_DIR"] = os.environ["FLATPAK_USER_DIR"]

    def start(self):
        self.env["DISPLAY"] = self._start_xvfb()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self._start_bus()
        # Everything below (and the portals D-Bus starts) sees this session, not the caller's.
        os.environ.clear()
        os.environ.update(self.env)

    def _start_xvfb(self):
        read_end, write_end = os.pipe()
        xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1400x900x24",
             "-nolisten", "tcp"],
            pass_fds=(write_end,), env=self.env, stderr=subprocess.DEVNULL)
        os.close(write_end)
        self.processes.append(xvfb)
        with os.fdopen(read_end) as displayfd:
            number = displayfd.readline().strip()
        check(number, "Xvfb did not start")
        return ":" + number

    def _start_bus(self):
        # The bus and the services it starts (the portals) log to services.log.
        log = open(os.path.join(self.work, "services.log"), "w")
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
            env=self.env, stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        self.processes.append(bus)
        address = bus.stdout.readline().strip()
        check(address, "dbus-daemon did not start")
        return address

    def stop(self):
        subprocess.run(["flatpak", "kill", APP], stderr=subprocess.DEVNULL)
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        # The document portal's FUSE mount lives in the runtime folder.
        subprocess.run(["fusermount3", "-u", "-z", os.path.join(self.runtime, "doc")],
                       stderr=subprocess.DEVNULL)

    @property
    def app_data(self):
        return os.path.join(self.home, ".var", "app", APP)


class Sandbox:
    """Runs the installed app and its command-line tool with `flatpak run`."""

    def __init__(self, session):
        self.session = session
        self.window = None

    def cli(self, *args, timeout=300):
        result = subprocess.run(["flatpak", "run", "--command=cepstra-cli", APP, *args],
                                capture_output=True, text=True, timeout=timeout)
        return result

    def cli_ok(self, *args, timeout=300):
        result = self.cli(*args, timeout=timeout)
        check(result.returncode == 0,
              f"cepstra-cli {' '.join(args)} exited with {result.returncode}:\n{result.stderr}")
        return result

    def open_window(self, *args):
        log = open(os.path.join(self.session.work, "window.log"), "a")
        log.write(f"\n--- flatpak run {APP} {' '.join(args)}\n")
        log.flush()
        self.window = subprocess.Popen(["flatpak", "run", APP, *args],
                                       stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def wait_for_title(self, title, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check(self.window.poll() is None,
                  f"the window exited with {self.window.returncode} (see window.log)")
            found = subprocess.run(["xdotool", "search", "--name", f"^{title}$"],
                                   capture_output=True, text=True)
            if found.returncode == 0 and found.stdout.strip():
                return found.stdout.split()[0]
            time.sleep(0.5)
        raise CheckFailed(f"no window titled “{title}” after {timeout} s")

    def close_window(self):
        if self.window is None:
            return
        subprocess.run(["flatpak", "kill", APP], stderr=subprocess.DEVNULL)
        try:
            self.window.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.window.kill()
            self.window.wait()
        self.window = None

    def screenshot(self, name):
        path = os.path.join(self.session.shots, name + ".png")
        subprocess.run(["import", "-window", "root", path], check=True)
        spread = subprocess.run(["convert", path, "-format", "%[fx:standard_deviation]", "info:"],
                                capture_output=True, text=True, check=True).stdout
        check(float(spread) > 0.02, f"{name}.png is blank (standard deviation {spread})")
        return path


def keyfile_value(session, key):
    keyfile = GLib.KeyFile()
    path = os.path.join(session.app_data, "config", "glib-2.0", "settings", "keyfile")
    check(os.path.exists(path), f"the app's settings were not written to {path}")
    keyfile.load_from_file(path, GLib.KeyFileFlags.NONE)
    for group in keyfile.get_groups()[0]:
        try:
            text = keyfile.get_value(group, key)
        except GLib.Error:
            continue
        return GLib.Variant.parse(None, text, None, None).unpack()
    raise CheckFailed(f"{path} has no {key}")


def runs_in(session):
    folder = os.path.join(session.app_data, "data", "cepstra", "runs")
    if not os.path.isdir(folder):
        return set()
    return {os.path.join(folder, name) for name in os.listdir(folder)}


def metrics_events(run):
    path = os.path.join(run, "metrics.jsonl")
    if not os.path.exists(path):
        return []
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.endswith("\n"):
                events.append(json.loads(line).get("event"))
    return events


def share_through_document_portal(path):
    """What the file chooser portal does when a student picks PATH: the document portal
    exports it to the app, persistently, and the app sees it at /run/user/UID/doc/ID/NAME."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION)
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    fds = Gio.UnixFDList.new()
    handle = fds.append(fd)
    os.close(fd)
    reply, _ = bus.call_with_unix_fd_list_sync(
        "org.freedesktop.portal.Documents", "/org/freedesktop/portal/documents",
        "org.freedesktop.portal.Documents", "AddFull",
        GLib.Variant("(ahusas)", ([handle], DOC_REUSE_EXISTING | DOC_PERSISTENT |
                                  DOC_EXPORT_DIRECTORY, APP, ["read", "write"])),
        GLib.VariantType("(asa{sv})"), Gio.DBusCallFlags.NONE, 30000, fds, None)
    doc_ids, _extra = reply.unpack()
    check(len(doc_ids) == 1 and doc_ids[0], f"the document portal did not export {path}")
    return f"/run/user/{os.getuid()}/doc/{doc_ids[0]}/{os.path.basename(path)}"


def home_listing(session):
    """Every file under the home folder with its size and time, except the app's own folder,
    the folder the test made, and what the host's own services keep there."""
    skip = {os.path.join(session.home, p) for p in
            (".var", "Datasets", ".local/share/flatpak", ".local/share/xdg-desktop-portal",
             ".cache", ".dbus",
             # xdg-desktop-portal-gtk, which draws the file chooser outside the sandbox:
             # GTK 3's settings, dconf's database, and the recent files it adds the chosen
             # folder to (the app's own recent files are in ~/.var/app).
             ".config/gtk-3.0", ".config/dconf", ".local/share/recently-used.xbel")}
    # The folders that lead to those (~/.local/share) are made by the same services.
    leading = {os.path.dirname(p) for p in skip} | {os.path.dirname(os.path.dirname(p)) for p in skip}
    listing = {}
    for root, dirs, files in os.walk(session.home):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in skip]
        files = [f for f in files if os.path.join(root, f) not in skip]
        for name in files + [d for d in dirs if os.path.join(root, d) not in leading]:
            path = os.path.join(root, name)
            info = os.lstat(path)
            listing[os.path.relpath(path, session.home)] = (info.st_size, info.st_mtime_ns)
    return listing


class Tests:
    def __init__(self, session):
        self.session = session
        self.app = Sandbox(session)
        self.unshared = os.path.join(session.home, "Datasets", "demo-copy")
        shutil.copytree(DEMO_SOURCE, self.unshared)
        self.home_before = home_listing(session)
        self.shared = None

    def test_cli_finds_demo(self):
        out = self.app.cli_ok("inspect").stdout
        check("train-clean-100" in out and "dev-clean" in out,
              f"inspect does not list the demo partitions:\n{out}")

    def test_cli_vulkan_device(self):
        out = self.app.cli_ok("backends").stdout
        check("vulkan" in out and "llvmpipe" in out,
              f"backends does not list lavapipe (llvmpipe) for vulkan:\n{out}")

    def test_cli_trains_into_sandbox_data(self):
        before = runs_in(self.session)
        self.app.cli_ok("train", "--preset", "tiny", "--epochs", "1", "--name", "sandbox-cli")
        new = runs_in(self.session) - before
        check(len(new) == 1, f"expected one new run under ~/.var/app/{APP}/data, found {new}")
        run = new.pop()
        check("sandbox-cli" in os.path.basename(run), f"run folder {run} not named after --name")
        check(os.path.exists(os.path.join(run, "experiment.json")), f"{run} has no experiment.json")
        check("epoch" in metrics_events(run), f"{run}/metrics.jsonl has no epoch")
        self.cli_run = run

    def test_cli_evaluates_and_submits(self):
        self.app.cli_ok("eval", self.cli_run)
        submission = os.path.join(self.session.app_data, "data", "submission.csv")
        self.app.cli_ok("predict", self.cli_run, "--partition", "test-clean", "--csv", submission)
        with open(submission, encoding="utf-8") as f:
            rows = f.read().splitlines()
        check(rows[0] == "id,label" and len(rows) > 100, f"{submission} is not a submission")

    def test_cli_classroom(self):
        """The classroom's loop inside the sandbox: an assignment made from the run's
        experiment, a run trained under it, its hand-in, and the class re-measuring it."""
        data = os.path.join(self.session.app_data, "data")
        assignment = os.path.join(data, "lab.cepstra-assignment")
        handins = os.path.join(data, "handins")
        os.makedirs(handins, exist_ok=True)
        self.app.cli_ok("assignment", "new", "--from",
                        os.path.join(self.cli_run, "experiment.json"), "--title", "Sandbox lab",
                        "--max", "train.epochs=1", "--lock", "train.optimizer",
                        "--out", assignment)
        refused = self.app.cli("train", "--assignment", assignment, "--epochs", "2")
        check(refused.returncode == 6 and "train.epochs" in refused.stderr,
              f"train broke the assignment's epoch bound and exited {refused.returncode}:\n"
              f"{refused.stderr}")
        before = runs_in(self.session)
        self.app.cli_ok("train", "--assignment", assignment, "--name", "sandbox-lab")
        run = (runs_in(self.session) - before).pop()
        handin = os.path.join(handins, "ann.cepstra-handin")
        self.app.cli_ok("handin", run, "--student", "Ann", "--out", handin)
        out = self.app.cli_ok("class", handins, "--assignment", assignment, "--json").stdout
        rows = json.loads(out)["handins"]
        check(len(rows) == 1 and rows[0]["student"] == "Ann" and not rows[0]["flags"],
              f"the class of one honest hand-in is not one clean row:\n{out}")
        check(abs(rows[0]["measured"] - rows[0]["claimed"]) < 1e-6,
              f"the re-measured metric differs from the claimed one:\n{out}")

    def test_cli_exports_torch_project(self):
        project = os.path.join(self.session.app_data, "data", "torch-project")
        self.app.cli_ok("export", "torch", self.cli_run, "--out", project)
        for name in ("train.py", "data.py", "model.py", "README.md"):
            check(os.path.isfile(os.path.join(project, name)),
                  f"the exported project has no {name}")

    def test_assignment_type_exported(self):
        """A double-click on an assignment opens Cepstra: the installation exports the app's
        MIME package and its desktop file names the type."""
        installation = os.environ.get("FLATPAK_USER_DIR") or os.path.join(
            self.session.home, ".local", "share", "flatpak")
        exports = os.path.join(installation, "exports", "share")
        mime = os.path.join(exports, "mime", "packages", f"{APP}.xml")
        desktop = os.path.join(exports, "applications", f"{APP}.desktop")
        check(os.path.isfile(mime), f"{mime} is not exported")
        with open(mime, encoding="utf-8") as f:
            check("application/x-cepstra-assignment" in f.read(),
                  f"{mime} does not define application/x-cepstra-assignment")
        with open(desktop, encoding="utf-8") as f:
            check("application/x-cepstra-assignment" in f.read(),
                  f"{desktop} does not name application/x-cepstra-assignment")

    def test_cli_unshared_folder_explained(self):
        result = self.app.cli("inspect", self.unshared)
        check(result.returncode == 2,
              f"inspect of an unshared folder exited with {result.returncode}, not 2 (invalid data)")
        check(self.unshared in result.stderr and "Flatpak sandbox" in result.stderr,
              f"the error does not name the folder and the sandbox:\n{result.stderr}")

    def test_cli_shared_folder_opens(self):
        self.shared = share_through_document_portal(self.unshared)
        out = self.app.cli_ok("inspect", self.shared).stdout
        check("dev-clean" in out, f"inspect of the shared folder lists no partitions:\n{out}")

    def test_window_on_demo(self):
        self.app.open_window()
        window = self.app.wait_for_title("Demo dataset — Cepstra")
        time.sleep(2)
        self.app.screenshot("window-demo")
        before = runs_in(self.session)
        # The keyboard path a student has: Alt+3 is the Train page, Ctrl+Return starts.
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "alt+3"], check=True)
        time.sleep(1)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+Return"], check=True)
        deadline = time.monotonic() + 240
        run = None
        while time.monotonic() < deadline:
            new = runs_in(self.session) - before
            if new and "epoch" in metrics_events(next(iter(new))):
                run = next(iter(new))
                break
            check(self.app.window.poll() is None, "the window exited while training")
            time.sleep(1)
        check(run is not None, "the window did not train an epoch within 240 s of Ctrl+Return")
        time.sleep(1)
        self.app.screenshot("window-training")
        self.app.close_window()

    def test_window_file_chooser_shares_folder(self):
        """The way a student opens a dataset: Ctrl+O, the file chooser (drawn by
        xdg-desktop-portal-gtk outside the sandbox), a folder typed in its location bar."""
        folder = os.path.join(self.session.home, "Datasets", "class-data")
        shutil.copytree(DEMO_SOURCE, folder)
        self.app.open_window()
        window = self.app.wait_for_title("Demo dataset — Cepstra")
        subprocess.run(["xdotool", "windowfocus", "--sync", window], check=True)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+o"], check=True)
        chooser = self.app.wait_for_title("Open Dataset", timeout=30)
        time.sleep(1)
        subprocess.run(["xdotool", "windowfocus", "--sync", chooser], check=True)
        # It opens on Recent, where a typed folder cannot be picked: Alt+Home leaves it.
        subprocess.run(["xdotool", "key", "--clearmodifiers", "alt+Home"], check=True)
        time.sleep(1)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+l"], check=True)
        subprocess.run(["xdotool", "type", "--delay", "10", folder + "/"], check=True)
        time.sleep(0.5)
        self.app.screenshot("file-chooser")
        # Return picks the typed folder (a folder chooser's default response).
        subprocess.run(["xdotool", "key", "--clearmodifiers", "Return"], check=True)
        self.app.wait_for_title("class-data — Cepstra", timeout=60)
        time.sleep(1)
        self.app.screenshot("window-chosen-folder")
        check(subprocess.run(["xdotool", "search", "--name", "^Open Dataset$"],
                             capture_output=True).returncode != 0,
              "the file chooser is still open after Return")
        shared = keyfile_value(self.session, "last-dataset")
        check(shared.startswith(f"/run/user/{os.getuid()}/doc/") and shared.endswith("/class-data"),
              f"the chosen folder was not opened through the document portal: {shared}")
        self.app.close_window()

    def test_window_opens_shared_folder_and_remembers_it(self):
        check(self.shared is not None, "needs the folder shared by test_cli_shared_folder_opens")
        self.app.open_window(self.shared)
        self.app.wait_for_title("demo-copy — Cepstra")
        time.sleep(2)
        self.app.screenshot("window-shared-folder")
        self.app.close_window()
        check(keyfile_value(self.session, "last-dataset") == self.shared,
              "the window did not remember the shared folder")
        self.app.open_window()
        self.app.wait_for_title("demo-copy — Cepstra")
        self.app.close_window()

    def test_window_survives_unshared_folder(self):
        self.app.open_window(self.unshared)
        time.sleep(8)
        check(self.app.window.poll() is None,
              f"the window exited with {self.app.window.returncode} on an unshared folder")
        self.app.screenshot("window-unshared-folder")
        self.app.close_window()

    def test_nothing_written_outside_the_sandbox(self):
        after = home_listing(self.session)
        changed = sorted(p for p in set(after) | set(self.home_before)
                         if after.get(p) != self.home_before.get(p))
        check(not changed, f"written in the home folder outside ~/.var/app/{APP}: {changed}")

    ORDER = [
        "test_cli_finds_demo",
        "test_cli_vulkan_device",
        "test_cli_trains_into_sandbox_data",
        "test_cli_evaluates_and_submits",
        "test_cli_classroom",
        "test_cli_exports_torch_project",
        "test_assignment_type_exported",
        "test_cli_unshared_folder_explained",
        "test_cli_shared_folder_opens",
        "test_window_on_demo",
        "test_window_file_chooser_shares_folder",
        "test_window_opens_shared_folder_and_remembers_it",
        "test_window_survives_unshared_folder",
        "test_nothing_written_outside_the_sandbox",
    ]

    def run(self):
        results = []
        for name in self.ORDER:
            start = time.monotonic()
            try:
                getattr(self, name)()
                outcome, detail = "passed", ""
            except CheckFailed as error:
                outcome, detail = "failed", str(error)
            except Exception:  # a test that crashes is a failed test, not a stopped suite
                outcome, detail = "failed", traceback.format_exc()
            finally:
                self.app.close_window()
            seconds = time.monotonic() - start
            results.append({"test": name, "result": outcome, "seconds": round(seconds, 1),
                            "detail": detail})
            print(f"{'ok  ' if outcome == 'passed' else 'FAIL'} {name} ({seconds:.1f} s)",
                  flush=True)
            if detail:
                print("     " + detail.replace("\n", "\n     "), flush=True)
        return results


def enter_private_run_user():
    """Re-runs this script in a mount namespace of its own with an empty tmpfs on /run/user,
    so the session's runtime folder is the real /run/user/UID (see Session) without touching
    the machine's, and everything mounted there (the document portal) goes with the test."""
    if os.environ.get("CEPSTRA_SANDBOX_TEST_NAMESPACE") == "1":
        os.makedirs(f"/run/user/{os.getuid()}", mode=0o700)
        return
    if os.getuid() != 0:
        sys.exit("test-sandbox.py: needs root (a private /run/user); run it through ./run.sh flatpak")
    os.environ["CEPSTRA_SANDBOX_TEST_NAMESPACE"] = "1"
    script = ("mkdir -p /run/user && mount -t tmpfs -o mode=0755 cepstra-test-run-user /run/user && exec \"$@\"")
    os.execvp("unshare", ["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                          "sh", sys.executable, *sys.argv])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test-sandbox.py WORKDIR")
    enter_private_run_user()
    work = os.path.abspath(sys.argv[1])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    session = Session(work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        session.start()
        results = Tests(session).run()
    finally:
        session.stop()
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
    failed = [r["test"] for r in results if r["result"] != "passed"]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed (screenshots and "
          f"results.json in {work})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
